/**
 * Probing: SWIM's failure detector with Lifeguard's local health awareness. One probe round at a
 * time — ping the scheduled target; no ack within ProbeTimeout → indirect pings through k helpers
 * and a TCP fallback ping; no ack by the (awareness-scaled) end of the round → suspect it — plus
 * the helper side (relaying another member's indirect ping, with a nack when the target stays
 * silent) and the probe schedule ring. Split out because it is the one part driven by its own
 * timers and round state; what a failed probe means is membership.ts's business (onSuspect).
 */
import type { GossipMessage } from "../gen/swarm/gossip/GossipMessage.js";
import type { IndirectPingReq__Output } from "../gen/swarm/gossip/IndirectPingReq.js";
import { applyAwareness, nextSeq, randomMembers, scaled, type CoreState, type MemberRecord } from "./core-state.js";
import { sendUdp } from "./dissemination.js";
import { onSuspect } from "./membership.js";
import { MemberStatus, type TcpPingOutcome } from "./types.js";

/** The probe timer fired: starts a round with the next target (or waits one interval when there is none). */
export function startProbe(s: CoreState, now: number): void {
  const target = s.leaving ? undefined : nextProbeTarget(s, now);
  if (target === undefined) {
    s.timers.schedule(now + s.tuning.probeIntervalMs, { kind: "probe" });
    return;
  }
  const seq = nextSeq(s);
  s.counters.probes++;
  const messages: GossipMessage[] = [];
  // Buddy system: a suspect learns of the suspicion on the probe itself and can refute at once.
  if (target.status === MemberStatus.Suspect) {
    messages.push({ suspect: { incarnation: target.incarnation, node: target.name, from: s.name } });
  }
  messages.push({ ping: { seqNo: seq, target: target.name, source: s.name, sourceAddr: s.self.addr } });
  sendUdp(s, target.addr, messages);
  const endTimer = s.timers.schedule(now + scaled(s, s.tuning.probeIntervalMs), { kind: "probe-end", seq });
  s.round = { seq, target: target.name, startedAt: now, acked: false, refused: false, nacks: 0, expectedNacks: 0, endTimer };
  s.timers.schedule(now + s.tuning.probeTimeoutMs, { kind: "probe-timeout", seq });
}

/** No direct ack within ProbeTimeout: indirect pings through random alive helpers and a TCP fallback ping. */
export function probeTimeout(s: CoreState, seq: number): void {
  const round = s.round;
  if (round === undefined || round.seq !== seq || round.acked) return;
  const target = s.members.get(round.target);
  if (target === undefined) return;
  // Indirect probes through k random alive members, never the target or suspects.
  const helpers = randomMembers(s, s.tuning.indirectChecks, (m) => m.status === MemberStatus.Alive && m.name !== target.name);
  for (const helper of helpers) {
    s.counters.indirectProbesSent++;
    round.expectedNacks++;
    sendUdp(s, helper.addr, [{
      indirectPing: { seqNo: seq, target: target.name, targetAddr: target.addr, nack: true, source: s.name, sourceAddr: s.self.addr },
    }]);
  }
  if (!s.tuning.disableTcpPings) {
    s.outbox.push({
      type: "tcp-ping", id: seq, to: target.addr, deadline: round.endTimer.due,
      packet: { messages: [{ ping: { seqNo: seq, target: target.name, source: s.name, sourceAddr: s.self.addr } }] },
    });
  }
}

/** The round ends (its timer fired, or a refused TCP ping cut it short): no ack → awareness penalty and suspicion. */
export function endProbe(s: CoreState, now: number, seq: number): void {
  const round = s.round;
  if (round === undefined || round.seq !== seq) return;
  s.round = undefined;
  s.timers.schedule(now, { kind: "probe" });
  if (round.acked) return;
  s.counters.probeFailures++;
  // Lifeguard: missing nacks mean *we* may be the slow one; no helpers → plain penalty.
  if (!round.refused) applyAwareness(s, round.expectedNacks > 0 ? Math.max(0, round.expectedNacks - round.nacks) : 1);
  const target = s.members.get(round.target);
  if (target === undefined || target.status === MemberStatus.Dead || target.status === MemberStatus.Left) return;
  onSuspect(s, now, { incarnation: target.incarnation, node: target.name, from: s.name });
}

/** Result of the TCP fallback ping of round `id`. */
export function tcpPingResult(s: CoreState, now: number, id: number, outcome: TcpPingOutcome): void {
  const round = s.round;
  if (round === undefined || round.seq !== id || round.acked) return;
  if (outcome === "acked") {
    s.counters.tcpFallbackAcks++;
    round.acked = true; // no awareness change: UDP was lossy, the peer is fine
  } else if (outcome === "refused") {
    // The target's host is up and says nothing listens there: the member process is gone. That is
    // positive evidence against the target (not against our own health), so the round ends now,
    // without waiting for indirect answers and without an awareness penalty.
    s.counters.tcpFallbackRefused++;
    round.refused = true;
    round.endTimer.cancelled = true;
    endProbe(s, now, round.seq);
  }
}

/** An ack: ends our round when it answers our ping, or is passed back to the member we relay for. */
export function onAck(s: CoreState, now: number, seq: number): void {
  const round = s.round;
  if (round !== undefined && round.seq === seq) {
    if (round.acked) return;
    round.acked = true;
    applyAwareness(s, -1);
    // Next probe one (unscaled) interval after this one started.
    round.endTimer.cancelled = true;
    s.round = undefined;
    s.timers.schedule(Math.max(now, round.startedAt + s.tuning.probeIntervalMs), { kind: "probe" });
    return;
  }
  const relay = s.relays.get(seq);
  if (relay !== undefined && !relay.acked) {
    relay.acked = true;
    sendUdp(s, relay.requesterAddr, [{ ack: { seqNo: relay.requesterSeq } }]);
  }
}

/** A nack from a helper of our current round (Lifeguard: the helper is fine, the target is silent). */
export function onNack(s: CoreState, seq: number): void {
  if (s.round?.seq === seq) {
    s.round.nacks++;
    s.counters.nacksReceived++;
  }
}

/** As a helper: pings the target of `requester`'s indirect ping under a sequence number of ours. */
export function relayPing(s: CoreState, now: number, requester: string, r: IndirectPingReq__Output): void {
  const seq = nextSeq(s);
  s.relays.set(seq, { requesterAddr: requester, requesterSeq: r.seqNo, nack: r.nack, acked: false });
  s.timers.schedule(now + s.tuning.probeTimeoutMs, { kind: "relay-timeout", seq });
  sendUdp(s, r.targetAddr, [{ ping: { seqNo: seq, target: r.target, source: s.name, sourceAddr: s.self.addr } }]);
}

/** A relayed ping got no ack within ProbeTimeout: tells the requester with a nack (when it asked for one). */
export function relayTimeout(s: CoreState, seq: number): void {
  const relay = s.relays.get(seq);
  s.relays.delete(seq);
  if (relay !== undefined && !relay.acked && relay.nack) sendUdp(s, relay.requesterAddr, [{ nack: { seqNo: relay.requesterSeq } }]);
}

/**
 * Probe schedule. Every member orders the known members the same way (a ring sorted by name) and,
 * in probe round r = ⌊now / ProbeInterval⌉, probes the member `1 + r mod (N−1)` places after itself
 * on the ring. In any one round that is a bijection (each member is probed by exactly one other),
 * so a failed member is probed about once per interval by someone — the wait until someone first
 * probes a dead member is below two intervals, where independent shuffled round-robins leave tails
 * of several. Each prober still visits every member once per N−1 rounds (SWIM's time bound).
 * Without synchronized clocks it degrades to N independent round-robins with random offsets.
 */
function nextProbeTarget(s: CoreState, now: number): MemberRecord | undefined {
  while (s.probeFirst.length > 0) {
    const m = s.members.get(s.probeFirst.shift() ?? "");
    if (m !== undefined && m.status === MemberStatus.Suspect) return m;
  }
  s.ring ??= [...s.members.keys()].sort();
  const ring = s.ring;
  const n = ring.length;
  if (n <= 1) return undefined;
  const self = ring.indexOf(s.name);
  const round = Math.max(s.lastProbeRound + 1, Math.round(now / s.tuning.probeIntervalMs));
  s.lastProbeRound = round;
  // A slot whose member is dead or gone passes to the next member on the ring.
  const first = 1 + (round % (n - 1));
  for (let step = 0; step < n - 1; step++) {
    const offset = 1 + ((first - 1 + step) % (n - 1));
    const m = s.members.get(ring[(self + offset) % n] ?? "");
    if (m !== undefined && m !== s.self && (m.status === MemberStatus.Alive || m.status === MemberStatus.Suspect)) return m;
  }
  return undefined;
}
