/**
 * The node's session with the leader's dispatcher: keeps the Assignments stream open (a
 * {@link LeaderStream}: reconnecting, following leader redirects), maintains the full set of tasks assigned to this node and hands it to
 * the task runner (the agent), and sends the runner's status reports back in small batches: one
 * UpdateTaskStatus call in flight at a time, over one client kept per manager address (a new one after
 * a failed call).
 */
import { isForwardTransition, TASK_STATES, type TaskStateName } from "../spec/task-state.js";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { TaskStatus } from "../gen/swarm/api/TaskStatus.js";
import type { AssignmentsMessage__Output } from "../gen/swarm/dispatcher/AssignmentsMessage.js";
import type { DispatcherClient } from "../gen/swarm/dispatcher/Dispatcher.js";
import { errorMessage } from "../lib/errors.js";
import { callUnary } from "../rpc/grpc.js";
import type { Logger } from "../lib/logger.js";

import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, type TlsIdentity, type TlsIdentityProvider } from "../ca/tls.js";
import { LeaderStream } from "./leader-stream.js";
import { protos } from "../rpc/services.js";

const isStateName = (s: unknown): s is TaskStateName => typeof s === "string" && (TASK_STATES as readonly string[]).includes(s);

/** How long a status report waits for others to join its batch. */
const BATCH_MS = 50;
/** How long a batch whose call failed waits before it is sent again. */
const RETRY_MS = 500;
/** Deadline of one UpdateTaskStatus call. */
const CALL_TIMEOUT_MS = 5_000;

/** How long a new assignment stream may stay without its first message before it is dialled again. */
const FIRST_MESSAGE_TIMEOUT_MS = 3_000;

/** True when `queued` holds a later state of the task than `next` (then `next` is stale). */
function isStale(next: TaskStatus, queued: TaskStatus | undefined): boolean {
  const a = next.state;
  const b = queued?.state;
  return isStateName(a) && isStateName(b) && isForwardTransition(a, b);
}

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
  /** Reports not sent yet, the latest per task. */
  private pending = new Map<string, TaskStatus>();
  /** The batch of the one UpdateTaskStatus call in flight. */
  private sending: Map<string, TaskStatus> | undefined;
  /** The batching timer fired while a call was in flight: flush as soon as it completes. */
  private flushDue = false;
  private flushTimer: NodeJS.Timeout | undefined;
  /** The client status reports go through, kept while target and certificate stay the same and calls succeed. */
  private statusClient: { readonly addr: string; readonly identity: TlsIdentity; readonly client: DispatcherClient } | undefined;

  constructor(private readonly o: SessionOptions) {
    this.stream = new LeaderStream({
      what: "assignment stream",
      managers: o.managers,
      logger: o.logger,
      // A leader answers a new stream with the complete task set at once.
      firstMessageTimeoutMs: FIRST_MESSAGE_TIMEOUT_MS,
      open: (addr) => {
        const client = new protos.dispatcher.Dispatcher(addr, managerChannelCredentials(o.tls), MANAGER_TARGET_OPTIONS);
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
    // A report that arrives after a later state of the same task was queued (or is on its way) is stale
    // (the dispatcher would refuse it anyway); replacing the queued one would lose that later state, and
    // queueing it behind the one on its way would make a failed batch's retry drop the later state.
    if (isStale(status, this.pending.get(taskId)) || isStale(status, this.sending?.get(taskId))) return;
    this.pending.set(taskId, status);
    if (!this.stopped) this.flushTimer ??= setTimeout(() => void this.flush(), BATCH_MS);
  }

  /**
   * Sends what is queued, one call at a time: while a call is in flight a due flush waits for it and
   * runs as soon as it completes (reports never overtake an earlier batch still on its way). After a
   * failure the batch goes back under any later reports of the same tasks and is retried after
   * {@link RETRY_MS}, on a new client.
   */
  private async flush(): Promise<void> {
    // Run by its timer or, when it was due during a call, right after that call (then a timer armed
    // for later reports is no longer needed: this flush takes them).
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.size === 0 || this.stopped) return;
    if (this.sending !== undefined) {
      this.flushDue = true;
      return;
    }
    const addr = this.stream.target();
    if (addr === undefined) return this.retryLater();
    const batch = this.pending;
    this.pending = new Map();
    this.sending = batch;
    const client = this.clientFor(addr);
    try {
      const updates = [...batch].map(([taskId, status]) => ({ taskId, status }));
      await callUnary((md, o, cb) => client.UpdateTaskStatus({ updates }, md, o, cb), CALL_TIMEOUT_MS);
    } catch (err) {
      this.closeClient(client);
      this.stream.redirect(err);
      // Everything queued since was reported after this batch: it wins over the batch's entry.
      for (const [id, s] of batch) if (!this.pending.has(id)) this.pending.set(id, s);
      this.sending = undefined;
      if (!this.stopped) this.o.logger.debug({ err: errorMessage(err), updates: batch.size }, "status report failed; will retry");
      return this.retryLater();
    }
    this.sending = undefined;
    if (this.flushDue) {
      this.flushDue = false;
      await this.flush();
    }
  }

  /** Flushes again after {@link RETRY_MS} (replacing a shorter batching timer; reports meanwhile wait for it). */
  private retryLater(): void {
    this.flushDue = false;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = this.stopped ? undefined : setTimeout(() => void this.flush(), RETRY_MS);
  }

  /**
   * The client for `addr`: the one of earlier flushes while the target and the node's certificate stay
   * the same (a renewed certificate is presented only on a new connection), else a new one.
   */
  private clientFor(addr: string): DispatcherClient {
    const identity = this.o.tls.current;
    const kept = this.statusClient;
    if (kept?.addr === addr && kept.identity === identity) return kept.client;
    if (kept !== undefined) this.closeClient(kept.client);
    // grpc-js shares a connection (subchannel) between channels only when their credentials compare
    // equal, and credentials from managerChannelCredentials never do (each has its own server check):
    // a new client, e.g. after a failed call, gets a connection of its own.
    const client = new protos.dispatcher.Dispatcher(addr, managerChannelCredentials(this.o.tls), MANAGER_TARGET_OPTIONS);
    this.statusClient = { addr, identity, client };
    return client;
  }

  /** Closes `client` if it is still the current one (a client is closed once). */
  private closeClient(client: DispatcherClient): void {
    if (this.statusClient?.client !== client) return;
    this.statusClient = undefined;
    client.close();
  }

  /** Closes the stream and the status client. Safe to call twice. */
  stop(): void {
    this.stopped = true;
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.statusClient !== undefined) this.closeClient(this.statusClient.client);
    this.stream.stop();
  }
}
