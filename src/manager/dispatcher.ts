/**
 * The dispatcher (leader only): the manager's side of every worker's session. Heartbeats mark a node
 * READY and hand out the manager list, the node's role and the gossip keys; a node silent for
 * `graceMultiplier` heartbeat periods (or declared dead by gossip and then silent for one) is marked
 * DOWN. Each node keeps an Assignments stream (its tasks: the full set, then changes) and a Routes
 * stream (the mesh's backend table), and reports task status in batches (StatusBatcher).
 *
 * Every call is authorized against the store (authz/authz.ts): a removed node is refused before it
 * gets anything, the gossip key included. The address a heartbeat reports must be an IP (it ends up in
 * every node's `bridge fdb` argv) and may change at most once per `addrChangeIntervalMs` per node:
 * each change is a Raft write and reprograms every node's overlay.
 */
import type { Server, ServerWritableStream } from "@grpc/grpc-js";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { AssignmentsRequest__Output } from "../gen/swarm/dispatcher/AssignmentsRequest.js";
import type { AssignmentsMessage } from "../gen/swarm/dispatcher/AssignmentsMessage.js";
import type { _swarm_dispatcher_UpdateTaskStatusRequest_TaskStatusUpdate__Output as TaskStatusUpdate__Output } from "../gen/swarm/dispatcher/UpdateTaskStatusRequest.js";
import { isForwardTransition, taskStateOrder } from "../spec/task-state.js";
import type { DispatcherHandlers } from "../gen/swarm/dispatcher/Dispatcher.js";
import { failStream, unaryHandler } from "../rpc/grpc.js";
import type { Logger } from "../lib/logger.js";
import { errorMessage } from "../lib/errors.js";
import { validateNodeAddr } from "../lib/addr.js";
import type { Store } from "../store/store.js";
import { Access, authorizeCall } from "./authz/authz.js";
import { NotLeaderError } from "../rpc/leader.js";
import { streamRoutes } from "./routes.js";
import { protos } from "../rpc/services.js";
import { gossipKeysForNodes } from "../gossip/key-rotation.js";

/** Options of {@link Dispatcher}. */
export interface DispatcherOptions {
  readonly store: Store;
  readonly periodMs: () => number;
  /** Missed periods before DOWN (default 3, as Docker's). */
  readonly graceMultiplier?: number;
  /** Whether this manager is the leader, and the leader's API address otherwise. */
  readonly leadership: () => { isLeader: boolean; leaderAddr: string };
  readonly managers: () => string[];
  readonly logger: Logger;
  readonly now?: () => number;
  /** Least time between two address changes of one node (default 60 s); a faster change is ignored and logged. */
  readonly addrChangeIntervalMs?: number;
}

/** The Dispatcher service: node liveness, assignments, routes and task status. */
export class Dispatcher {
  private readonly lastSeen = new Map<string, number>();
  /** When this leader last accepted an address change per node. */
  private readonly addrChangedAt = new Map<string, number>();
  /** Open assignment streams per node (a node with none has no session with this leader). */
  private readonly sessions = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private wasLeader = false;

  constructor(private readonly o: DispatcherOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Starts the periodic DOWN check. */
  start(): void {
    this.timer = setInterval(() => void this.check(), Math.max(100, Math.floor(this.o.periodMs() / 2)));
    this.timer.unref();
  }

  /** Stops the check. Safe to call twice. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Records a heartbeat from `nodeId`; marks it READY if it was not, and takes its address if it is
   * valid and the node did not change it within the last `addrChangeIntervalMs`.
   */
  async heartbeat(nodeId: string, reported: string): Promise<void> {
    validateNodeAddr("addr", reported);
    const { isLeader, leaderAddr } = this.o.leadership();
    if (!isLeader) throw new NotLeaderError(leaderAddr);
    this.lastSeen.set(nodeId, this.now());
    const node = this.o.store.view((tx) => tx.get("node", nodeId));
    if (node === undefined) return;
    const addr = this.admitAddr(nodeId, node.status?.addr ?? "", reported);
    if (node.status?.state === "READY" && node.status.addr === addr) return;
    await this.o.store.updateWithRetry((tx) => {
      const current = tx.get("node", nodeId);
      if (current === undefined) return;
      const next = structuredClone(current);
      next.status = { state: "READY", message: "", addr };
      tx.update("node", next);
    });
    this.o.logger.info({ nodeId, addr }, "node is ready");
  }

  /** The address to record: the reported one unless it changes a known address too soon after the last change. */
  private admitAddr(nodeId: string, current: string, reported: string): string {
    if (current === "" || current === reported) return reported;
    const now = this.now();
    const interval = this.o.addrChangeIntervalMs ?? 60_000;
    const last = this.addrChangedAt.get(nodeId);
    if (last !== undefined && now - last < interval) {
      this.o.logger.warn({ nodeId, addr: current, reported, retryInMs: interval - (now - last) }, "node address change ignored: at most one change per interval");
      return current;
    }
    this.addrChangedAt.set(nodeId, now);
    this.o.logger.warn({ nodeId, from: current, to: reported }, "node address changed");
    return reported;
  }

  /**
   * Gossip declared `nodeId` dead. When its assignment session with this leader is gone too (a dead
   * daemon's connection is closed by its kernel), two independent signals agree: it is marked down at
   * once. Otherwise it gets one more heartbeat period instead of the full grace, so a node that really
   * died is marked down in about one period after gossip noticed.
   */
  gossipDead(nodeId: string): void {
    if (!this.o.leadership().isLeader) return;
    const now = this.now();
    const limit = this.o.periodMs() * (this.o.graceMultiplier ?? 3);
    if ((this.sessions.get(nodeId) ?? 0) === 0 && this.wasLeader) {
      this.lastSeen.set(nodeId, now - limit - 1);
      this.o.logger.info({ nodeId }, "gossip declared the node dead and its session is closed: marking it down");
      void this.check();
      return;
    }
    const soon = now - limit + this.o.periodMs();
    const seen = this.lastSeen.get(nodeId) ?? now;
    if (seen > soon) this.lastSeen.set(nodeId, soon);
    this.o.logger.info({ nodeId }, "gossip declared the node dead; it is marked down unless it heartbeats within one period");
  }

  private async check(): Promise<void> {
    const { isLeader } = this.o.leadership();
    if (!isLeader) {
      this.wasLeader = false;
      return;
    }
    const now = this.now();
    const limit = this.o.periodMs() * (this.o.graceMultiplier ?? 3);
    const nodes = this.o.store.view((tx) => tx.list("node"));
    if (!this.wasLeader) {
      // A new leader gives every node a full grace period before judging it.
      for (const n of nodes) this.lastSeen.set(n.id, now);
      this.wasLeader = true;
      return;
    }
    const late = nodes.filter((n) => n.status?.state !== "DOWN" && now - (this.lastSeen.get(n.id) ?? now) > limit);
    if (late.length === 0) return;
    try {
      await this.o.store.updateWithRetry((tx) => {
        for (const n of late) {
          const current = tx.get("node", n.id);
          if (current === undefined) continue;
          const next = structuredClone(current);
          next.status = { state: "DOWN", message: "heartbeat failure", addr: current.status?.addr ?? "" };
          tx.update("node", next);
        }
      });
      for (const n of late) this.o.logger.warn({ nodeId: n.id, silentMs: now - (this.lastSeen.get(n.id) ?? now) }, "node missed its heartbeats: marked down");
    } catch (err) {
      this.o.logger.warn({ err: errorMessage(err) }, "could not mark nodes down (will retry)");
    }
  }

  /** Handlers of the Dispatcher service. */
  handlers(): DispatcherHandlers {
    return {
      Heartbeat: unaryHandler(async (req, call) => {
        const caller = authorizeCall(this.o.store, call, Access.Member);
        await this.heartbeat(caller.nodeId, req.addr);
        const { role, gossipKeys } = this.o.store.view((tx) => ({
          role: tx.get("node", caller.nodeId)?.role ?? "WORKER",
          gossipKeys: gossipKeysForNodes(tx.list("cluster")[0]),
        }));
        return { periodMs: this.o.periodMs(), managers: this.o.managers(), role, gossipKeys };
      }),
      Assignments: (call) => this.assignments(call),
      Routes: (call) => streamRoutes(call, { store: this.o.store, leadership: this.o.leadership }),
      UpdateTaskStatus: unaryHandler(async (req, call) => {
        const caller = authorizeCall(this.o.store, call, Access.Member);
        const { isLeader, leaderAddr } = this.o.leadership();
        if (!isLeader) throw new NotLeaderError(leaderAddr);
        await this.statusBatcher.add(caller.nodeId, req.updates);
        return {};
      }),
    };
  }

  private readonly statusBatcher = new StatusBatcher(() => this.o.store, () => this.o.logger);

  /** Streams a node's tasks: the complete set, then incremental changes, until leadership is lost. */
  private assignments(call: ServerWritableStream<AssignmentsRequest__Output, AssignmentsMessage>): void {
    let nodeId: string;
    try {
      nodeId = authorizeCall(this.o.store, call, Access.Member).nodeId;
      const { isLeader, leaderAddr } = this.o.leadership();
      if (!isLeader) throw new NotLeaderError(leaderAddr);
    } catch (err) {
      failStream(call, err);
      return;
    }
    const mine = (t: Task__Output | undefined): boolean => t !== undefined && t.nodeId === nodeId;
    const [initial, watcher] = this.o.store.viewAndWatch((tx) => tx.tasksOnNode(nodeId).filter(isAssignable), {
      filter: (e) => e.kind === "task" && (mine(e.object) || (e.type === "update" && mine(e.previous))),
    });
    const sent = new Set(initial.map((t) => t.id));
    call.write({ type: "COMPLETE", updateTasks: initial, removeTaskIds: [] });
    const leadership = setInterval(() => {
      if (!this.o.leadership().isLeader) {
        watcher.close();
        failStream(call, new NotLeaderError(this.o.leadership().leaderAddr));
      }
    }, 500);
    this.sessions.set(nodeId, (this.sessions.get(nodeId) ?? 0) + 1);
    let finished = false;
    const finish = (): void => {
      clearInterval(leadership);
      watcher.close();
      if (finished) return;
      finished = true;
      const open = (this.sessions.get(nodeId) ?? 1) - 1;
      if (open > 0) this.sessions.set(nodeId, open);
      else this.sessions.delete(nodeId);
    };
    call.on("cancelled", finish);
    call.on("close", finish);
    void (async () => {
      try {
        for await (const e of watcher) {
          const task = e.object as Task__Output;
          if (e.type !== "remove" && mine(task) && isAssignable(task)) {
            sent.add(task.id);
            call.write({ type: "INCREMENTAL", updateTasks: [task], removeTaskIds: [] });
          } else if (sent.delete(task.id)) {
            call.write({ type: "INCREMENTAL", updateTasks: [], removeTaskIds: [task.id] });
          }
        }
        call.end();
      } catch (err) {
        failStream(call, err);
      } finally {
        finish();
      }
    })();
  }

  /** Adds the Dispatcher service to a server. */
  addTo(server: Server): void {
    server.addService(protos.dispatcher.Dispatcher.service, this.handlers());
  }
}

/**
 * A task the node should know about: still wanted, or still running. A task to be started waits for
 * its overlay address (the network allocator gives it one once it has a node).
 */
export function isAssignable(task: Task__Output): boolean {
  const running = taskStateOrder("RUNNING");
  const state = taskStateOrder(task.status?.state ?? "NEW");
  const wanted = taskStateOrder(task.desiredState) <= running;
  if (wanted && state < running && task.networks.length === 0) return false;
  return wanted || state <= running;
}

/**
 * Collects agents' status updates and writes them in one transaction per tick (status batching): many
 * nodes reporting at once cost one Raft entry, not one each. Statuses only move forward; updates for
 * tasks of another node are ignored.
 */
export class StatusBatcher {
  private pending = new Map<string, { nodeId: string; status: NonNullable<TaskStatusUpdate__Output["status"]> }>();
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: () => Store,
    private readonly logger: () => Logger,
    private readonly delayMs = 20,
  ) {}

  /** Queues updates; resolves once they are committed (or rejects if the write failed). */
  add(nodeId: string, updates: readonly TaskStatusUpdate__Output[]): Promise<void> {
    for (const u of updates) if (u.status != null) this.pending.set(u.taskId, { nodeId, status: u.status });
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
    return done;
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const batch = this.pending;
    const waiters = this.waiters;
    this.pending = new Map();
    this.waiters = [];
    try {
      await this.store().updateWithRetry((tx) => {
        for (const [taskId, { nodeId, status }] of batch) {
          const task = tx.get("task", taskId);
          if (task === undefined || task.nodeId !== nodeId) continue;
          const current = task.status?.state ?? "NEW";
          if (current !== status.state && !isForwardTransition(current, status.state)) continue;
          if (current === status.state && sameStatus(task.status, status)) continue;
          const next = structuredClone(task);
          next.status = { ...status, appliedBy: nodeId };
          tx.update("task", next);
        }
      });
      for (const w of waiters) w.resolve();
    } catch (err) {
      this.logger().warn({ err: errorMessage(err), updates: batch.size }, "could not write task status updates");
      for (const w of waiters) w.reject(err);
    }
  }
}

function sameStatus(a: Task__Output["status"], b: NonNullable<TaskStatusUpdate__Output["status"]>): boolean {
  return a != null && a.message === b.message && a.err === b.err && a.health === b.health && a.containerStatus?.pid === b.containerStatus?.pid;
}
