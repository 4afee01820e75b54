/**
 * The log broker (leader only), after SwarmKit's: `service logs` subscribes here (Logs), every node keeps
 * a ListenSubscriptions stream open and gets each subscription, and publishes the lines of its matching
 * tasks back (PublishLogs); the broker names their origin (task name, node hostname) and forwards them.
 * A follower manager relays SubscribeLogs to the leader. See design/agent.md ("Logs").
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
import { ErrorCode, SwarmError } from "../lib/errors.js";
import { toServiceError, RemoteCallError, failStream } from "../rpc/grpc.js";
import { newId } from "../lib/ids.js";
import type { Logger } from "../lib/logger.js";
import type { Store } from "../store/store.js";
import type { AuthenticatedCall } from "../ca/tls.js";
import { Access, authorizeCall } from "./authz/authz.js";
import { NotLeaderError } from "../rpc/leader.js";
import { protos } from "../rpc/services.js";

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

/** The broker; see the module comment. */
export class LogBroker {
  private readonly listeners = new Map<string, Listener>();
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
          this.subscribe(call);
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
        } catch (err) {
          callback(toServiceError(err), null);
          return;
        }
        call.on("data", (m: PublishLogsMessage__Output) => this.publish(nodeId, m));
        call.on("end", () => callback(null, {}));
        call.on("error", () => undefined);
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

  private subscribe(call: Subscriber): void {
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
    const sub: Subscription = { id, message, follow, out: call, waiting: new Set(), ended: false };
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

  private publish(nodeId: string, m: PublishLogsMessage__Output): void {
    const sub = this.subs.get(m.subscriptionId);
    if (sub === undefined || sub.ended) return;
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
      sub.out.write({ messages, warnings: m.warnings });
    }
    if (m.close) {
      sub.waiting.delete(nodeId);
      this.maybeEnd(sub);
    }
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
