/**
 * Gossip configuration: the LAN and LOCAL profiles and the resolved-options type the core uses.
 * LAN equals hashicorp/memberlist's DefaultLANConfig for every knob the issue names; LOCAL is a
 * faster profile for tests on loopback.
 */
import { ValidationError } from "../lib/errors.js";
import type { NodeMeta } from "../gen/swarm/gossip/NodeMeta.js";

/** Timing and fan-out knobs (all durations in milliseconds). */
export interface GossipTuning {
  /** Time between probe rounds (scaled by the awareness score). */
  readonly probeIntervalMs: number;
  /** Wait for a direct ack before asking indirect probers (not scaled). */
  readonly probeTimeoutMs: number;
  /** Members asked to probe a target indirectly (k). */
  readonly indirectChecks: number;
  /** min suspicion = SuspicionMult · max(1, log10 N) · ProbeInterval. */
  readonly suspicionMult: number;
  /** max suspicion = SuspicionMaxTimeoutMult · min. */
  readonly suspicionMaxTimeoutMult: number;
  /** Broadcasts are sent RetransmitMult · ceil(log10(N+1)) times. */
  readonly retransmitMult: number;
  /** Time between gossip rounds. */
  readonly gossipIntervalMs: number;
  /** Random members gossiped to per round. */
  readonly gossipNodes: number;
  /** Dead members still receive gossip for this long (lets them refute after a partition). */
  readonly gossipToTheDeadMs: number;
  /** Time between TCP push-pull full syncs (scaled up for clusters above 32 members). */
  readonly pushPullIntervalMs: number;
  /** Awareness score ranges over 0..AwarenessMaxMultiplier-1. */
  readonly awarenessMaxMultiplier: number;
  /** Largest UDP payload we build (before encryption overhead). */
  readonly packetBudgetBytes: number;
  /** Largest encoded metadata accepted. */
  readonly metaMaxBytes: number;
  /** A dead (not left) member is retried by push-pull this often … */
  readonly reconnectIntervalMs: number;
  /** … and forgotten after this long. Left members are forgotten after gossipToTheDeadMs. */
  readonly reconnectTimeoutMs: number;
  /** Deadline of one TCP exchange (fallback ping, push-pull). */
  readonly tcpTimeoutMs: number;
  /** Skip the TCP fallback probe. */
  readonly disableTcpPings: boolean;
}

/** The two built-in profiles. */
export const Profile = {
  Lan: "lan",
  Local: "local",
} as const;
/** A profile name. */
export type Profile = (typeof Profile)[keyof typeof Profile];

/** memberlist DefaultLANConfig values. */
export const LAN_TUNING: GossipTuning = {
  probeIntervalMs: 1000,
  probeTimeoutMs: 500,
  indirectChecks: 3,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  retransmitMult: 4,
  gossipIntervalMs: 200,
  gossipNodes: 3,
  gossipToTheDeadMs: 30_000,
  pushPullIntervalMs: 30_000,
  awarenessMaxMultiplier: 8,
  packetBudgetBytes: 1400,
  metaMaxBytes: 512,
  reconnectIntervalMs: 30_000,
  reconnectTimeoutMs: 24 * 3600_000,
  tcpTimeoutMs: 10_000,
  disableTcpPings: false,
};

/** Faster timings for tests on one machine. */
export const LOCAL_TUNING: GossipTuning = {
  ...LAN_TUNING,
  probeIntervalMs: 200,
  probeTimeoutMs: 100,
  suspicionMult: 3,
  retransmitMult: 3,
  gossipIntervalMs: 50,
  gossipToTheDeadMs: 5_000,
  pushPullIntervalMs: 5_000,
  reconnectIntervalMs: 2_000,
  reconnectTimeoutMs: 120_000,
  tcpTimeoutMs: 1_000,
};

/** Options for the pure core. */
export interface CoreOptions {
  /** Unique member name. */
  readonly name: string;
  /** Address peers reach us at ("host:port", UDP and TCP). */
  readonly addr: string;
  /** Initial metadata. */
  readonly meta?: NodeMeta;
  /** Profile the tuning starts from (default LAN). */
  readonly profile?: Profile;
  /** Individual overrides on top of the profile. */
  readonly tuning?: Partial<GossipTuning>;
}

/** Options after defaults and validation. */
export interface ResolvedCoreOptions {
  readonly name: string;
  readonly addr: string;
  readonly meta: NodeMeta;
  readonly tuning: GossipTuning;
}

/** Applies the profile and overrides and validates every value. */
export function resolveCoreOptions(options: CoreOptions): ResolvedCoreOptions {
  if (options.name.length === 0 || options.name.length > 128) {
    throw new ValidationError("gossip.name", `${JSON.stringify(options.name)} must be 1..128 characters`);
  }
  if (!isValidAddr(options.addr)) {
    throw new ValidationError("gossip.addr", `${JSON.stringify(options.addr)} is not host:port`);
  }
  const base = (options.profile ?? Profile.Lan) === Profile.Local ? LOCAL_TUNING : LAN_TUNING;
  const tuning: GossipTuning = { ...base, ...options.tuning };
  for (const [key, value] of Object.entries(tuning)) {
    if (typeof value === "number" && !(Number.isFinite(value) && value >= 0)) {
      throw new ValidationError(`gossip.tuning.${key}`, `${value} is not a finite number ≥ 0`);
    }
  }
  if (tuning.probeIntervalMs <= 0) throw new ValidationError("gossip.tuning.probeIntervalMs", `${tuning.probeIntervalMs} is not > 0`);
  if (tuning.probeTimeoutMs > tuning.probeIntervalMs) {
    throw new ValidationError("gossip.tuning.probeTimeoutMs", `${tuning.probeTimeoutMs} is above probeIntervalMs ${tuning.probeIntervalMs}`);
  }
  if (tuning.gossipIntervalMs <= 0) throw new ValidationError("gossip.tuning.gossipIntervalMs", `${tuning.gossipIntervalMs} is not > 0`);
  if (tuning.awarenessMaxMultiplier < 1) {
    throw new ValidationError("gossip.tuning.awarenessMaxMultiplier", `${tuning.awarenessMaxMultiplier} is not ≥ 1`);
  }
  return { name: options.name, addr: options.addr, meta: options.meta ?? {}, tuning };
}

/** True for "host:port" with a plausible host and a port in 1..65535 (checked on every address from the wire). */
export function isValidAddr(addr: string): boolean {
  const m = /^([A-Za-z0-9._-]{1,253}):(\d{1,5})$/.exec(addr);
  if (m === null) return false;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535;
}
