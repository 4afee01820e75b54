/**
 * Push-pull: the full state exchange over TCP (join, periodic anti-entropy with a random alive
 * member, reconnect attempts to a dead one) and the merge of a remote member list into ours. It is
 * the only part that sees whole views rather than single pieces of news; the merge turns each
 * remote entry into the alive/dead/suspect news of membership.ts, so both paths obey one set of rules.
 */
import type { Packet, Packet__Output } from "../gen/swarm/gossip/Packet.js";
import type { PushNodeState, PushNodeState__Output } from "../gen/swarm/gossip/PushNodeState.js";
import type { MemberState__Output } from "../gen/swarm/gossip/MemberState.js";
import { randomMembers, type CoreState } from "./core-state.js";
import { onAlive, onDead, onSuspect } from "./membership.js";
import { MemberStatus } from "./types.js";

const WIRE_STATE = {
  alive: "MEMBER_ALIVE",
  suspect: "MEMBER_SUSPECT",
  dead: "MEMBER_DEAD",
  left: "MEMBER_LEFT",
} as const satisfies Record<MemberStatus, MemberState__Output>;

/** Asks `addr` for a state exchange (`join`: we are joining through it); returns the request id. */
export function requestPushPull(s: CoreState, now: number, addr: string, join: boolean): number {
  const id = ++s.requestId;
  s.counters.pushPulls++;
  s.outbox.push({ type: "push-pull", id, to: addr, request: localStatePacket(s, join), deadline: now + s.tuning.tcpTimeoutMs });
  return id;
}

/** The push-pull timer fired: exchange with one random alive member, then rearm (interval scaled by size). */
export function pushPullTimer(s: CoreState, now: number): void {
  const peer = randomMembers(s, 1, (m) => m.status === MemberStatus.Alive)[0];
  if (peer !== undefined && !s.leaving) requestPushPull(s, now, peer.addr, false);
  s.timers.schedule(now + pushPullInterval(s), { kind: "push-pull" });
}

/** The reconnect timer fired: exchange with one random dead member (it may be back), then rearm. */
export function reconnectTimer(s: CoreState, now: number): void {
  const peer = randomMembers(s, 1, (m) => m.status === MemberStatus.Dead)[0];
  if (peer !== undefined && !s.leaving) requestPushPull(s, now, peer.addr, false);
  s.timers.schedule(now + s.tuning.reconnectIntervalMs, { kind: "reconnect" });
}

/** Answers a remote push-pull request with our state (taken before merging theirs); undefined when malformed. */
export function answerPushPull(s: CoreState, now: number, packet: Packet__Output): Packet | undefined {
  const pp = packet.messages.find((m) => m.body === "pushPull")?.pushPull;
  if (pp == null) {
    s.counters.invalidMessages++;
    return undefined;
  }
  const reply = localStatePacket(s, false);
  mergeRemoteState(s, now, pp.source, pp.states);
  return reply;
}

/** Merges the reply to our push-pull request (undefined: the exchange failed, nothing to merge). */
export function pushPullReply(s: CoreState, now: number, packet: Packet__Output | undefined): void {
  const pp = packet?.messages.find((m) => m.body === "pushPull")?.pushPull;
  if (pp == null) return;
  mergeRemoteState(s, now, pp.source, pp.states);
}

function localStatePacket(s: CoreState, join: boolean): Packet {
  const states: PushNodeState[] = [...s.members.values()].map((m) => ({
    name: m.name, addr: m.addr, incarnation: m.incarnation, state: WIRE_STATE[m.status], meta: m.meta,
  }));
  return { messages: [{ pushPull: { join, source: s.name, states } }] };
}

function mergeRemoteState(s: CoreState, now: number, source: string, states: readonly PushNodeState__Output[]): void {
  for (const st of states) {
    switch (st.state) {
      case "MEMBER_ALIVE":
        onAlive(s, now, { incarnation: st.incarnation, node: st.name, addr: st.addr, meta: st.meta });
        break;
      case "MEMBER_LEFT":
        onDead(s, now, { incarnation: st.incarnation, node: st.name, from: st.name });
        break;
      default:
        // A remote "dead" is only a suspicion here: we let our own timers decide.
        onSuspect(s, now, { incarnation: st.incarnation, node: st.name, from: source });
    }
  }
}

/** PushPullInterval, stretched above 32 live members like memberlist's pushPullScale. */
function pushPullInterval(s: CoreState): number {
  const n = s.live;
  const threshold = 32;
  if (n <= threshold) return s.tuning.pushPullIntervalMs;
  const multiplier = Math.ceil(Math.log2(n) - Math.log2(threshold)) + 1;
  return s.tuning.pushPullIntervalMs * multiplier;
}
