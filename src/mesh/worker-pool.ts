/**
 * Worker processes of the mesh: each runs worker-main with its own forwarding engine and accepts
 * on the TCP listen sockets the mesh passes it, so forwarding uses more than one core. The mesh
 * stays the single owner of the table; workers get snapshots and answer metric queries.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Server } from "node:net";
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

  constructor(private readonly options: WorkerPoolOptions) {
    const entry = workerEntry();
    for (let i = 0; i < options.workers; i++) this.workers.push(this.start(i, entry));
  }

  private start(index: number, entry: { path: string; execArgv: string[] }): Worker {
    const child = fork(entry.path, [], { execArgv: entry.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "json" });
    let resolveReady: () => void = () => undefined;
    const ready = new Promise<void>((r) => (resolveReady = r));
    const w: Worker = { child, ready, alive: true };
    child.on("message", (m: FromWorker) => {
      if (m.type === "ready") {
        resolveReady();
        return;
      }
      if (m.type === "listening") return;
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

  private send(w: Worker, m: ToWorker, handle?: Server): void {
    if (!w.alive || !w.child.connected) return;
    if (handle === undefined) w.child.send(m);
    else w.child.send(m, handle);
  }

  /** Mirrors the table into every worker. */
  setTable(table: TableSnapshot): void {
    for (const w of this.workers) this.send(w, { type: "table", table });
  }

  /** Shares a listening TCP server with every worker. */
  async addTcpListener(key: string, server: Server): Promise<void> {
    for (const w of this.workers) {
      await w.ready;
      this.send(w, { type: "listen", key }, server);
    }
  }

  /** Stops the workers accepting on a listener. */
  removeTcpListener(key: string): void {
    for (const w of this.workers) this.send(w, { type: "unlisten", key });
  }

  /** Every live worker's counters. */
  async metrics(): Promise<BackendMetrics[][]> {
    const replies = await this.queryAll((id) => ({ type: "query-metrics", id }));
    return replies.map((m) => (m.type === "metrics" ? [...m.metrics] : []));
  }

  /** Open connections to the task's backends over all live workers. */
  async activeForTask(taskId: string): Promise<number> {
    const replies = await this.queryAll((id) => ({ type: "query-active", id, taskId }));
    return replies.reduce((n, m) => n + (m.type === "active" ? m.count : 0), 0);
  }

  private async queryAll(make: (id: number) => ToWorker): Promise<FromWorker[]> {
    const live = this.workers.filter((w) => w.alive && w.child.connected);
    return Promise.all(
      live.map(async (w) => {
        await w.ready;
        const id = this.nextId++;
        return new Promise<FromWorker>((resolve) => {
          const timer = setTimeout(() => {
            this.pending.delete(id);
            resolve({ type: "ready" });
          }, QUERY_TIMEOUT_MS);
          this.pending.set(id, (m) => {
            clearTimeout(timer);
            resolve(m);
          });
          this.send(w, make(id));
        });
      }),
    );
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
