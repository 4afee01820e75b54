/**
 * Worker processes of the mesh: each runs worker-main with its own forwarding engine, so the bytes
 * of TCP connections are copied outside the mesh's (swarmd's) event loop. The mesh process accepts
 * every TCP connection and deals them round-robin to the live workers (a listen socket shared
 * between processes would let one process take a whole burst of connections: measured, all 64 of
 * wrk's went to one). It forwards a connection itself only while no worker is ready (start, a
 * worker that died and is being restarted). The mesh stays the single owner of the table; workers
 * get snapshots and answer metric queries. A worker that exits is started again (backoff 0.25 s,
 * doubling to 10 s while it keeps dying); a worker exits when its parent goes away (IPC channel
 * closed, or its parent pid changed), so a SIGKILLed swarmd leaves no worker behind.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { TableSnapshot } from "./table.js";
import type { BackendMetrics } from "./types.js";
import type { FromWorker, ToWorker, WorkerSettings } from "./worker-protocol.js";

/** What the pool needs from the mesh. */
export interface WorkerPoolOptions extends WorkerSettings {
  readonly workers: number;
  /** The mesh process takes a turn in the round-robin too. */
  readonly forwardInMeshProcess: boolean;
  readonly logger: Logger;
  /** Forwards a connection in the mesh process (a hand-over to a worker failed). */
  readonly fallback: (key: string, socket: Socket) => void;
}

interface Worker {
  readonly index: number;
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly startedAt: number;
  isReady: boolean;
  alive: boolean;
}

/** A query waiting for its worker's answer (undefined: no answer, the worker exited). */
interface Pending {
  readonly worker: Worker;
  readonly answer: (m: FromWorker | undefined) => void;
}

const QUERY_TIMEOUT_MS = 2000;
const RESTART_MIN_MS = 250;
const RESTART_MAX_MS = 10_000;
/** A worker that lived this long resets its restart backoff. */
const STABLE_MS = 10_000;

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
  private readonly entry = workerEntry();
  private readonly restartDelay: number[] = [];
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private table: TableSnapshot | undefined;
  private nextId = 1;
  private turn = 0;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    for (let i = 0; i < options.workers; i++) {
      this.restartDelay.push(RESTART_MIN_MS);
      this.workers.push(this.start(i));
    }
  }

  private start(index: number): Worker {
    const child = fork(this.entry.path, [], { execArgv: this.entry.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "json" });
    let resolveReady: () => void = () => undefined;
    const ready = new Promise<void>((r) => (resolveReady = r));
    const w: Worker = { index, child, ready, startedAt: Date.now(), isReady: false, alive: true };
    child.on("message", (m: FromWorker) => {
      if (m.type === "ready") {
        w.isReady = true;
        resolveReady();
        return;
      }
      const p = this.pending.get(m.id);
      if (p !== undefined) {
        this.pending.delete(m.id);
        p.answer(m);
      }
    });
    // A failed fork or a send on a closed channel; 'exit' follows (or the worker never ran).
    child.on("error", (err) => this.options.logger.warn({ worker: index, err: errorMessage(err) }, "mesh worker error"));
    child.on("exit", (code, signal) => {
      w.alive = false;
      w.isReady = false;
      resolveReady();
      for (const [id, p] of this.pending) {
        if (p.worker !== w) continue;
        this.pending.delete(id);
        p.answer(undefined);
      }
      if (this.closed) return;
      this.options.logger.warn({ worker: index, pid: child.pid, code, signal }, "mesh worker exited; restarting it (the mesh process forwards meanwhile)");
      this.scheduleRestart(w);
    });
    this.send(w, {
      type: "init",
      settings: {
        maxConnectAttempts: this.options.maxConnectAttempts,
        connectTimeoutMs: this.options.connectTimeoutMs,
        failureCooldownMs: this.options.failureCooldownMs,
        udpIdleTimeoutMs: this.options.udpIdleTimeoutMs,
      },
      log: { level: this.options.logger.level, bindings: { ...this.options.logger.bindings(), meshWorker: index } },
    });
    // The newest table, before any connection is handed over (IPC keeps the order).
    if (this.table !== undefined) this.send(w, { type: "table", table: this.table });
    return w;
  }

  private scheduleRestart(dead: Worker): void {
    const i = dead.index;
    if (Date.now() - dead.startedAt >= STABLE_MS) this.restartDelay[i] = RESTART_MIN_MS;
    const delay = this.restartDelay[i] ?? RESTART_MIN_MS;
    this.restartDelay[i] = Math.min(RESTART_MAX_MS, delay * 2);
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (this.closed || this.workers[i] !== dead) return;
      this.workers[i] = this.start(i);
    }, delay);
    timer.unref();
    this.restartTimers.add(timer);
  }

  private send(w: Worker, m: ToWorker): void {
    if (!w.alive || !w.child.connected) return;
    w.child.send(m);
  }

  /** Resolves when every worker started (or died trying). */
  async ready(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.ready));
  }

  /** Mirrors the table into every worker (and into workers started later). */
  setTable(table: TableSnapshot): void {
    this.table = table;
    for (const w of this.workers) this.send(w, { type: "table", table });
  }

  /**
   * Hands an accepted, unread client socket to the next live, ready worker (round-robin); returns
   * false when there is none, or it is the mesh process's turn, and the mesh process should forward
   * it itself. A hand-over that fails
   * (the worker just died) gives the socket to `fallback`.
   */
  dispatch(key: string, socket: Socket): boolean {
    // Slot n (only with forwardInMeshProcess) is the mesh process's own turn.
    const n = this.workers.length;
    const slots = this.options.forwardInMeshProcess ? n + 1 : n;
    for (let k = 0; k < slots; k++) {
      const slot = (this.turn + k) % slots;
      if (slot === n) {
        this.turn = (slot + 1) % slots;
        return false;
      }
      const w = this.workers[slot];
      if (w === undefined || !w.alive || !w.isReady || !w.child.connected) continue;
      this.turn = (slot + 1) % slots;
      w.child.send({ type: "connection", key } satisfies ToWorker, socket, { keepOpen: false }, (err) => {
        if (err === null) return;
        if (socket.destroyed) return;
        this.options.fallback(key, socket);
      });
      return true;
    }
    return false;
  }

  /** Pids of the live workers. */
  pids(): number[] {
    return this.workers.filter((w) => w.alive && w.child.pid !== undefined).map((w) => w.child.pid ?? 0);
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

  /**
   * Asks every live worker; a worker that does not answer in time counts as no answer. The query
   * travels behind every connection and table already sent to the worker (one ordered channel), so
   * a count includes every connection the mesh handed over before it.
   */
  private async queryAll(make: (id: number) => ToWorker): Promise<{ pid: number; reply: FromWorker }[]> {
    const live = this.workers.filter((w) => w.alive && w.child.connected);
    const answers = await Promise.all(
      live.map(async (w) => {
        await w.ready;
        if (!w.alive) return undefined;
        const id = this.nextId++;
        const pid = w.child.pid ?? 0;
        return new Promise<{ pid: number; reply: FromWorker } | undefined>((resolve) => {
          const timer = setTimeout(() => {
            this.pending.delete(id);
            resolve(undefined);
          }, QUERY_TIMEOUT_MS);
          this.pending.set(id, {
            worker: w,
            answer: (reply) => {
              clearTimeout(timer);
              resolve(reply === undefined ? undefined : { pid, reply });
            },
          });
          this.send(w, make(id));
        });
      }),
    );
    return answers.filter((a) => a !== undefined);
  }

  /** Disconnects the workers (they exit) and waits for them; kills stragglers after 2 s. Safe twice. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.restartTimers) clearTimeout(t);
    this.restartTimers.clear();
    await Promise.all(
      this.workers.map(async (w) => {
        if (!w.alive) return;
        const exited = new Promise<void>((r) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) r();
          else w.child.once("exit", () => r());
        });
        if (w.child.connected) w.child.disconnect();
        const timer = setTimeout(() => w.child.kill("SIGKILL"), 2000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
