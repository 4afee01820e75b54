/**
 * The state one {@link GossipCore} keeps, shared by its parts (probe.ts, membership.ts,
 * dissemination.ts, push-pull.ts, messages.ts), and the small helpers every part uses on it:
 * events, Lifeguard awareness, live counting, random member picks. The parts are plain functions
 * over this record (as etcd's raft steps over its struct), so the core stays one pure, deterministic
 * state machine: no I/O here, time comes in as `now`, randomness only from `random`.
 */
import type { NodeMeta, NodeMeta__Output } from "../gen/swarm/gossip/NodeMeta.js";
import { ValidationError } from "../lib/errors.js";
import { shuffleWith } from "../lib/prng.js";
import { BroadcastQueue } from "./broadcast-queue.js";
import { encodeMeta, normalizeMeta } from "./codec.js";
import { resolveCoreOptions, type CoreOptions, type GossipTuning } from "./config.js";
import { retransmitLimit, type SuspicionBounds } from "./suspicion.js";
import { TimerHeap, type TimerEntry } from "./timer-heap.js";
import { MemberStatus, type CoreCounters, type CoreOutput, type GossipEvent, type Member } from "./types.js";

/** A timer of the core; the core wakes at the earliest and fires every one due. */
export type Timer =
  | { readonly kind: "probe" }
  | { readonly kind: "probe-timeout"; readonly seq: number }
  | { readonly kind: "probe-end"; readonly seq: number }
  | { readonly kind: "relay-timeout"; readonly seq: number }
  | { readonly kind: "suspicion"; readonly node: string; readonly incarnation: number }
  | { readonly kind: "gossip" }
  | { readonly kind: "push-pull" }
  | { readonly kind: "reconnect" }
  | { readonly kind: "reap" };

/** What we know of one member (ourselves included); mutable, handed out only as a {@link snapshot}. */
export interface MemberRecord {
  name: string;
  addr: string;
  meta: NodeMeta__Output;
  incarnation: number;
  status: MemberStatus;
  since: number;
}

/** The probe round in flight (at most one). */
export interface ProbeRound {
  readonly seq: number;
  readonly target: string;
  readonly startedAt: number;
  acked: boolean;
  refused: boolean;
  nacks: number;
  expectedNacks: number;
  endTimer: TimerEntry<Timer>;
}

/** An indirect ping we relay for another member, keyed by our own ping's sequence number. */
export interface Relay {
  readonly requesterAddr: string;
  readonly requesterSeq: number;
  readonly nack: boolean;
  acked: boolean;
}

/** A Lifeguard suspicion of one member: its accuser, independent confirmers and expiry timer. */
export interface Suspicion {
  readonly start: number;
  readonly accuser: string;
  readonly bounds: SuspicionBounds;
  readonly confirmers: Set<string>;
  /** Our own probe of the member failed during this suspicion (evidence no one else supplied). */
  ownEvidence: boolean;
  timer: TimerEntry<Timer>;
}

/** Everything one member's protocol state machine holds. */
export interface CoreState {
  /** Effective tuning. */
  readonly tuning: GossipTuning;
  /** This member's name. */
  readonly name: string;
  /** Counters for metrics. */
  readonly counters: CoreCounters;
  /** Uniform numbers in [0, 1): the only source of randomness. */
  readonly random: () => number;
  readonly members: Map<string, MemberRecord>;
  readonly self: MemberRecord;
  readonly timers: TimerHeap<Timer>;
  readonly broadcasts: BroadcastQueue;
  readonly suspicions: Map<string, Suspicion>;
  readonly relays: Map<number, Relay>;
  readonly seenUser: Set<string>;
  outbox: CoreOutput[];
  /** Every member but us (for random picks). */
  probeOrder: string[];
  /** Every member, us included, sorted: the probe schedule ring (rebuilt after membership changes). */
  ring: string[] | undefined;
  lastProbeRound: number;
  round: ProbeRound | undefined;
  /** Members suspected by others that we probe next (our probe is an independent confirmation or a refutation chance). */
  probeFirst: string[];
  seq: number;
  requestId: number;
  userSeq: number;
  awareness: number;
  started: boolean;
  leaving: boolean;
  /** Members alive or suspect, ourselves included (kept incrementally: it is read per packet). */
  live: number;
}

/** Resolves `options` (throws a ValidationError naming the bad field) and builds a fresh state. */
export function newCoreState(options: CoreOptions, random: () => number): CoreState {
  const resolved = resolveCoreOptions(options);
  checkMetaSize(resolved.tuning, resolved.meta);
  const self: MemberRecord = { name: resolved.name, addr: resolved.addr, meta: normalizeMeta(resolved.meta), incarnation: 1, status: MemberStatus.Alive, since: 0 };
  return {
    tuning: resolved.tuning,
    name: resolved.name,
    counters: {
      probes: 0, probeFailures: 0, indirectProbesSent: 0, nacksReceived: 0, tcpFallbackAcks: 0, tcpFallbackRefused: 0, suspicionsStarted: 0,
      deadDeclared: 0, deadUncorroborated: 0, refutations: 0, pushPulls: 0, gossipPackets: 0, invalidMessages: 0,
    },
    random,
    members: new Map([[resolved.name, self]]),
    self,
    timers: new TimerHeap<Timer>(),
    broadcasts: new BroadcastQueue(),
    suspicions: new Map(),
    relays: new Map(),
    seenUser: new Set(),
    outbox: [],
    probeOrder: [],
    ring: undefined,
    lastProbeRound: -1,
    round: undefined,
    probeFirst: [],
    seq: 0,
    requestId: 0,
    userSeq: 0,
    awareness: 0,
    started: false,
    leaving: false,
    live: 1,
  };
}

/** Throws when `meta` encodes to more than the tuning's metaMaxBytes. */
export function checkMetaSize(tuning: GossipTuning, meta: NodeMeta): void {
  const size = encodeMeta(meta).length;
  if (size > tuning.metaMaxBytes) {
    throw new ValidationError("gossip.meta", `${size} encoded bytes exceed the limit of ${tuning.metaMaxBytes}`);
  }
}

/** A member's immutable view. */
export function snapshot(m: MemberRecord): Member {
  return { name: m.name, addr: m.addr, meta: m.meta, incarnation: m.incarnation, status: m.status, since: m.since };
}

/** Queues an event for the shell. */
export function emit(s: CoreState, event: GossipEvent): void {
  s.outbox.push({ type: "event", event });
}

/** Moves the Lifeguard awareness score by `delta`, kept within [0, awarenessMaxMultiplier − 1]. */
export function applyAwareness(s: CoreState, delta: number): void {
  s.awareness = Math.min(s.tuning.awarenessMaxMultiplier - 1, Math.max(0, s.awareness + delta));
}

/** `ms` stretched by the awareness score (Lifeguard: a slow member waits longer before judging). */
export function scaled(s: CoreState, ms: number): number {
  return ms * (s.awareness + 1);
}

/** Sets a member's status, keeping the live count in step. */
export function setStatus(s: CoreState, m: MemberRecord, status: MemberStatus): void {
  s.live += (isLive(status) ? 1 : 0) - (isLive(m.status) ? 1 : 0);
  m.status = status;
}

/** How many times one broadcast is sent at the current cluster size. */
export function retransmits(s: CoreState): number {
  return retransmitLimit(s.tuning.retransmitMult, s.live);
}

/** The next probe/relay sequence number (32-bit, wraps). */
export function nextSeq(s: CoreState): number {
  s.seq = (s.seq + 1) >>> 0;
  return s.seq;
}

/** Up to k distinct random members other than ourselves that pass `filter`. */
export function randomMembers(s: CoreState, k: number, filter: (m: MemberRecord) => boolean): MemberRecord[] {
  const out: MemberRecord[] = [];
  const n = s.probeOrder.length;
  if (k <= 0 || n === 0) return out;
  if (n <= 64) {
    const names = [...s.probeOrder];
    shuffleWith(s.random, names);
    for (const name of names) {
      const m = s.members.get(name);
      if (m !== undefined && filter(m)) out.push(m);
      if (out.length >= k) break;
    }
    return out;
  }
  // Large clusters: random picks (cheap), bounded so a mostly-dead view cannot loop for long.
  const seen = new Set<number>();
  for (let tries = 0; tries < 4 * n && out.length < k && seen.size < n; tries++) {
    const i = Math.floor(s.random() * n);
    if (seen.has(i)) continue;
    seen.add(i);
    const m = s.members.get(s.probeOrder[i] ?? "");
    if (m !== undefined && filter(m)) out.push(m);
  }
  return out;
}

function isLive(status: MemberStatus): boolean {
  return status === MemberStatus.Alive || status === MemberStatus.Suspect;
}
