/**
 * The pure SWIM + Lifeguard protocol core (after hashicorp/memberlist). No sockets, timers, clock or
 * randomness inside: every input carries the current time (`now`, ms), randomness comes from the
 * injected `random()`, and all effects are collected as {@link CoreOutput}s drained by the caller.
 * The caller wakes the core at {@link GossipCore.nextDeadline} by calling {@link GossipCore.tick}.
 *
 * Invariants:
 * - Our own incarnation only grows; news about a member is accepted only with an incarnation at
 *   least as new as ours for it (strictly newer for alive), so old news never undoes newer news.
 * - A suspicion exists iff the member's status is suspect; it ends in dead only via its own timer.
 * - Accusations about ourselves (suspect/dead, any incarnation ≥ ours) are refuted with a higher
 *   incarnation unless we are leaving.
 */
import type { GossipMessage, GossipMessage__Output } from "../gen/swarm/gossip/GossipMessage.js";
import type { Packet, Packet__Output } from "../gen/swarm/gossip/Packet.js";
import type { NodeMeta, NodeMeta__Output } from "../gen/swarm/gossip/NodeMeta.js";
import type { Alive__Output } from "../gen/swarm/gossip/Alive.js";
import type { Suspect__Output } from "../gen/swarm/gossip/Suspect.js";
import type { Dead__Output } from "../gen/swarm/gossip/Dead.js";
import type { PushNodeState } from "../gen/swarm/gossip/PushNodeState.js";
import type { MemberState__Output } from "../gen/swarm/gossip/MemberState.js";
import { ValidationError } from "../lib/errors.js";
import { BroadcastQueue } from "./broadcast-queue.js";
import { encodeMeta, messageWireSize, normalizeMeta, sameMeta } from "./codec.js";
import { isValidAddr, resolveCoreOptions, type CoreOptions, type GossipTuning } from "./config.js";
import { retransmitLimit, suspicionBounds, suspicionTimeoutMs, type SuspicionBounds } from "./suspicion.js";
import { TimerHeap, type TimerEntry } from "./timer-heap.js";
import { MemberStatus, type CoreCounters, type CoreOutput, type GossipEvent, type Member, type TcpPingOutcome } from "./types.js";

type Timer =
  | { readonly kind: "probe" }
  | { readonly kind: "probe-timeout"; readonly seq: number }
  | { readonly kind: "probe-end"; readonly seq: number }
  | { readonly kind: "relay-timeout"; readonly seq: number }
  | { readonly kind: "suspicion"; readonly node: string; readonly incarnation: number }
  | { readonly kind: "gossip" }
  | { readonly kind: "push-pull" }
  | { readonly kind: "reconnect" }
  | { readonly kind: "reap" };

interface MemberRecord {
  name: string;
  addr: string;
  meta: NodeMeta__Output;
  incarnation: number;
  status: MemberStatus;
  since: number;
}

interface ProbeRound {
  readonly seq: number;
  readonly target: string;
  readonly startedAt: number;
  acked: boolean;
  refused: boolean;
  nacks: number;
  expectedNacks: number;
  endTimer: TimerEntry<Timer>;
}

interface Relay {
  readonly requesterAddr: string;
  readonly requesterSeq: number;
  readonly nack: boolean;
  acked: boolean;
}

interface Suspicion {
  readonly start: number;
  readonly accuser: string;
  readonly bounds: SuspicionBounds;
  readonly confirmers: Set<string>;
  timer: TimerEntry<Timer>;
}

const SEEN_USER_MESSAGES = 4096;
const PACKET_OVERHEAD_BYTES = 64;

/** The protocol state machine of one member. */
export class GossipCore {
  /** Effective tuning. */
  readonly tuning: GossipTuning;
  /** This member's name. */
  readonly name: string;
  /** Counters for metrics. */
  readonly counters: CoreCounters = {
    probes: 0, probeFailures: 0, indirectProbesSent: 0, nacksReceived: 0, tcpFallbackAcks: 0, tcpFallbackRefused: 0, suspicionsStarted: 0,
    deadDeclared: 0, refutations: 0, pushPulls: 0, gossipPackets: 0, invalidMessages: 0,
  };

  private readonly random: () => number;
  private readonly members = new Map<string, MemberRecord>();
  private readonly self: MemberRecord;
  private readonly timers = new TimerHeap<Timer>();
  private readonly broadcasts = new BroadcastQueue();
  private readonly suspicions = new Map<string, Suspicion>();
  private readonly relays = new Map<number, Relay>();
  private readonly seenUser = new Set<string>();
  private outbox: CoreOutput[] = [];
  /** Every member but us (for random picks). */
  private probeOrder: string[] = [];
  /** Every member, us included, sorted: the probe schedule ring (rebuilt after membership changes). */
  private ring: string[] | undefined;
  private lastProbeRound = -1;
  private round: ProbeRound | undefined;
  /** Members suspected by others that we probe next (our probe is an independent confirmation or a refutation chance). */
  private probeFirst: string[] = [];
  private seq = 0;
  private requestId = 0;
  private userSeq = 0;
  private awareness = 0;
  private started = false;
  private leaving = false;
  /** Members alive or suspect, ourselves included (kept incrementally: it is read per packet). */
  private live = 1;

  /** Creates a core; `random` must return uniform numbers in [0, 1). */
  constructor(options: CoreOptions, random: () => number) {
    const resolved = resolveCoreOptions(options);
    this.tuning = resolved.tuning;
    this.name = resolved.name;
    this.random = random;
    this.checkMetaSize(resolved.meta);
    this.self = { name: resolved.name, addr: resolved.addr, meta: normalizeMeta(resolved.meta), incarnation: 1, status: MemberStatus.Alive, since: 0 };
    this.members.set(this.name, this.self);
  }

  // ---- lifecycle and API -------------------------------------------------------------------

  /** Starts the protocol timers and announces ourselves. */
  start(now: number): void {
    if (this.started) return;
    this.started = true;
    this.self.since = now;
    this.broadcastAlive(this.self);
    const t = this.tuning;
    this.timers.schedule(now + this.random() * t.probeIntervalMs, { kind: "probe" });
    this.timers.schedule(now + this.random() * t.gossipIntervalMs, { kind: "gossip" });
    // Staggered like memberlist; the interval is recomputed (scaled by cluster size) at every round.
    this.timers.schedule(now + t.pushPullIntervalMs * this.random(), { kind: "push-pull" });
    this.timers.schedule(now + t.reconnectIntervalMs, { kind: "reconnect" });
    this.timers.schedule(now + t.gossipToTheDeadMs / 2, { kind: "reap" });
  }

  /**
   * Adds members known from elsewhere (a saved view, the managers' node list) as alive, without
   * announcing them or emitting events. Unknown names only; call before or right after start.
   */
  bootstrap(now: number, known: readonly { name: string; addr: string; incarnation: number; meta?: NodeMeta }[]): void {
    for (const k of known) {
      if (this.members.has(k.name)) continue;
      this.members.set(k.name, { name: k.name, addr: k.addr, meta: normalizeMeta(k.meta), incarnation: k.incarnation, status: MemberStatus.Alive, since: now });
      this.live++;
      this.probeOrder.push(k.name);
      this.ring = undefined;
    }
  }

  /** Asks `addrs` for a full state exchange (join); returns the push-pull request ids. */
  join(now: number, addrs: readonly string[]): number[] {
    return addrs.map((addr) => this.requestPushPull(now, addr, true));
  }

  /** Announces a graceful leave; the caller keeps running the core until {@link pendingBroadcasts} is 0. */
  leave(now: number): void {
    if (this.leaving) return;
    this.leaving = true;
    this.setStatus(this.self, MemberStatus.Left);
    this.self.since = now;
    const dead: GossipMessage = { dead: { incarnation: this.self.incarnation, node: this.name, from: this.name } };
    this.broadcasts.enqueue(this.name, dead, messageWireSize(dead));
    this.gossipRound(now);
  }

  /** Replaces our metadata and announces it with a new incarnation. */
  updateMeta(meta: NodeMeta): void {
    this.checkMetaSize(meta);
    this.self.meta = normalizeMeta(meta);
    this.self.incarnation++;
    this.broadcastAlive(this.self);
  }

  /** Spreads an application message to every member (deduplicated by origin and id). */
  sendUserMessage(payload: Uint8Array): void {
    const id = ++this.userSeq;
    this.seenUser.add(`${this.name}/${id}`);
    const msg: GossipMessage = { user: { origin: this.name, id, payload } };
    const size = messageWireSize(msg);
    if (size > this.tuning.packetBudgetBytes - PACKET_OVERHEAD_BYTES) {
      throw new ValidationError("gossip.userMessage", `${payload.length} bytes do not fit in a packet`);
    }
    this.broadcasts.enqueue(undefined, msg, size);
  }

  /** A snapshot of every known member, ourselves included. */
  membersView(): Member[] {
    return [...this.members.values()].map(snapshot);
  }

  /** One member's snapshot. */
  member(name: string): Member | undefined {
    const m = this.members.get(name);
    return m === undefined ? undefined : snapshot(m);
  }

  /** Current Lifeguard awareness score (0 = healthy). */
  get awarenessScore(): number {
    return this.awareness;
  }

  /** Broadcasts still queued. */
  get pendingBroadcasts(): number {
    return this.broadcasts.length;
  }

  /** Earliest time the core wants to be woken, or undefined before start. */
  nextDeadline(): number | undefined {
    return this.timers.peekDue();
  }

  /** Returns and clears the collected outputs. */
  drain(): CoreOutput[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  // ---- inputs -------------------------------------------------------------------------------

  /** Fires every timer due at or before `now`. */
  tick(now: number): void {
    for (;;) {
      const entry = this.timers.popDue(now);
      if (entry === undefined) return;
      this.fire(now, entry.payload);
    }
  }

  /** Handles one decoded datagram from `from` (the sender's address). */
  handlePacket(now: number, from: string, packet: Packet__Output): void {
    for (const m of packet.messages) this.handleMessage(now, from, m);
  }

  /** Handles a TCP fallback ping; returns the ack to write back, or undefined. */
  handleTcpPing(now: number, packet: Packet__Output): Packet | undefined {
    for (const m of packet.messages) {
      const ping = m.body === "ping" ? m.ping : undefined;
      if (ping != null && (ping.target === "" || ping.target === this.name)) {
        return { messages: [{ ack: { seqNo: ping.seqNo } }] };
      }
      this.handleMessage(now, "", m);
    }
    return undefined;
  }

  /** Result of a TCP fallback probe we asked for. */
  handleTcpPingResult(now: number, id: number, outcome: TcpPingOutcome): void {
    const round = this.round;
    if (round === undefined || round.seq !== id || round.acked) return;
    if (outcome === "acked") {
      this.counters.tcpFallbackAcks++;
      round.acked = true; // no awareness change: UDP was lossy, the peer is fine
    } else if (outcome === "refused") {
      // The target's host is up and says nothing listens there: the member process is gone. That is
      // positive evidence against the target (not against our own health), so the round ends now,
      // without waiting for indirect answers and without an awareness penalty.
      this.counters.tcpFallbackRefused++;
      round.refused = true;
      round.endTimer.cancelled = true;
      this.endProbe(now, round.seq);
    }
  }

  /** Handles an incoming push-pull request; returns our state to write back. */
  handlePushPullRequest(now: number, packet: Packet__Output): Packet | undefined {
    const pp = packet.messages.find((m) => m.body === "pushPull")?.pushPull;
    if (pp == null) {
      this.counters.invalidMessages++;
      return undefined;
    }
    const reply = this.localStatePacket(false);
    this.mergeRemoteState(now, pp.source, pp.states);
    return reply;
  }

  /** Reply (or failure: undefined) of a push-pull we asked for. */
  handlePushPullResponse(now: number, _id: number, packet: Packet__Output | undefined): void {
    const pp = packet?.messages.find((m) => m.body === "pushPull")?.pushPull;
    if (pp == null) return;
    this.mergeRemoteState(now, pp.source, pp.states);
  }

  // ---- timers -------------------------------------------------------------------------------

  private fire(now: number, timer: Timer): void {
    switch (timer.kind) {
      case "probe":
        return this.startProbe(now);
      case "probe-timeout":
        return this.probeTimeout(now, timer.seq);
      case "probe-end":
        return this.endProbe(now, timer.seq);
      case "relay-timeout": {
        const relay = this.relays.get(timer.seq);
        this.relays.delete(timer.seq);
        if (relay !== undefined && !relay.acked && relay.nack) this.sendUdp(relay.requesterAddr, [{ nack: { seqNo: relay.requesterSeq } }]);
        return;
      }
      case "suspicion":
        return this.suspicionExpired(now, timer.node, timer.incarnation);
      case "gossip":
        this.gossipRound(now);
        this.timers.schedule(now + this.tuning.gossipIntervalMs, { kind: "gossip" });
        return;
      case "push-pull": {
        const peer = this.randomMembers(1, (m) => m.status === MemberStatus.Alive)[0];
        if (peer !== undefined && !this.leaving) this.requestPushPull(now, peer.addr, false);
        this.timers.schedule(now + this.pushPullInterval(), { kind: "push-pull" });
        return;
      }
      case "reconnect": {
        const peer = this.randomMembers(1, (m) => m.status === MemberStatus.Dead)[0];
        if (peer !== undefined && !this.leaving) this.requestPushPull(now, peer.addr, false);
        this.timers.schedule(now + this.tuning.reconnectIntervalMs, { kind: "reconnect" });
        return;
      }
      case "reap":
        this.reap(now);
        this.timers.schedule(now + this.tuning.gossipToTheDeadMs / 2, { kind: "reap" });
        return;
    }
  }

  // ---- probing (SWIM failure detector with Lifeguard) ----------------------------------------

  private startProbe(now: number): void {
    const target = this.leaving ? undefined : this.nextProbeTarget(now);
    if (target === undefined) {
      this.timers.schedule(now + this.tuning.probeIntervalMs, { kind: "probe" });
      return;
    }
    const seq = this.nextSeq();
    this.counters.probes++;
    const messages: GossipMessage[] = [];
    // Buddy system: a suspect learns of the suspicion on the probe itself and can refute at once.
    if (target.status === MemberStatus.Suspect) {
      messages.push({ suspect: { incarnation: target.incarnation, node: target.name, from: this.name } });
    }
    messages.push({ ping: { seqNo: seq, target: target.name, source: this.name, sourceAddr: this.self.addr } });
    this.sendUdp(target.addr, messages);
    const endTimer = this.timers.schedule(now + this.scaled(this.tuning.probeIntervalMs), { kind: "probe-end", seq });
    this.round = { seq, target: target.name, startedAt: now, acked: false, refused: false, nacks: 0, expectedNacks: 0, endTimer };
    this.timers.schedule(now + this.tuning.probeTimeoutMs, { kind: "probe-timeout", seq });
  }

  private probeTimeout(now: number, seq: number): void {
    const round = this.round;
    if (round === undefined || round.seq !== seq || round.acked) return;
    const target = this.members.get(round.target);
    if (target === undefined) return;
    // Indirect probes through k random alive members, never the target or suspects.
    const helpers = this.randomMembers(this.tuning.indirectChecks, (m) => m.status === MemberStatus.Alive && m.name !== target.name);
    for (const helper of helpers) {
      this.counters.indirectProbesSent++;
      round.expectedNacks++;
      this.sendUdp(helper.addr, [{
        indirectPing: { seqNo: seq, target: target.name, targetAddr: target.addr, nack: true, source: this.name, sourceAddr: this.self.addr },
      }]);
    }
    if (!this.tuning.disableTcpPings) {
      this.outbox.push({
        type: "tcp-ping", id: seq, to: target.addr, deadline: round.endTimer.due,
        packet: { messages: [{ ping: { seqNo: seq, target: target.name, source: this.name, sourceAddr: this.self.addr } }] },
      });
    }
  }

  private endProbe(now: number, seq: number): void {
    const round = this.round;
    if (round === undefined || round.seq !== seq) return;
    this.round = undefined;
    this.timers.schedule(now, { kind: "probe" });
    if (round.acked) return;
    this.counters.probeFailures++;
    // Lifeguard: missing nacks mean *we* may be the slow one; no helpers → plain penalty.
    if (!round.refused) this.applyAwareness(round.expectedNacks > 0 ? Math.max(0, round.expectedNacks - round.nacks) : 1);
    const target = this.members.get(round.target);
    if (target === undefined || target.status === MemberStatus.Dead || target.status === MemberStatus.Left) return;
    this.onSuspect(now, { incarnation: target.incarnation, node: target.name, from: this.name });
  }

  private onAck(now: number, seq: number): void {
    const round = this.round;
    if (round !== undefined && round.seq === seq) {
      if (round.acked) return;
      round.acked = true;
      this.applyAwareness(-1);
      // Next probe one (unscaled) interval after this one started.
      round.endTimer.cancelled = true;
      this.round = undefined;
      this.timers.schedule(Math.max(now, round.startedAt + this.tuning.probeIntervalMs), { kind: "probe" });
      return;
    }
    const relay = this.relays.get(seq);
    if (relay !== undefined && !relay.acked) {
      relay.acked = true;
      this.sendUdp(relay.requesterAddr, [{ ack: { seqNo: relay.requesterSeq } }]);
    }
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
  private nextProbeTarget(now: number): MemberRecord | undefined {
    while (this.probeFirst.length > 0) {
      const m = this.members.get(this.probeFirst.shift() ?? "");
      if (m !== undefined && m.status === MemberStatus.Suspect) return m;
    }
    this.ring ??= [...this.members.keys()].sort();
    const ring = this.ring;
    const n = ring.length;
    if (n <= 1) return undefined;
    const self = ring.indexOf(this.name);
    const round = Math.max(this.lastProbeRound + 1, Math.round(now / this.tuning.probeIntervalMs));
    this.lastProbeRound = round;
    // A slot whose member is dead or gone passes to the next member on the ring.
    const first = 1 + (round % (n - 1));
    for (let step = 0; step < n - 1; step++) {
      const offset = 1 + ((first - 1 + step) % (n - 1));
      const m = this.members.get(ring[(self + offset) % n] ?? "");
      if (m !== undefined && m !== this.self && (m.status === MemberStatus.Alive || m.status === MemberStatus.Suspect)) return m;
    }
    return undefined;
  }

  // ---- message handling ---------------------------------------------------------------------

  private handleMessage(now: number, from: string, m: GossipMessage__Output): void {
    switch (m.body) {
      case "ping": {
        const p = m.ping;
        if (p == null || (p.target !== "" && p.target !== this.name)) return;
        const replyTo = from !== "" ? from : p.sourceAddr;
        if (isValidAddr(replyTo)) this.sendUdp(replyTo, [{ ack: { seqNo: p.seqNo } }]);
        return;
      }
      case "indirectPing": {
        const r = m.indirectPing;
        const requester = from !== "" ? from : r?.sourceAddr ?? "";
        if (r == null || !isValidAddr(r.targetAddr) || !isValidAddr(requester)) {
          this.counters.invalidMessages++;
          return;
        }
        const seq = this.nextSeq();
        this.relays.set(seq, { requesterAddr: requester, requesterSeq: r.seqNo, nack: r.nack, acked: false });
        this.timers.schedule(now + this.tuning.probeTimeoutMs, { kind: "relay-timeout", seq });
        this.sendUdp(r.targetAddr, [{ ping: { seqNo: seq, target: r.target, source: this.name, sourceAddr: this.self.addr } }]);
        return;
      }
      case "ack":
        if (m.ack != null) this.onAck(now, m.ack.seqNo);
        return;
      case "nack":
        if (m.nack != null && this.round?.seq === m.nack.seqNo) {
          this.round.nacks++;
          this.counters.nacksReceived++;
        }
        return;
      case "suspect":
        if (m.suspect != null) this.onSuspect(now, m.suspect);
        return;
      case "alive":
        if (m.alive != null) this.onAlive(now, m.alive);
        return;
      case "dead":
        if (m.dead != null) this.onDead(now, m.dead);
        return;
      case "user":
        if (m.user != null) this.onUser(m.user.origin, m.user.id, m.user.payload);
        return;
      default:
        this.counters.invalidMessages++;
    }
  }

  private onSuspect(now: number, s: Suspect__Output): void {
    const state = this.members.get(s.node);
    if (state === undefined || s.incarnation < state.incarnation) return;
    const existing = this.suspicions.get(s.node);
    if (existing !== undefined) {
      if (this.confirm(now, existing, s.from)) this.enqueue(s.node, { suspect: { ...s } });
      return;
    }
    if (state.status !== MemberStatus.Alive) return;
    if (state === this.self) {
      if (!this.leaving) this.refute(s.incarnation);
      return;
    }
    this.counters.suspicionsStarted++;
    this.enqueue(s.node, { suspect: { ...s } });
    state.incarnation = s.incarnation;
    this.setStatus(state, MemberStatus.Suspect);
    state.since = now;
    const bounds = suspicionBounds(this.tuning.suspicionMult, this.tuning.suspicionMaxTimeoutMult, this.liveCount(), this.tuning.probeIntervalMs);
    const timer = this.timers.schedule(now + suspicionTimeoutMs(bounds, 0), { kind: "suspicion", node: s.node, incarnation: s.incarnation });
    this.suspicions.set(s.node, { start: now, accuser: s.from, bounds, confirmers: new Set(), timer });
    // Probe it next ourselves — but only enough of us to supply the k confirmations Lifeguard wants,
    // so a failure in a big cluster does not draw a probe from every member at once.
    const probeShare = Math.min(1, (2 * (bounds.expectedConfirmations + 1)) / this.liveCount());
    if (s.from !== this.name && this.round?.target !== s.node && this.probeFirst.length < 4 && this.random() < probeShare) {
      this.probeFirst.push(s.node);
    }
    this.emit({ type: "suspect", member: snapshot(state), from: s.from });
  }

  /** Counts an independent confirmation; returns true when it was new (and shortened the timeout). */
  private confirm(now: number, suspicion: Suspicion, from: string): boolean {
    if (from === suspicion.accuser || suspicion.confirmers.has(from)) return false;
    if (suspicion.confirmers.size >= suspicion.bounds.expectedConfirmations) return false;
    suspicion.confirmers.add(from);
    const due = suspicion.start + suspicionTimeoutMs(suspicion.bounds, suspicion.confirmers.size);
    const payload = suspicion.timer.payload;
    suspicion.timer.cancelled = true;
    suspicion.timer = this.timers.schedule(Math.max(now, due), payload);
    return true;
  }

  private suspicionExpired(now: number, node: string, incarnation: number): void {
    const state = this.members.get(node);
    if (state === undefined || state.status !== MemberStatus.Suspect || state.incarnation !== incarnation) return;
    this.onDead(now, { incarnation, node, from: this.name });
  }

  private onAlive(now: number, a: Alive__Output): void {
    if (a.node === "" || !isValidAddr(a.addr)) {
      this.counters.invalidMessages++;
      return;
    }
    if (a.node === this.name) {
      if (a.incarnation < this.self.incarnation) return;
      if (a.incarnation === this.self.incarnation && a.addr === this.self.addr && sameMeta(normalizeMeta(a.meta), this.self.meta)) return;
      if (!this.leaving) this.refute(a.incarnation);
      return;
    }
    const meta = normalizeMeta(a.meta);
    const state = this.members.get(a.node);
    if (state === undefined) {
      const record: MemberRecord = { name: a.node, addr: a.addr, meta, incarnation: a.incarnation, status: MemberStatus.Alive, since: now };
      this.members.set(a.node, record);
      this.live++;
      this.probeOrder.push(a.node);
      this.ring = undefined;
      this.broadcastAlive(record);
      this.emit({ type: "join", member: snapshot(record) });
      return;
    }
    if (a.incarnation <= state.incarnation) return;
    const wasGone = state.status === MemberStatus.Dead || state.status === MemberStatus.Left;
    if (a.addr !== state.addr && !wasGone) return; // address conflict with a live member: keep the one we know
    const previous = state.status;
    const metaChanged = !sameMeta(meta, state.meta);
    this.endSuspicion(a.node);
    state.incarnation = a.incarnation;
    state.addr = a.addr;
    state.meta = meta;
    this.setStatus(state, MemberStatus.Alive);
    if (previous !== MemberStatus.Alive) state.since = now;
    this.broadcastAlive(state);
    if (wasGone) this.emit({ type: "join", member: snapshot(state) });
    else {
      if (previous === MemberStatus.Suspect) this.emit({ type: "alive", member: snapshot(state) });
      if (metaChanged) this.emit({ type: "update", member: snapshot(state) });
    }
  }

  private onDead(now: number, d: Dead__Output): void {
    const state = this.members.get(d.node);
    if (state === undefined || d.incarnation < state.incarnation) return;
    if (state.status === MemberStatus.Dead || state.status === MemberStatus.Left) return;
    if (state === this.self) {
      if (!this.leaving) this.refute(d.incarnation);
      return;
    }
    this.enqueue(d.node, { dead: { ...d } });
    this.endSuspicion(d.node);
    state.incarnation = d.incarnation;
    state.since = now;
    if (d.node === d.from) {
      this.setStatus(state, MemberStatus.Left);
      this.emit({ type: "leave", member: snapshot(state) });
    } else {
      this.setStatus(state, MemberStatus.Dead);
      if (d.from === this.name) this.counters.deadDeclared++;
      this.emit({ type: "dead", member: snapshot(state), from: d.from });
    }
  }

  private onUser(origin: string, id: number, payload: Uint8Array): void {
    const key = `${origin}/${id}`;
    if (this.seenUser.has(key)) return;
    this.seenUser.add(key);
    if (this.seenUser.size > SEEN_USER_MESSAGES) {
      const oldest = this.seenUser.values().next().value;
      if (oldest !== undefined) this.seenUser.delete(oldest);
    }
    const msg: GossipMessage = { user: { origin, id, payload } };
    this.broadcasts.enqueue(undefined, msg, messageWireSize(msg));
    this.emit({ type: "user", origin, payload });
  }

  private refute(accusedIncarnation: number): void {
    this.counters.refutations++;
    this.self.incarnation = Math.max(this.self.incarnation, accusedIncarnation) + 1;
    this.broadcastAlive(this.self);
    this.applyAwareness(1); // being accused is a hint that we are the slow one
  }

  private endSuspicion(node: string): void {
    const s = this.suspicions.get(node);
    if (s === undefined) return;
    s.timer.cancelled = true;
    this.suspicions.delete(node);
  }

  // ---- dissemination ------------------------------------------------------------------------

  private broadcastAlive(m: MemberRecord): void {
    this.enqueue(m.name, { alive: { incarnation: m.incarnation, node: m.name, addr: m.addr, meta: m.meta } });
  }

  private enqueue(key: string, message: GossipMessage): void {
    this.broadcasts.enqueue(key, message, messageWireSize(message));
  }

  private gossipRound(now: number): void {
    if (this.broadcasts.length === 0) return;
    const targets = this.randomMembers(this.tuning.gossipNodes, (m) =>
      m.status === MemberStatus.Alive || m.status === MemberStatus.Suspect ||
      (m.status === MemberStatus.Dead && now - m.since < this.tuning.gossipToTheDeadMs));
    for (const t of targets) {
      const messages = this.broadcasts.take(this.tuning.packetBudgetBytes - PACKET_OVERHEAD_BYTES, this.retransmits());
      if (messages.length === 0) return;
      this.counters.gossipPackets++;
      this.outbox.push({ type: "udp", to: t.addr, packet: { messages } });
    }
  }

  /** Sends `messages` with as many piggybacked broadcasts as fit. */
  private sendUdp(to: string, messages: GossipMessage[]): void {
    let used = PACKET_OVERHEAD_BYTES;
    for (const m of messages) used += messageWireSize(m);
    const extra = this.broadcasts.take(this.tuning.packetBudgetBytes - used, this.retransmits());
    this.outbox.push({ type: "udp", to, packet: { messages: extra.length > 0 ? [...messages, ...extra] : messages } });
  }

  private requestPushPull(now: number, addr: string, join: boolean): number {
    const id = ++this.requestId;
    this.counters.pushPulls++;
    this.outbox.push({ type: "push-pull", id, to: addr, request: this.localStatePacket(join), deadline: now + this.tuning.tcpTimeoutMs });
    return id;
  }

  private localStatePacket(join: boolean): Packet {
    const states: PushNodeState[] = [...this.members.values()].map((m) => ({
      name: m.name, addr: m.addr, incarnation: m.incarnation, state: WIRE_STATE[m.status], meta: m.meta,
    }));
    return { messages: [{ pushPull: { join, source: this.name, states } }] };
  }

  private mergeRemoteState(now: number, source: string, states: readonly { name: string; addr: string; incarnation: number; state: MemberState__Output; meta: NodeMeta__Output | null }[]): void {
    for (const s of states) {
      switch (s.state) {
        case "MEMBER_ALIVE":
          this.onAlive(now, { incarnation: s.incarnation, node: s.name, addr: s.addr, meta: s.meta });
          break;
        case "MEMBER_LEFT":
          this.onDead(now, { incarnation: s.incarnation, node: s.name, from: s.name });
          break;
        default:
          // A remote "dead" is only a suspicion here: we let our own timers decide.
          this.onSuspect(now, { incarnation: s.incarnation, node: s.name, from: source });
      }
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private reap(now: number): void {
    for (const m of [...this.members.values()]) {
      const age = now - m.since;
      const expired = (m.status === MemberStatus.Left && age > this.tuning.gossipToTheDeadMs) ||
        (m.status === MemberStatus.Dead && age > this.tuning.reconnectTimeoutMs);
      if (!expired || m === this.self) continue;
      this.members.delete(m.name);
      this.broadcasts.invalidate(m.name);
      const index = this.probeOrder.indexOf(m.name);
      if (index >= 0) this.probeOrder.splice(index, 1);
      this.ring = undefined;
    }
  }

  private emit(event: GossipEvent): void {
    this.outbox.push({ type: "event", event });
  }

  private applyAwareness(delta: number): void {
    this.awareness = Math.min(this.tuning.awarenessMaxMultiplier - 1, Math.max(0, this.awareness + delta));
  }

  private scaled(ms: number): number {
    return ms * (this.awareness + 1);
  }

  private liveCount(): number {
    return this.live;
  }

  private setStatus(m: MemberRecord, status: MemberStatus): void {
    this.live += (isLive(status) ? 1 : 0) - (isLive(m.status) ? 1 : 0);
    m.status = status;
  }

  private retransmits(): number {
    return retransmitLimit(this.tuning.retransmitMult, this.liveCount());
  }

  private pushPullInterval(): number {
    const n = this.liveCount();
    const threshold = 32;
    if (n <= threshold) return this.tuning.pushPullIntervalMs;
    const multiplier = Math.ceil(Math.log2(n) - Math.log2(threshold)) + 1;
    return this.tuning.pushPullIntervalMs * multiplier;
  }

  /** Up to k distinct random members other than ourselves that pass `filter`. */
  private randomMembers(k: number, filter: (m: MemberRecord) => boolean): MemberRecord[] {
    const out: MemberRecord[] = [];
    const n = this.probeOrder.length;
    if (k <= 0 || n === 0) return out;
    if (n <= 64) {
      const names = [...this.probeOrder];
      this.shuffle(names);
      for (const name of names) {
        const m = this.members.get(name);
        if (m !== undefined && filter(m)) out.push(m);
        if (out.length >= k) break;
      }
      return out;
    }
    // Large clusters: random picks (cheap), bounded so a mostly-dead view cannot loop for long.
    const seen = new Set<number>();
    for (let tries = 0; tries < 4 * n && out.length < k && seen.size < n; tries++) {
      const i = Math.floor(this.random() * n);
      if (seen.has(i)) continue;
      seen.add(i);
      const m = this.members.get(this.probeOrder[i] ?? "");
      if (m !== undefined && filter(m)) out.push(m);
    }
    return out;
  }

  private shuffle(list: string[]): void {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = list[i] as string;
      list[i] = list[j] as string;
      list[j] = t;
    }
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    return this.seq;
  }

  private checkMetaSize(meta: NodeMeta): void {
    const size = encodeMeta(meta).length;
    if (size > this.tuning.metaMaxBytes) {
      throw new ValidationError("gossip.meta", `${size} encoded bytes exceed the limit of ${this.tuning.metaMaxBytes}`);
    }
  }
}

const WIRE_STATE = {
  alive: "MEMBER_ALIVE",
  suspect: "MEMBER_SUSPECT",
  dead: "MEMBER_DEAD",
  left: "MEMBER_LEFT",
} as const satisfies Record<MemberStatus, MemberState__Output>;

function isLive(status: MemberStatus): boolean {
  return status === MemberStatus.Alive || status === MemberStatus.Suspect;
}

function snapshot(m: MemberRecord): Member {
  return { name: m.name, addr: m.addr, meta: m.meta, incarnation: m.incarnation, status: m.status, since: m.since };
}
