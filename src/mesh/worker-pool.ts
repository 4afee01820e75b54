/**
 * Worker processes of the mesh: each runs worker-main with its own forwarding engine, so forwarding
 * uses more than one core. The mesh process accepts every TCP connection and deals them round-robin
 * to itself and its workers (a listen socket shared between processes would let one process take a
 * whole burst of connections: measured, all 64 of wrk's went to one). The mesh stays the single
 * owner of the table; workers get snapshots and answer metric queries.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Logger } from "../lib/logger.js";
import type { TableSnapshot } from "./table.js";
import type { BackendMetrics } from "./types.js";
import type { FromWorker, ToWorker, WorkerSettings } from "./worker-protocol.js";

/** What the pool needs from the mesh's options. */
export interface WorkerPoolOptions extends WorkerSettings {
  readonly workers: number;
  readonly logger: Logger;
}

interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  isReady: boolean;
  alive: boolean;
}

type Pending = (m: FromWorker) => void;

const QUERY_TIMEOUT_MS = 2000;

/** The worker entry, next to this module (.ts when run from source through tsx, .js when built). */
function workerEntry(): { path: string; execArgv: string[] } {
  const self = import.meta.url;
  const ext = self.endsWith(".ts") ? ".ts" : ".js";
  const path = fileURLToPath(new URL(`./worker-main${ext}`, self));
  if (ext === ".js") return { path, execArgv: [] };
  const loader = createRequire(self).resolve("tsx");
  return { path, execArgv: ["--import", pathToFileURL(loader).href] };
}

/** See the module comment. */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private turn = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    const entry = workerEntry();
    for (let i = 0; i < options.workers; i++) this.workers.push(this.start(i, entry));
  }

  private start(index: number, entry: { path: string; execArgv: string[] }): Worker {
    const child = fork(entry.path, [], { execArgv: entry.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "json" });
    let resolveReady: () => void = () => undefined;
    const ready = new Promise<void>((r) => (resolveReady = r));
    const w: Worker = { child, ready, isReady: false, alive: true };
    child.on("message", (m: FromWorker) => {
      if (m.type === "ready") {
        w.isReady = true;
        resolveReady();
        return;
      }
      const cb = this.pending.get(m.id);
      if (cb !== undefined) {
        this.pending.delete(m.id);
        cb(m);
      }
    });
    child.on("exit", (code, signal) => {
      w.alive = false;
      resolveReady();
      this.options.logger.warn({ worker: index, code, signal }, "mesh worker exited; the mesh process keeps forwarding");
    });
    this.send(w, {
      type: "init",
      settings: {
        maxConnectAttempts: this.options.maxConnectAttempts,
        connectTimeoutMs: this.options.connectTimeoutMs,
        failureCooldownMs: this.options.failureCooldownMs,
        udpIdleTimeoutMs: this.options.udpIdleTimeoutMs,
      },
    });
    return w;
  }

  private send(w: Worker, m: ToWorker): void {
    if (!w.alive || !w.child.connected) return;
    w.child.send(m);
  }

  /** Resolves when every worker started (or died trying). */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ready));
  }

  /** Mirrors the table into every worker. */
  setTable(table: TableSnapshot): void {
    for (const w of this.workers) this.send(w, { type: "table", table });
  }

  /**
   * Takes an accepted, unread client socket if it is a worker's turn (round-robin over the mesh
   * process and the live, ready workers) and hands it over; returns false when the mesh process
   * should forward it itself.
   */
  dispatch(key: string, socket: Socket): boolean {
    const slots = this.workers.length + 1;
    const turn = this.turn;
    this.turn = (this.turn + 1) % slots;
    const w = turn === 0 ? undefined : this.workers[turn - 1];
    if (w === undefined || !w.alive || !w.isReady || !w.child.connected) return false;
    w.child.send({ type: "connection", key } satisfies ToWorker, socket, { keepOpen: false }, (err) => {
      if (err !== null) socket.destroy();
    });
    return true;
  }

  /** Every live worker's counters, with its pid. */
  async metrics(): Promise<{ pid: number; metrics: BackendMetrics[] }[]> {
    const replies = await this.queryAll((id) => ({ type: "query-metrics", id }));
    return replies.map(({ pid, reply }) => ({ pid, metrics: reply.type === "metrics" ? [...reply.metrics] : [] }));
  }

  /** Open connections to the task's backends over all live workers. */
  async activeForTask(taskId: string): Promise<number> {
    const replies = await this.queryAll((id) => ({ type: "query-active", id, taskId }));
    return replies.reduce((n, { reply }) => n + (reply.type === "active" ? reply.count : 0), 0);
  }

  /** Asks every live worker; a worker that does not answer in time counts as no answer. */
  private async queryAll(make: (id: number) => ToWorker): Promise<{ pid: number; reply: FromWorker }[]> {
    const live = this.workers.filter((w) => w.alive && w.child.connected);
    const answers = await Promise.all(
      live.map(async (w) => {
        await w.ready;
        const id = this.nextId++;
        const pid = w.child.pid ?? 0;
        return new Promise<{ pid: number; reply: FromWorker } | undefined>((resolve) => {
          const timer = setTimeout(() => {
            this.pending.delete(id);
            resolve(undefined);
          }, QUERY_TIMEOUT_MS);
          this.pending.set(id, (reply) => {
            clearTimeout(timer);
            resolve({ pid, reply });
          });
          this.send(w, make(id));
        });
      }),
    );
    return answers.filter((a) => a !== undefined);
  }

  /** Disconnects the workers (they exit) and waits for them; kills stragglers after 2 s. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        if (!w.alive) return;
        const exited = new Promise<void>((r) => w.child.once("exit", () => r()));
        if (w.child.connected) w.child.disconnect();
        const timer = setTimeout(() => w.child.kill("SIGKILL"), 2000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
