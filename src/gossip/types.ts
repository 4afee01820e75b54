/**
 * Public shapes of the gossip layer: member views, events, and what the pure core asks its shell
 * to do (send a datagram, run a TCP exchange, publish an event).
 */
import type { NodeMeta__Output } from "../gen/swarm/gossip/NodeMeta.js";
import type { Packet } from "../gen/swarm/gossip/Packet.js";

/** Liveness of a member as this node sees it. */
export const MemberStatus = {
  Alive: "alive",
  Suspect: "suspect",
  Dead: "dead",
  Left: "left",
} as const;
/** One of the member statuses. */
export type MemberStatus = (typeof MemberStatus)[keyof typeof MemberStatus];

/** A member as this node sees it (a snapshot; never mutated after it is handed out). */
export interface Member {
  readonly name: string;
  readonly addr: string;
  readonly meta: NodeMeta__Output;
  readonly incarnation: number;
  readonly status: MemberStatus;
  /** Core time (ms) of the last status change. */
  readonly since: number;
}

/** Membership and application events, in the order the core observed them. */
export type GossipEvent =
  | { readonly type: "join"; readonly member: Member }
  | { readonly type: "update"; readonly member: Member }
  | { readonly type: "suspect"; readonly member: Member; readonly from: string }
  | { readonly type: "alive"; readonly member: Member }
  | { readonly type: "dead"; readonly member: Member; readonly from: string }
  | { readonly type: "leave"; readonly member: Member }
  | { readonly type: "user"; readonly origin: string; readonly payload: Uint8Array };

/** One event type name. */
export type GossipEventType = GossipEvent["type"];

/** Work the core hands to its shell. */
export type CoreOutput =
  /** Send one datagram. */
  | { readonly type: "udp"; readonly to: string; readonly packet: Packet }
  /** TCP fallback probe: connect, send the ping, report via `handleTcpPingResult(id, outcome)`. */
  | { readonly type: "tcp-ping"; readonly id: number; readonly to: string; readonly packet: Packet; readonly deadline: number }
  /** TCP push-pull: send the request, hand the reply (or failure) to `handlePushPullResponse(id, …)`. */
  | { readonly type: "push-pull"; readonly id: number; readonly to: string; readonly request: Packet; readonly deadline: number }
  /** Publish an event. */
  | { readonly type: "event"; readonly event: GossipEvent };

/**
 * Outcome of a TCP fallback probe: acked; refused (the target's host answered that nothing listens
 * on the port — the process is gone); or failed (timeout, reset, garbage).
 */
export type TcpPingOutcome = "acked" | "refused" | "failed";

/** Counters kept by the core (the shell adds transport counters). */
export interface CoreCounters {
  probes: number;
  probeFailures: number;
  indirectProbesSent: number;
  nacksReceived: number;
  tcpFallbackAcks: number;
  tcpFallbackRefused: number;
  suspicionsStarted: number;
  deadDeclared: number;
  /** Suspicions whose timer ran out with a single accuser and no failed probe of ours: extended, not dead. */
  deadUncorroborated: number;
  refutations: number;
  pushPulls: number;
  gossipPackets: number;
  invalidMessages: number;
}
