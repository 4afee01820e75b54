/**
 * The node agent: runs the tasks the managers assign to this node as real containers. It is a library;
 * the daemon feeds it the node's FULL assignment set (`setAssignments`) from the dispatcher session and
 * forwards its status reports (`reportStatus`). Per task a {@link TaskRunner} drives a
 * {@link RuntimeController} by the pure state machine. See design/agent.md.
 *
 * Lifecycle: `start()` re-adopts the containers an earlier agent left running (records in dataDir);
 * `stop()` lets go of every task but leaves the containers running for the next agent; `close()` stops
 * every container (grace period), removes them and forgets the tasks (node leaving). Both are safe to call
 * twice and resolve `closed`.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { TaskStatus__Output } from "../gen/swarm/api/TaskStatus.js";
import { isTerminalTaskState } from "../spec/task-state.js";
import { errorMessage } from "../lib/errors.js";
import { type Logger, silentLogger } from "../lib/logger.js";
import type { ImageStore } from "../image/store.js";
import { RuntimeCommandError, RuntimeErrorCode, type Runtime } from "../runtime/index.js";
import { AgentError, AgentErrorCode } from "./errors.js";
import { type NetworkHook, RuntimeController, taskLogPath } from "./runtime-controller.js";
import { applyEvent, initialStatus, type TaskEvent } from "./task-machine.js";
import { readTaskLog, type TaskLogLine, type TaskLogOptions } from "./task-logs.js";
import { checkTaskId, type TaskRecord, TaskRecordStore } from "./task-records.js";
import { TaskRunner } from "./task-runner.js";

/** Options of an {@link Agent}. */
export interface AgentOptions {
  readonly nodeId: string;
  /** Where the agent keeps task records, bundles, rootfs mounts and logs (`<dataDir>/tasks/<id>/`). */
  readonly dataDir: string;
  readonly images: ImageStore;
  readonly runtime: Runtime;
  readonly logger?: Logger;
  /** Unix milliseconds (default Date.now). */
  readonly clock?: () => number;
  /** Receives every status change of every task, in order per task. */
  readonly reportStatus: (taskId: string, status: TaskStatus__Output) => void | Promise<void>;
  /** Sets up a task's network during prepare (default: a fresh network namespace with only lo). */
  readonly network?: NetworkHook;
  /** Prefix of container ids (default ""; container id = prefix + task id). */
  readonly containerIdPrefix?: string;
  /**
   * Runs before a task gets its stop signal, bounded by its grace period: the daemon drains the
   * task in the routing mesh here, so a stopping replica gets no new connections and its open ones
   * finish first (the "drain before stop" that zero-downtime updates rely on).
   */
  readonly beforeStop?: (task: Task__Output, graceMs: number) => Promise<void>;
  /** The task record store (default one over dataDir; tests pass one whose writes take longer). */
  readonly records?: TaskRecordStore;
}

/** The node agent; see the module comment. */
export class Agent {
  private readonly o: AgentOptions;
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly records: TaskRecordStore;
  private readonly runners = new Map<string, TaskRunner>();
  private readonly removals = new Map<string, Promise<void>>();
  private readonly meta = new WeakMap<TaskRunner, RunnerMeta>();
  private phase: "new" | "running" | "stopping" | "closed" = "new";
  private resolveClosed: () => void = () => undefined;
  /** Resolves once stop() or close() has finished. */
  readonly closed: Promise<void>;

  constructor(options: AgentOptions) {
    const dataDir = isAbsolute(options.dataDir) ? options.dataDir : resolve(options.dataDir);
    this.o = { ...options, dataDir };
    this.log = (options.logger ?? silentLogger()).child({ component: "agent", node: options.nodeId });
    this.clock = options.clock ?? Date.now;
    this.records = options.records ?? new TaskRecordStore(dataDir);
    this.closed = new Promise((r) => (this.resolveClosed = r));
  }

  /** Re-adopts the tasks recorded in dataDir (running containers are watched again, never restarted). */
  async start(): Promise<void> {
    if (this.phase !== "new") throw new AgentError(AgentErrorCode.Closed, `agent: start() called in phase ${this.phase}`);
    this.phase = "running";
    const { records, errors } = this.records.readAll();
    for (const e of errors) this.log.error({ err: e.message }, "skipping a task record");
    for (const record of records) {
      try {
        await this.adopt(record);
      } catch (err) {
        this.log.error({ task: record.task.id, err: errorMessage(err) }, "re-adopting a task failed");
      }
    }
  }

  private async adopt(record: TaskRecord): Promise<void> {
    const { task, containerId } = record;
    const ctl = this.controller(task, containerId);
    ctl.adopt();
    let status = record.status;
    let changed: TaskStatus__Output | null = null;
    const step = (event: TaskEvent): void => {
      const next = applyEvent(status, event, { now: this.clock(), nodeId: this.o.nodeId });
      if (next !== null) status = changed = next;
    };
    if (!isTerminalTaskState(status.state)) {
      const st = await this.o.runtime.state(containerId).catch((err: unknown) => {
        if (err instanceof RuntimeCommandError && err.code === RuntimeErrorCode.NotFound) return undefined;
        throw err;
      });
      if (st === undefined) step({ type: "lost", err: `task: container ${containerId} not found after an agent restart` });
      else if (st.status === "created") step({ type: "prepared" });
      else if (status.state !== "RUNNING") step({ type: "started", containerId, pid: st.pid });
    }
    this.log.info({ task: task.id, state: status.state }, "re-adopted task");
    const runner = this.newRunner(task, containerId, ctl, status, record.startedAt);
    const meta = this.meta.get(runner);
    if (changed !== null && meta !== undefined) await this.persistAndReport(runner, meta, changed);
  }

  private controller(task: Task__Output, containerId: string): RuntimeController {
    return new RuntimeController({
      task,
      runtime: this.o.runtime,
      images: this.o.images,
      taskDir: this.records.taskDir(task.id),
      containerId,
      ...(this.o.network ? { network: this.o.network } : {}),
      logger: this.log,
    });
  }

  private newRunner(task: Task__Output, containerId: string, controller: RuntimeController, initial: TaskStatus__Output, startedAt?: number): TaskRunner {
    const meta: RunnerMeta = { containerId, reports: Promise.resolve(), ...(startedAt !== undefined ? { startedAt } : {}) };
    const runner: TaskRunner = new TaskRunner({
      task,
      controller,
      nodeId: this.o.nodeId,
      clock: this.clock,
      initial,
      report: (status) => this.persistAndReport(runner, meta, status),
      logger: this.log,
      ...(startedAt !== undefined ? { startedAt } : {}),
      ...(this.o.beforeStop !== undefined ? { beforeStop: this.o.beforeStop } : {}),
    });
    this.runners.set(task.id, runner);
    this.meta.set(runner, meta);
    return runner;
  }

  /**
   * Persists the record (unless the task is being removed), then reports; errors are logged. One task's
   * reports run one after another in the order the runner made them: its record writes share a tmp
   * file, and a STARTING whose write finished after RUNNING's would be reported last and replace
   * RUNNING in the session's queue (a task left STARTING in the store while its container ran).
   */
  private persistAndReport(runner: TaskRunner, meta: RunnerMeta, status: TaskStatus__Output): Promise<void> {
    const done = meta.reports.then(() => this.persistAndReportNow(runner, meta, status));
    meta.reports = done;
    return done;
  }

  private async persistAndReportNow(runner: TaskRunner, meta: RunnerMeta, status: TaskStatus__Output): Promise<void> {
    if (status.state === "RUNNING" && meta.startedAt === undefined) meta.startedAt = status.timestamp;
    try {
      if (this.runners.get(runner.id) === runner) {
        await this.records.write({ version: 1, task: runner.assignment, containerId: meta.containerId, status, ...(meta.startedAt !== undefined ? { startedAt: meta.startedAt } : {}) });
      }
      await this.o.reportStatus(runner.id, status);
    } catch (err) {
      this.log.warn({ task: runner.id, err: errorMessage(err) }, "status report failed");
    }
  }

  private containerId(taskId: string): string {
    return `${this.o.containerIdPrefix ?? ""}${taskId}`;
  }

  /**
   * The full set of tasks assigned to this node. New tasks are started (desired ≤ RUNNING) or reported
   * SHUTDOWN (desired past RUNNING); known tasks follow their new desired state; tasks not in the set are
   * stopped, removed and forgotten. Tasks already in a final state that the agent does not know are ignored.
   */
  setAssignments(tasks: readonly Task__Output[]): void {
    if (this.phase !== "running") throw new AgentError(AgentErrorCode.Closed, `agent: setAssignments() in phase ${this.phase} (call start() first; not after stop/close)`);
    const seen = new Set<string>();
    for (const task of tasks) {
      seen.add(task.id);
      const runner = this.runners.get(task.id);
      if (runner !== undefined) {
        runner.update(task);
        continue;
      }
      if (this.removals.has(task.id)) continue;
      if (task.status !== null && isTerminalTaskState(task.status.state)) continue;
      try {
        checkTaskId(task.id);
      } catch (err) {
        this.log.error({ task: task.id, err: errorMessage(err) }, "refusing a task");
        continue;
      }
      const initial = task.status ?? initialStatus("ASSIGNED", this.clock());
      this.newRunner(task, this.containerId(task.id), this.controller(task, this.containerId(task.id)), initial);
    }
    for (const [id, runner] of this.runners) {
      if (!seen.has(id)) this.removeTask(id, runner);
    }
  }

  private removeTask(id: string, runner: TaskRunner): void {
    this.runners.delete(id);
    const done = runner
      .remove()
      .then(() => this.records.delete(id))
      .catch((err: unknown) => this.log.error({ task: id, err: errorMessage(err) }, "removing a task failed"))
      .finally(() => this.removals.delete(id));
    this.removals.set(id, done);
  }

  /** The last status of a task this agent runs, or undefined. */
  statusOf(taskId: string): TaskStatus__Output | undefined {
    return this.runners.get(taskId)?.status;
  }

  /** The assignments of the tasks the agent currently tracks (for log subscriptions by service). */
  tasks(): Task__Output[] {
    return [...this.runners.values()].map((r) => r.assignment);
  }

  /** Ids of the tasks the agent currently tracks. */
  taskIds(): string[] {
    return [...this.runners.keys()];
  }

  /** Resolves when every task removal started so far is done. */
  async settled(): Promise<void> {
    await Promise.all([...this.removals.values()]);
  }

  /**
   * A task's output, oldest first, with timestamps (`tail`, `since`, `follow`). A follow ends when the
   * task has finished and everything was read, or when `options.signal` aborts.
   */
  logsOf(taskId: string, options: TaskLogOptions = {}): AsyncIterable<TaskLogLine> {
    const runner = this.runners.get(taskId);
    const path = taskLogPath(this.records.taskDir(taskId));
    if (runner === undefined && !existsSync(path)) {
      throw new AgentError(AgentErrorCode.TaskNotFound, `no such task on this node: ${taskId}`, { fields: { taskId } });
    }
    return readTaskLog(path, options, () => runner === undefined || runner.finished || this.phase !== "running");
  }

  /** Lets go of every task, leaving containers running for re-adoption by a later agent on this dataDir. */
  async stop(): Promise<void> {
    if (this.phase === "stopping" || this.phase === "closed") return this.closed;
    this.phase = "stopping";
    await Promise.all([...this.runners.values()].map((r) => r.detach()));
    this.runners.clear();
    await this.settled();
    this.phase = "closed";
    this.resolveClosed();
  }

  /** Stops (grace period) and removes every task's container and forgets the tasks (e.g. the node leaves). */
  async close(): Promise<void> {
    if (this.phase === "stopping" || this.phase === "closed") return this.closed;
    this.phase = "stopping";
    for (const [id, runner] of [...this.runners]) this.removeTask(id, runner);
    await this.settled();
    this.phase = "closed";
    this.resolveClosed();
  }
}

/** Per-runner bookkeeping persisted in its record. */
interface RunnerMeta {
  readonly containerId: string;
  startedAt?: number;
  /** The last queued report (they run in order). */
  reports: Promise<void>;
}
