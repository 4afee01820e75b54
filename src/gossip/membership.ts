/**
 * Membership state updates: what alive, suspect and dead news (from a message, a push-pull or our
 * own failed probe) does to our view of a member — incarnation ordering, Lifeguard suspicions with
 * their confirmations and expiry, refutation of accusations about ourselves, and reaping members
 * gone long enough. These are the protocol's rules of evidence, kept together so their invariants
 * can be read in one place:
 * - Our own incarnation only grows; news about a member is accepted only with an incarnation at
 *   least as new as ours for it (strictly newer for alive), so old news never undoes newer news.
 * - A suspicion exists iff the member's status is suspect; it ends in dead only via its own timer,
 *   and only when corroborated: our own probe of the member failed, or a second member accused it
 *   independently. A "dead" claim from another member about a third is just an accusation (it starts
 *   or confirms a suspicion), so one member — or one stolen key — cannot take a live member out of
 *   everyone's data plane; the member refutes as it would any suspicion.
 * - Accusations about ourselves (suspect/dead, any incarnation ≥ ours) are refuted with a higher
 *   incarnation unless we are leaving.
 */
import type { Alive__Output } from "../gen/swarm/gossip/Alive.js";
import type { Dead__Output } from "../gen/swarm/gossip/Dead.js";
import type { Suspect__Output } from "../gen/swarm/gossip/Suspect.js";
import { normalizeMeta, sameMeta } from "./codec.js";
import { isValidAddr } from "./config.js";
import { applyAwareness, emit, setStatus, snapshot, type CoreState, type MemberRecord, type Suspicion } from "./core-state.js";
import { broadcastAlive, enqueue } from "./dissemination.js";
import { suspicionBounds, suspicionTimeoutMs } from "./suspicion.js";
import { MemberStatus } from "./types.js";

/** Adds an alive member we did not know: it becomes a probe, gossip and push-pull target. */
export function addMember(s: CoreState, record: MemberRecord): void {
  s.members.set(record.name, record);
  s.live++;
  s.probeOrder.push(record.name);
  s.ring = undefined;
}

/** Suspect news (an accusation, or a confirmation of a suspicion we already hold). */
export function onSuspect(s: CoreState, now: number, msg: Suspect__Output): void {
  const state = s.members.get(msg.node);
  if (state === undefined || msg.incarnation < state.incarnation) return;
  const existing = s.suspicions.get(msg.node);
  if (existing !== undefined) {
    if (msg.from === s.name && !existing.ownEvidence) {
      existing.ownEvidence = true;
      // The timer may have been held back for want of corroboration: it may end now.
      rearm(s, now, existing);
    }
    if (confirm(s, now, existing, msg.from)) enqueue(s, msg.node, { suspect: { ...msg } });
    return;
  }
  if (state.status !== MemberStatus.Alive) return;
  if (state === s.self) {
    if (!s.leaving) refute(s, msg.incarnation);
    return;
  }
  s.counters.suspicionsStarted++;
  enqueue(s, msg.node, { suspect: { ...msg } });
  state.incarnation = msg.incarnation;
  setStatus(s, state, MemberStatus.Suspect);
  state.since = now;
  const bounds = suspicionBounds(s.tuning.suspicionMult, s.tuning.suspicionMaxTimeoutMult, s.live, s.tuning.probeIntervalMs);
  const timer = s.timers.schedule(now + suspicionTimeoutMs(bounds, 0), { kind: "suspicion", node: msg.node, incarnation: msg.incarnation });
  s.suspicions.set(msg.node, { start: now, accuser: msg.from, bounds, confirmers: new Set(), ownEvidence: msg.from === s.name, timer });
  // Probe it next ourselves — but only enough of us to supply the k confirmations Lifeguard wants,
  // so a failure in a big cluster does not draw a probe from every member at once.
  const probeShare = Math.min(1, (2 * (bounds.expectedConfirmations + 1)) / s.live);
  if (msg.from !== s.name && s.round?.target !== msg.node && s.probeFirst.length < 4 && s.random() < probeShare) {
    s.probeFirst.push(msg.node);
  }
  emit(s, { type: "suspect", member: snapshot(state), from: msg.from });
}

/** Counts an independent confirmation; returns true when it was new (and shortened the timeout). */
function confirm(s: CoreState, now: number, suspicion: Suspicion, from: string): boolean {
  if (from === suspicion.accuser || suspicion.confirmers.has(from)) return false;
  if (suspicion.confirmers.size >= suspicion.bounds.expectedConfirmations) return false;
  suspicion.confirmers.add(from);
  rearm(s, now, suspicion);
  return true;
}

/** Moves the suspicion's timer to its Lifeguard deadline for the confirmations it has now. */
function rearm(s: CoreState, now: number, suspicion: Suspicion): void {
  const due = suspicion.start + suspicionTimeoutMs(suspicion.bounds, suspicion.confirmers.size);
  const payload = suspicion.timer.payload;
  suspicion.timer.cancelled = true;
  suspicion.timer = s.timers.schedule(Math.max(now, due), payload);
}

/**
 * A suspicion timer fired: the member is declared dead by us unless news cleared it meanwhile — and
 * only on corroborated evidence. With a single accuser that is not us, we probe the member ourselves
 * next and look again after two probe intervals: a failed probe of ours corroborates at once; a live
 * member meanwhile hears of the suspicion (our ping carries it) and refutes.
 */
export function suspicionExpired(s: CoreState, now: number, node: string, incarnation: number): void {
  const state = s.members.get(node);
  if (state === undefined || state.status !== MemberStatus.Suspect || state.incarnation !== incarnation) return;
  const suspicion = s.suspicions.get(node);
  if (suspicion !== undefined && !suspicion.ownEvidence && suspicion.confirmers.size === 0) {
    s.counters.deadUncorroborated++;
    if (s.round?.target !== node && !s.probeFirst.includes(node)) s.probeFirst.push(node);
    suspicion.timer = s.timers.schedule(now + 2 * s.tuning.probeIntervalMs, suspicion.timer.payload);
    return;
  }
  onDead(s, now, { incarnation, node, from: s.name });
}

/** Alive news: a new member joins, a suspect is cleared, a gone member returns, or metadata changes. */
export function onAlive(s: CoreState, now: number, a: Alive__Output): void {
  if (a.node === "" || !isValidAddr(a.addr)) {
    s.counters.invalidMessages++;
    return;
  }
  if (a.node === s.name) {
    if (a.incarnation < s.self.incarnation) return;
    if (a.incarnation === s.self.incarnation && a.addr === s.self.addr && sameMeta(normalizeMeta(a.meta), s.self.meta)) return;
    if (!s.leaving) refute(s, a.incarnation);
    return;
  }
  const meta = normalizeMeta(a.meta);
  const state = s.members.get(a.node);
  if (state === undefined) {
    const record: MemberRecord = { name: a.node, addr: a.addr, meta, incarnation: a.incarnation, status: MemberStatus.Alive, since: now };
    addMember(s, record);
    broadcastAlive(s, record);
    emit(s, { type: "join", member: snapshot(record) });
    return;
  }
  if (a.incarnation <= state.incarnation) return;
  const wasGone = state.status === MemberStatus.Dead || state.status === MemberStatus.Left;
  if (a.addr !== state.addr && !wasGone) return; // address conflict with a live member: keep the one we know
  const previous = state.status;
  const metaChanged = !sameMeta(meta, state.meta);
  endSuspicion(s, a.node);
  state.incarnation = a.incarnation;
  state.addr = a.addr;
  state.meta = meta;
  setStatus(s, state, MemberStatus.Alive);
  if (previous !== MemberStatus.Alive) state.since = now;
  broadcastAlive(s, state);
  if (wasGone) emit(s, { type: "join", member: snapshot(state) });
  else {
    if (previous === MemberStatus.Suspect) emit(s, { type: "alive", member: snapshot(state) });
    if (metaChanged) emit(s, { type: "update", member: snapshot(state) });
  }
}

/** Dead news: the member is dead (declared by `from`) or, when it speaks for itself, has left. */
export function onDead(s: CoreState, now: number, d: Dead__Output): void {
  const state = s.members.get(d.node);
  if (state === undefined || d.incarnation < state.incarnation) return;
  if (state.status === MemberStatus.Dead || state.status === MemberStatus.Left) return;
  if (state === s.self) {
    if (!s.leaving) refute(s, d.incarnation);
    return;
  }
  if (d.from !== d.node && d.from !== s.name) {
    // Someone else's verdict about a third member: evidence for a suspicion, not a verdict for us.
    onSuspect(s, now, { incarnation: d.incarnation, node: d.node, from: d.from });
    return;
  }
  enqueue(s, d.node, { dead: { ...d } });
  endSuspicion(s, d.node);
  state.incarnation = d.incarnation;
  state.since = now;
  if (d.node === d.from) {
    setStatus(s, state, MemberStatus.Left);
    emit(s, { type: "leave", member: snapshot(state) });
  } else {
    setStatus(s, state, MemberStatus.Dead);
    if (d.from === s.name) s.counters.deadDeclared++;
    emit(s, { type: "dead", member: snapshot(state), from: d.from });
  }
}

/** Forgets members left longer than GossipToTheDead or dead longer than ReconnectTimeout. */
export function reap(s: CoreState, now: number): void {
  for (const m of [...s.members.values()]) {
    const age = now - m.since;
    const expired = (m.status === MemberStatus.Left && age > s.tuning.gossipToTheDeadMs) ||
      (m.status === MemberStatus.Dead && age > s.tuning.reconnectTimeoutMs);
    if (!expired || m === s.self) continue;
    s.members.delete(m.name);
    s.broadcasts.invalidate(m.name);
    const index = s.probeOrder.indexOf(m.name);
    if (index >= 0) s.probeOrder.splice(index, 1);
    s.ring = undefined;
  }
}

function refute(s: CoreState, accusedIncarnation: number): void {
  s.counters.refutations++;
  s.self.incarnation = Math.max(s.self.incarnation, accusedIncarnation) + 1;
  broadcastAlive(s, s.self);
  applyAwareness(s, 1); // being accused is a hint that we are the slow one
}

function endSuspicion(s: CoreState, node: string): void {
  const suspicion = s.suspicions.get(node);
  if (suspicion === undefined) return;
  suspicion.timer.cancelled = true;
  s.suspicions.delete(node);
}
