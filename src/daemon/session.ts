/**
 * The node's session with the leader's dispatcher: keeps the Assignments stream open (a
 * {@link LeaderStream}: reconnecting, following leader redirects), maintains the full set of tasks assigned to this node and hands it to
 * the task runner (the agent), and sends the runner's status reports back in small batches.
 */
import { isForwardTransition, TASK_STATES, type TaskStateName } from "../api/task-state.js";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { TaskStatus } from "../gen/swarm/api/TaskStatus.js";
import type { AssignmentsMessage__Output } from "../gen/swarm/dispatcher/AssignmentsMessage.js";
import { errorMessage } from "../lib/errors.js";
import { callUnary } from "../lib/grpc.js";
import type { Logger } from "../lib/logger.js";
import { dispatcherProto } from "../manager/dispatcher.js";
import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, type TlsIdentityProvider } from "../manager/ca/tls.js";
import { LeaderStream } from "./leader-stream.js";

const isStateName = (s: unknown): s is TaskStateName => typeof s === "string" && (TASK_STATES as readonly string[]).includes(s);

/** How long a new assignment stream may stay without its first message before it is dialled again. */
const FIRST_MESSAGE_TIMEOUT_MS = 3_000;

/** What runs the tasks: the agent. */
export interface TaskRunner {
  /** The full set of tasks assigned to this node. */
  setAssignments(tasks: Task__Output[]): void;
}

/** Options of {@link DispatcherSession}. */
export interface SessionOptions {
  readonly tls: TlsIdentityProvider;
  /** Manager API addresses to try, best first (updated by heartbeats). */
  readonly managers: () => string[];
  readonly runner: TaskRunner;
  readonly logger: Logger;
}

/** A running session; `reportStatus` is what the agent calls. */
export class DispatcherSession {
  private readonly tasks = new Map<string, Task__Output>();
  private readonly stream: LeaderStream<AssignmentsMessage__Output>;
  private stopped = false;
  private pending = new Map<string, TaskStatus>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: SessionOptions) {
    this.stream = new LeaderStream({
      what: "assignment stream",
      managers: o.managers,
      logger: o.logger,
      // A leader answers a new stream with the complete task set at once.
      firstMessageTimeoutMs: FIRST_MESSAGE_TIMEOUT_MS,
      open: (addr) => {
        const client = new dispatcherProto.Dispatcher(addr, managerChannelCredentials(o.tls), MANAGER_TARGET_OPTIONS);
        return { stream: client.Assignments({}), onMessage: (m) => this.onAssignments(m), close: () => client.close() };
      },
    });
  }

  /** Opens the stream (and keeps reopening it until stop). */
  start(): void {
    this.stream.start();
  }

  private onAssignments(m: AssignmentsMessage__Output): void {
    if (m.type === "COMPLETE") this.tasks.clear();
    for (const t of m.updateTasks) this.tasks.set(t.id, t);
    for (const id of m.removeTaskIds) this.tasks.delete(id);
    try {
      this.o.runner.setAssignments([...this.tasks.values()]);
    } catch (err) {
      this.o.logger.error({ err: errorMessage(err) }, "task runner refused assignments");
    }
  }

  /** Queues a status report for the dispatcher (batched). */
  reportStatus(taskId: string, status: TaskStatus): void {
    // A report that arrives after a later state of the same task was queued is stale (the dispatcher
    // would refuse it anyway); replacing the queued one would lose that later state.
    const queued = this.pending.get(taskId)?.state;
    if (isStateName(queued) && isStateName(status.state) && isForwardTransition(status.state, queued)) return;
    this.pending.set(taskId, status);
    this.flushTimer ??= setTimeout(() => void this.flush(), 50);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    if (this.pending.size === 0 || this.stopped) return;
    const batch = this.pending;
    this.pending = new Map();
    const addr = this.stream.target();
    if (addr === undefined) return this.requeue(batch);
    const client = new dispatcherProto.Dispatcher(addr, managerChannelCredentials(this.o.tls), MANAGER_TARGET_OPTIONS);
    try {
      const updates = [...batch].map(([taskId, status]) => ({ taskId, status }));
      await callUnary((md, o, cb) => client.UpdateTaskStatus({ updates }, md, o, cb), 5000);
    } catch (err) {
      this.stream.redirect(err);
      this.o.logger.debug({ err: errorMessage(err) }, "status report failed; will retry");
      this.requeue(batch);
    } finally {
      client.close();
    }
  }

  private requeue(batch: Map<string, TaskStatus>): void {
    for (const [id, s] of batch) if (!this.pending.has(id)) this.pending.set(id, s);
    if (!this.stopped) this.flushTimer ??= setTimeout(() => void this.flush(), 500);
  }

  /** Closes the stream. Safe to call twice. */
  stop(): void {
    this.stopped = true;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.stream.stop();
  }
}
