/**
 * The pure SWIM + Lifeguard protocol core (after hashicorp/memberlist). No sockets, timers, clock or
 * randomness inside: every input carries the current time (`now`, ms), randomness comes from the
 * injected `random()`, and all effects are collected as {@link CoreOutput}s drained by the caller.
 * The caller wakes the core at {@link GossipCore.nextDeadline} by calling {@link GossipCore.tick}.
 *
 * This file is the core's public face: lifecycle, API calls, inputs, and the timer dispatch. The
 * protocol itself lives in parts that are plain functions over one shared {@link CoreState}:
 * - core-state.ts     the state record and the helpers every part uses;
 * - probe.ts          probe rounds, indirect probes and relays, the probe schedule (failure detector);
 * - membership.ts     what alive/suspect/dead news does to our view (with the invariants);
 * - dissemination.ts  the broadcast queue, piggybacking, gossip rounds, user messages;
 * - push-pull.ts      full state exchanges and the merge of a remote view;
 * - messages.ts       dispatch of one incoming message to the part that owns it.
 */
import type { Packet, Packet__Output } from "../gen/swarm/gossip/Packet.js";
import type { NodeMeta } from "../gen/swarm/gossip/NodeMeta.js";
import { normalizeMeta } from "./codec.js";
import type { CoreOptions, GossipTuning } from "./config.js";
import { checkMetaSize, newCoreState, setStatus, snapshot, type CoreState, type Timer } from "./core-state.js";
import { broadcastAlive, enqueue, gossipRound, sendUserMessage } from "./dissemination.js";
import { handleMessage } from "./messages.js";
import { addMember, reap, suspicionExpired } from "./membership.js";
import { endProbe, probeTimeout, relayTimeout, startProbe, tcpPingResult } from "./probe.js";
import { answerPushPull, pushPullReply, pushPullTimer, reconnectTimer, requestPushPull } from "./push-pull.js";
import { MemberStatus, type CoreCounters, type CoreOutput, type Member, type TcpPingOutcome } from "./types.js";

/** The protocol state machine of one member. */
export class GossipCore {
  /** Effective tuning. */
  readonly tuning: GossipTuning;
  /** This member's name. */
  readonly name: string;
  /** Counters for metrics. */
  readonly counters: CoreCounters;

  private readonly s: CoreState;

  /** Creates a core; `random` must return uniform numbers in [0, 1). */
  constructor(options: CoreOptions, random: () => number) {
    this.s = newCoreState(options, random);
    this.tuning = this.s.tuning;
    this.name = this.s.name;
    this.counters = this.s.counters;
  }

  // ---- lifecycle and API -------------------------------------------------------------------

  /** Starts the protocol timers and announces ourselves. */
  start(now: number): void {
    const s = this.s;
    if (s.started) return;
    s.started = true;
    s.self.since = now;
    broadcastAlive(s, s.self);
    const t = s.tuning;
    s.timers.schedule(now + s.random() * t.probeIntervalMs, { kind: "probe" });
    s.timers.schedule(now + s.random() * t.gossipIntervalMs, { kind: "gossip" });
    // Staggered like memberlist; the interval is recomputed (scaled by cluster size) at every round.
    s.timers.schedule(now + t.pushPullIntervalMs * s.random(), { kind: "push-pull" });
    s.timers.schedule(now + t.reconnectIntervalMs, { kind: "reconnect" });
    s.timers.schedule(now + t.gossipToTheDeadMs / 2, { kind: "reap" });
  }

  /**
   * Adds members known from elsewhere (a saved view, the managers' node list) as alive, without
   * announcing them or emitting events. Unknown names only; call before or right after start.
   */
  bootstrap(now: number, known: readonly { name: string; addr: string; incarnation: number; meta?: NodeMeta }[]): void {
    for (const k of known) {
      if (this.s.members.has(k.name)) continue;
      addMember(this.s, { name: k.name, addr: k.addr, meta: normalizeMeta(k.meta), incarnation: k.incarnation, status: MemberStatus.Alive, since: now });
    }
  }

  /** Asks `addrs` for a full state exchange (join); returns the push-pull request ids. */
  join(now: number, addrs: readonly string[]): number[] {
    return addrs.map((addr) => requestPushPull(this.s, now, addr, true));
  }

  /** Announces a graceful leave; the caller keeps running the core until {@link pendingBroadcasts} is 0. */
  leave(now: number): void {
    const s = this.s;
    if (s.leaving) return;
    s.leaving = true;
    setStatus(s, s.self, MemberStatus.Left);
    s.self.since = now;
    enqueue(s, s.name, { dead: { incarnation: s.self.incarnation, node: s.name, from: s.name } });
    gossipRound(s, now);
  }

  /** Replaces our metadata and announces it with a new incarnation. */
  updateMeta(meta: NodeMeta): void {
    checkMetaSize(this.s.tuning, meta);
    this.s.self.meta = normalizeMeta(meta);
    this.s.self.incarnation++;
    broadcastAlive(this.s, this.s.self);
  }

  /** Spreads an application message to every member (deduplicated by origin and id). */
  sendUserMessage(payload: Uint8Array): void {
    sendUserMessage(this.s, payload);
  }

  /** A snapshot of every known member, ourselves included. */
  membersView(): Member[] {
    return [...this.s.members.values()].map(snapshot);
  }

  /** One member's snapshot. */
  member(name: string): Member | undefined {
    const m = this.s.members.get(name);
    return m === undefined ? undefined : snapshot(m);
  }

  /** Current Lifeguard awareness score (0 = healthy). */
  get awarenessScore(): number {
    return this.s.awareness;
  }

  /** Broadcasts still queued. */
  get pendingBroadcasts(): number {
    return this.s.broadcasts.length;
  }

  /** Earliest time the core wants to be woken, or undefined before start. */
  nextDeadline(): number | undefined {
    return this.s.timers.peekDue();
  }

  /** Returns and clears the collected outputs. */
  drain(): CoreOutput[] {
    const out = this.s.outbox;
    this.s.outbox = [];
    return out;
  }

  // ---- inputs -------------------------------------------------------------------------------

  /** Fires every timer due at or before `now`. */
  tick(now: number): void {
    for (;;) {
      const entry = this.s.timers.popDue(now);
      if (entry === undefined) return;
      this.fire(now, entry.payload);
    }
  }

  /** Handles one decoded datagram from `from` (the sender's address). */
  handlePacket(now: number, from: string, packet: Packet__Output): void {
    for (const m of packet.messages) handleMessage(this.s, now, from, m);
  }

  /** Handles a TCP fallback ping; returns the ack to write back, or undefined. */
  handleTcpPing(now: number, packet: Packet__Output): Packet | undefined {
    for (const m of packet.messages) {
      const ping = m.body === "ping" ? m.ping : undefined;
      if (ping != null && (ping.target === "" || ping.target === this.name)) {
        return { messages: [{ ack: { seqNo: ping.seqNo } }] };
      }
      handleMessage(this.s, now, "", m);
    }
    return undefined;
  }

  /** Result of a TCP fallback probe we asked for. */
  handleTcpPingResult(now: number, id: number, outcome: TcpPingOutcome): void {
    tcpPingResult(this.s, now, id, outcome);
  }

  /** Handles an incoming push-pull request; returns our state to write back. */
  handlePushPullRequest(now: number, packet: Packet__Output): Packet | undefined {
    return answerPushPull(this.s, now, packet);
  }

  /** Reply (or failure: undefined) of a push-pull we asked for. */
  handlePushPullResponse(now: number, _id: number, packet: Packet__Output | undefined): void {
    pushPullReply(this.s, now, packet);
  }

  // ---- timers -------------------------------------------------------------------------------

  private fire(now: number, timer: Timer): void {
    const s = this.s;
    switch (timer.kind) {
      case "probe":
        return startProbe(s, now);
      case "probe-timeout":
        return probeTimeout(s, timer.seq);
      case "probe-end":
        return endProbe(s, now, timer.seq);
      case "relay-timeout":
        return relayTimeout(s, timer.seq);
      case "suspicion":
        return suspicionExpired(s, now, timer.node, timer.incarnation);
      case "gossip":
        gossipRound(s, now);
        s.timers.schedule(now + s.tuning.gossipIntervalMs, { kind: "gossip" });
        return;
      case "push-pull":
        return pushPullTimer(s, now);
      case "reconnect":
        return reconnectTimer(s, now);
      case "reap":
        reap(s, now);
        s.timers.schedule(now + s.tuning.gossipToTheDeadMs / 2, { kind: "reap" });
        return;
    }
  }
}
