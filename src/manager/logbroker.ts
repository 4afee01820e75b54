/**
 * The log broker (leader only), after SwarmKit's: `service logs` subscribes here (Logs), every node keeps
 * a ListenSubscriptions stream open and gets each subscription, and publishes the lines of its matching
 * tasks back (PublishLogs); the broker names their origin (task name, node hostname) and forwards them.
 * A follower manager relays SubscribeLogs to the leader. See design/agent.md ("Logs").
 *
 * A node publishes only lines of tasks assigned to it (the node id comes from its certificate): a line
 * naming another node's task ends its stream with PERMISSION_DENIED, so no node can put words in another's
 * containers. Streams are bounded: a few publish streams per node, a cap on subscriptions per caller, and
 * backpressure instead of buffering — while a subscriber's stream is over its high-water mark the
 * publishing node's stream is paused, so gRPC flow control holds the lines on the node.
 */
import type { Server, ServerReadableStream, ServerWritableStream } from "@grpc/grpc-js";
import type { ClientReadableStream } from "@grpc/grpc-js";
import type { LogsClient, LogsHandlers } from "../gen/swarm/logs/Logs.js";
import type { LogBrokerHandlers } from "../gen/swarm/logs/LogBroker.js";
import type { ListenSubscriptionsRequest__Output } from "../gen/swarm/logs/ListenSubscriptionsRequest.js";
import type { LogMessage } from "../gen/swarm/logs/LogMessage.js";
import type { PublishLogsMessage__Output } from "../gen/swarm/logs/PublishLogsMessage.js";
import type { PublishLogsResponse } from "../gen/swarm/logs/PublishLogsResponse.js";
import type { SubscribeLogsMessage } from "../gen/swarm/logs/SubscribeLogsMessage.js";
import type { SubscribeLogsMessage__Output } from "../gen/swarm/logs/SubscribeLogsMessage.js";
import type { SubscribeLogsRequest__Output } from "../gen/swarm/logs/SubscribeLogsRequest.js";
import type { SubscriptionMessage } from "../gen/swarm/logs/SubscriptionMessage.js";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import { ErrorCode, SwarmError, errorMessage } from "../lib/errors.js";
import { toServiceError, RemoteCallError, failStream } from "../rpc/grpc.js";
import { newId } from "../lib/ids.js";
import type { Logger } from "../lib/logger.js";
import type { Store } from "../store/store.js";
import { callerIdentity, type AuthenticatedCall } from "../ca/tls.js";
import { Access, authorizeCall } from "./authz/authz.js";
import { NotLeaderError } from "../rpc/leader.js";
import { protos } from "../rpc/services.js";

/** Concurrent PublishLogs streams one node may hold (its publisher uses one; reconnects overlap briefly). */
export const MAX_PUBLISH_STREAMS_PER_NODE = 4;
/** Concurrent SubscribeLogs streams one caller (a manager relaying, or the local socket) may hold. */
export const MAX_SUBSCRIPTIONS_PER_CALLER = 32;

/** Options of {@link LogBroker}. */
export interface LogBrokerOptions {
  readonly store: Store;
  /** Whether this manager leads, and the leader's API address otherwise. */
  readonly leadership: () => { isLeader: boolean; leaderAddr: string };
  /** A Logs client on the leader (mTLS with this manager's certificate), for relaying. */
  readonly dialLeader: (addr: string) => LogsClient;
  readonly logger: Logger;
}

/** A `SubscribeLogs` call being served. */
export type LogSubscriberCall = ServerWritableStream<SubscribeLogsRequest__Output, SubscribeLogsMessage>;
type Subscriber = LogSubscriberCall;
type Listener = ServerWritableStream<ListenSubscriptionsRequest__Output, SubscriptionMessage>;

interface Subscription {
  readonly id: string;
  /** Who subscribed (a manager's node id, or "local" for the socket): the key of the per-caller cap. */
  readonly caller: string;
  readonly message: SubscriptionMessage;
  readonly follow: boolean;
  readonly out: Subscriber;
  /** Nodes still to answer (without follow the stream ends when this is empty). */
  readonly waiting: Set<string>;
  ended: boolean;
}

/** The tasks a selector picks. */
export function selectTasks(tasks: readonly Task__Output[], serviceIds: readonly string[], taskIds: readonly string[]): Task__Output[] {
  const services = new Set(serviceIds);
  const ids = new Set(taskIds);
  return tasks.filter((t) => services.has(t.serviceId) || ids.has(t.id));
}

/**
 * Why `nodeId` may not publish lines of these tasks, or undefined when every one is assigned to it.
 * `assignedNode` is the task's node in the store (undefined for an unknown task).
 */
export function publishRefusal(nodeId: string, taskIds: readonly string[], assignedNode: (taskId: string) => string | undefined): string | undefined {
  for (const taskId of taskIds) {
    const owner = assignedNode(taskId);
    if (owner !== nodeId) return `PublishLogs: task ${JSON.stringify(taskId)} is ${owner === undefined ? "not a task of this cluster" : "not assigned to this node"} (caller node ${nodeId}); a node publishes only its own tasks' logs`;
  }
  return undefined;
}

/** The broker; see the module comment. */
export class LogBroker {
  private readonly listeners = new Map<string, Listener>();
  private readonly publishers = new Map<string, number>();
  private readonly subs = new Map<string, Subscription>();
  private readonly log: Logger;

  constructor(private readonly o: LogBrokerOptions) {
    this.log = o.logger.child({ component: "logbroker" });
  }

  /** Logs service handlers; `authorize` is the listener's policy (managers only on TCP). */
  logsHandlers(authorize: (call: AuthenticatedCall) => void): LogsHandlers {
    return {
      SubscribeLogs: (call: Subscriber) => {
        try {
          authorize(call);
          this.subscribe(call, callerIdentity(call)?.nodeId ?? "local");
        } catch (err) {
          failStream(call, err);
        }
      },
    };
  }

  /** LogBroker service handlers (any node of the cluster). */
  brokerHandlers(): LogBrokerHandlers {
    return {
      ListenSubscriptions: (call: Listener) => {
        try {
          const nodeId = authorizeCall(this.o.store, call, Access.Member).nodeId;
          const { isLeader, leaderAddr } = this.o.leadership();
          if (!isLeader) throw new NotLeaderError(leaderAddr);
          this.listen(nodeId, call);
        } catch (err) {
          failStream(call, err);
        }
      },
      PublishLogs: (call: ServerReadableStream<PublishLogsMessage__Output, PublishLogsResponse>, callback) => {
        let nodeId: string;
        try {
          nodeId = authorizeCall(this.o.store, call, Access.Member).nodeId;
          const open = this.publishers.get(nodeId) ?? 0;
          if (open >= MAX_PUBLISH_STREAMS_PER_NODE) throw new SwarmError(ErrorCode.Unavailable, `PublishLogs: node ${nodeId} already has ${open} publish streams (at most ${MAX_PUBLISH_STREAMS_PER_NODE})`);
          this.publishers.set(nodeId, open + 1);
        } catch (err) {
          callback(toServiceError(err), null);
          return;
        }
        let done = false;
        const finish = (err: unknown): void => {
          if (done) return;
          done = true;
          const left = (this.publishers.get(nodeId) ?? 1) - 1;
          if (left > 0) this.publishers.set(nodeId, left);
          else this.publishers.delete(nodeId);
          callback(err === undefined ? null : toServiceError(err), err === undefined ? {} : null);
        };
        call.on("data", (m: PublishLogsMessage__Output) => {
          if (done) return;
          try {
            const slow = this.publish(nodeId, m);
            if (slow !== undefined) {
              // Backpressure: read no more from this node until the subscriber took what it has.
              call.pause();
              const resume = (): void => void call.resume();
              slow.once("drain", resume);
              slow.once("close", resume);
            }
          } catch (err) {
            this.log.warn({ node: nodeId, err: errorMessage(err) }, "refused a log publish stream");
            finish(err);
          }
        });
        call.on("end", () => finish(undefined));
        call.on("error", () => finish(undefined));
        call.on("cancelled", () => finish(undefined));
      },
    };
  }

  /** Adds both services to a server. */
  addTo(server: Server, authorize: (call: AuthenticatedCall) => void): void {
    server.addService(protos.logs.Logs.service, this.logsHandlers(authorize));
    server.addService(protos.logs.LogBroker.service, this.brokerHandlers());
  }

  private listen(nodeId: string, call: Listener): void {
    const previous = this.listeners.get(nodeId);
    this.listeners.set(nodeId, call);
    if (previous !== undefined) previous.end();
    for (const s of this.subs.values()) if (s.follow) call.write(s.message);
    const gone = (): void => {
      if (this.listeners.get(nodeId) !== call) return;
      this.listeners.delete(nodeId);
      for (const s of this.subs.values()) {
        if (s.waiting.delete(nodeId)) this.warn(s, `logs of node ${this.hostname(nodeId)} are incomplete: its session ended`);
        this.maybeEnd(s);
      }
    };
    call.on("cancelled", gone);
    call.on("close", gone);
    call.on("error", gone);
    // Streams end when leadership moves, so nodes reconnect to the new leader.
    const timer = setInterval(() => {
      if (this.o.leadership().isLeader) return;
      clearInterval(timer);
      failStream(call, new NotLeaderError(this.o.leadership().leaderAddr));
    }, 500);
    call.on("close", () => clearInterval(timer));
  }

  private subscribe(call: Subscriber, caller: string): void {
    const mine = [...this.subs.values()].filter((s) => s.caller === caller).length;
    if (mine >= MAX_SUBSCRIPTIONS_PER_CALLER) throw new SwarmError(ErrorCode.Unavailable, `SubscribeLogs: ${caller} already has ${mine} log streams open (at most ${MAX_SUBSCRIPTIONS_PER_CALLER})`);
    const { isLeader, leaderAddr } = this.o.leadership();
    if (!isLeader) {
      if (leaderAddr === "") throw new NotLeaderError("");
      this.relay(call, leaderAddr);
      return;
    }
    const req = call.request;
    const serviceIds = req.selector?.serviceIds ?? [];
    const taskIds = req.selector?.taskIds ?? [];
    if (serviceIds.length === 0 && taskIds.length === 0) throw new SwarmError(ErrorCode.InvalidArgument, "selector: name at least one service or task");
    const follow = req.options?.follow === true;
    const tasks = this.o.store.view((tx) => selectTasks(tx.list("task"), serviceIds, taskIds));
    const nodes = new Set(tasks.map((t) => t.nodeId).filter((n) => n !== ""));
    const id = newId();
    const message: SubscriptionMessage = { id, selector: { serviceIds, taskIds }, options: { follow, tail: req.options?.tail ?? -1, sinceMs: req.options?.sinceMs ?? 0 } };
    const sub: Subscription = { id, caller, message, follow, out: call, waiting: new Set(), ended: false };
    this.subs.set(id, sub);
    const missing = [...nodes].filter((n) => !this.listeners.has(n));
    for (const n of missing) this.warn(sub, `logs of node ${this.hostname(n)} could not be read: the node is not connected`);
    const targets = follow ? [...this.listeners.keys()] : [...nodes].filter((n) => this.listeners.has(n));
    for (const n of targets) {
      sub.waiting.add(n);
      this.listeners.get(n)?.write(message);
    }
    const close = (): void => this.close(sub);
    call.on("cancelled", close);
    call.on("close", close);
    this.log.debug({ id, follow, nodes: targets.length }, "log subscription");
    this.maybeEnd(sub);
  }

  private relay(call: Subscriber, leaderAddr: string): void {
    const client = this.o.dialLeader(leaderAddr);
    const upstream: ClientReadableStream<SubscribeLogsMessage__Output> = client.subscribeLogs(call.request);
    upstream.on("data", (m: SubscribeLogsMessage__Output) => call.write(m));
    upstream.on("end", () => {
      client.close();
      call.end();
    });
    upstream.on("error", (err) => {
      client.close();
      failStream(call, new RemoteCallError(err as never));
    });
    call.on("cancelled", () => upstream.cancel());
  }

  /**
   * Forwards one PublishLogs message; throws PERMISSION_DENIED for a line of a task not assigned to
   * `nodeId` (checked before the subscription, so an unknown subscription id is no way around it).
   * Returns the subscriber's stream when it is over its high-water mark (the caller pauses until it drains).
   */
  private publish(nodeId: string, m: PublishLogsMessage__Output): Subscriber | undefined {
    const refusal = this.o.store.view((tx) => publishRefusal(nodeId, m.messages.map((l) => l.context?.taskId ?? ""), (id) => tx.get("task", id)?.nodeId));
    if (refusal !== undefined) throw new SwarmError(ErrorCode.PermissionDenied, refusal);
    const sub = this.subs.get(m.subscriptionId);
    if (sub === undefined || sub.ended) return undefined;
    let slow = false;
    if (m.messages.length > 0 || m.warnings.length > 0) {
      const messages = this.o.store.view((tx) =>
        m.messages.map((l): LogMessage => {
          const task = tx.get("task", l.context?.taskId ?? "");
          const service = task === undefined ? undefined : tx.get("service", task.serviceId);
          const node = tx.get("node", nodeId);
          const serviceName = service?.spec?.annotations?.name ?? task?.serviceId ?? "";
          return {
            context: {
              serviceId: task?.serviceId ?? "",
              nodeId,
              taskId: l.context?.taskId ?? "",
              taskName: task === undefined ? (l.context?.taskId ?? "") : `${serviceName}.${task.slot || task.nodeId}`,
              nodeHostname: node?.description?.hostname ?? nodeId,
            },
            timeMs: l.timeMs,
            stream: l.stream,
            data: l.data,
          };
        }),
      );
      slow = !sub.out.write({ messages, warnings: m.warnings });
    }
    if (m.close) {
      sub.waiting.delete(nodeId);
      this.maybeEnd(sub);
    }
    return slow && !sub.ended ? sub.out : undefined;
  }

  private warn(sub: Subscription, warning: string): void {
    if (!sub.ended) sub.out.write({ messages: [], warnings: [warning] });
  }

  private maybeEnd(sub: Subscription): void {
    if (sub.ended || sub.follow || sub.waiting.size > 0) return;
    sub.ended = true;
    this.subs.delete(sub.id);
    sub.out.end();
  }

  private close(sub: Subscription): void {
    if (!this.subs.delete(sub.id)) return;
    sub.ended = true;
    // Nodes that connected after the subscription got it too (follow): tell every node.
    for (const l of this.listeners.values()) l.write({ id: sub.id, close: true });
  }

  private hostname(nodeId: string): string {
    return this.o.store.view((tx) => tx.get("node", nodeId)?.description?.hostname) ?? nodeId;
  }

  /** Ends every stream (the manager stops). */
  stop(): void {
    for (const s of [...this.subs.values()]) {
      this.subs.delete(s.id);
      s.ended = true;
      failStream(s.out, new SwarmError(ErrorCode.Unavailable, "the manager is stopping"));
    }
    for (const l of this.listeners.values()) l.end();
    this.listeners.clear();
  }
}
