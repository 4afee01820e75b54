/**
 * The node's session with the leader's dispatcher: keeps the Assignments stream open (reconnecting and
 * following leader redirects), maintains the full set of tasks assigned to this node and hands it to
 * the task runner (the agent), and sends the runner's status reports back in small batches.
 */
import type { ClientReadableStream } from "@grpc/grpc-js";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { TaskStatus } from "../gen/swarm/api/TaskStatus.js";
import type { AssignmentsMessage__Output } from "../gen/swarm/dispatcher/AssignmentsMessage.js";
import { errorMessage } from "../lib/errors.js";
import { callUnary, RemoteCallError } from "../lib/grpc.js";
import type { Logger } from "../lib/logger.js";
import { dispatcherProto } from "../manager/dispatcher.js";
import { leaderAddrOf } from "../manager/leader.js";
import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, type TlsIdentityProvider } from "../manager/ca/tls.js";

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
  private stream: ClientReadableStream<AssignmentsMessage__Output> | undefined;
  private preferred: string | undefined;
  private stopped = false;
  private pending = new Map<string, TaskStatus>();
  private flushTimer: NodeJS.Timeout | undefined;
  private attempt = 0;

  constructor(private readonly o: SessionOptions) {}

  /** Opens the stream (and keeps reopening it until stop). */
  start(): void {
    this.connect();
  }

  private target(): string | undefined {
    const list = this.o.managers();
    if (this.preferred !== undefined) return this.preferred;
    return list[this.attempt % Math.max(1, list.length)];
  }

  private connect(): void {
    if (this.stopped) return;
    const addr = this.target();
    if (addr === undefined) {
      setTimeout(() => this.connect(), 1000).unref();
      return;
    }
    const client = new dispatcherProto.Dispatcher(addr, managerChannelCredentials(this.o.tls), MANAGER_TARGET_OPTIONS);
    const stream = client.Assignments({});
    this.stream = stream;
    // A leader answers a new stream with the complete task set at once. A stream that stays silent
    // (dialled while the managers were electing a leader) is abandoned and dialled again.
    let answered = false;
    const silent = setTimeout(() => {
      if (answered || this.stream !== stream) return;
      this.o.logger.debug({ manager: addr }, "assignment stream silent; dialling again");
      stream.cancel();
    }, FIRST_MESSAGE_TIMEOUT_MS);
    silent.unref();
    stream.on("data", (m: AssignmentsMessage__Output) => {
      answered = true;
      clearTimeout(silent);
      this.attempt = 0;
      if (m.type === "COMPLETE") this.tasks.clear();
      for (const t of m.updateTasks) this.tasks.set(t.id, t);
      for (const id of m.removeTaskIds) this.tasks.delete(id);
      try {
        this.o.runner.setAssignments([...this.tasks.values()]);
      } catch (err) {
        this.o.logger.error({ err: errorMessage(err) }, "task runner refused assignments");
      }
    });
    const retry = (err?: unknown): void => {
      client.close();
      if (this.stream !== stream || this.stopped) return;
      this.stream = undefined;
      const leader = err === undefined ? undefined : leaderAddrOf(err instanceof RemoteCallError ? err : new RemoteCallError(err as never));
      this.preferred = leader;
      if (leader === undefined) this.attempt++;
      this.o.logger.debug({ manager: addr, err: err === undefined ? undefined : errorMessage(err), next: leader }, "assignment stream ended; reconnecting");
      setTimeout(() => this.connect(), leader === undefined ? 500 : 50).unref();
    };
    stream.on("error", (err) => retry(err));
    stream.on("end", () => retry());
  }

  /** Queues a status report for the dispatcher (batched). */
  reportStatus(taskId: string, status: TaskStatus): void {
    this.pending.set(taskId, status);
    this.flushTimer ??= setTimeout(() => void this.flush(), 50);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    if (this.pending.size === 0 || this.stopped) return;
    const batch = this.pending;
    this.pending = new Map();
    const addr = this.preferred ?? this.target();
    if (addr === undefined) return this.requeue(batch);
    const client = new dispatcherProto.Dispatcher(addr, managerChannelCredentials(this.o.tls), MANAGER_TARGET_OPTIONS);
    try {
      const updates = [...batch].map(([taskId, status]) => ({ taskId, status }));
      await callUnary((md, o, cb) => client.UpdateTaskStatus({ updates }, md, o, cb), 5000);
    } catch (err) {
      const leader = leaderAddrOf(err);
      if (leader !== undefined) this.preferred = leader;
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
    this.stream?.cancel();
  }
}
