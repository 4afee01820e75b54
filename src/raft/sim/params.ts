/**
 * Parameters (drawn from the seed) and results of a simulator run, and the tiny KV state machine's
 * snapshot codec.
 */
import type { KvHistory } from "./history.js";
import type { Prng } from "../../lib/prng.js";

/** Knobs of one run; everything not given is drawn from the seed. */
export interface SimOptions {
  readonly seed: number;
  /** Virtual ticks to run (default 300). */
  readonly ticks?: number;
  /** Record a human-readable event trace (for replaying a failing seed). */
  readonly trace?: boolean;
}

/** The parameters a seed chose. */
export interface SimParams {
  readonly initialVoters: number;
  readonly poolSize: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly dropRate: number;
  readonly dupRate: number;
  readonly maxDelay: number;
  readonly crashRate: number;
  readonly leaderCrashRate: number;
  readonly readyCrashRate: number;
  /** Chance that a Ready's persistence completes 0–2 ticks later (the node keeps stepping meanwhile). */
  readonly persistDelayRate: number;
  readonly partitionRate: number;
  readonly confChangeRate: number;
  readonly transferRate: number;
  readonly snapshotInterval: number;
  readonly keepEntries: number;
  readonly maxSizePerMsg: number;
  readonly maxInflightMsgs: number;
  readonly maxCommittedSizePerReady: number | undefined;
}

/** Outcome of a run that kept every invariant. */
export interface SimResult {
  readonly seed: number;
  readonly params: SimParams;
  readonly history: KvHistory;
  readonly stats: {
    readonly appliedIndexes: number;
    readonly maxTerm: number;
    readonly crashes: number;
    readonly snapshotsSent: number;
    readonly confChangesApplied: number;
    readonly putsOk: number;
    readonly getsOk: number;
    readonly delivered: number;
  };
  readonly trace: readonly string[];
}

/** A run broke an invariant (or the core threw): carries the seed and the replay command. */
export class SimulationFailure extends Error {
  constructor(
    readonly seed: number,
    override readonly cause: unknown,
    readonly trace: readonly string[],
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`seed ${seed}: ${why}\nreplay: SEED=${seed} npx vitest run src/raft/sim`);
    this.name = "SimulationFailure";
  }
}

/** Draws a run's parameters from its seed (part of what a seed replays). */
export function drawParams(rng: Prng): SimParams {
  const initialVoters = rng.pick([1, 3, 3, 3, 5]) ?? 3;
  return {
    initialVoters,
    poolSize: initialVoters + rng.int(0, 3),
    preVote: rng.chance(0.6),
    checkQuorum: rng.chance(0.6),
    dropRate: rng.pick([0, 0.02, 0.1, 0.25]) ?? 0,
    dupRate: rng.pick([0, 0.02, 0.1]) ?? 0,
    maxDelay: rng.pick([0, 1, 3, 6, 15]) ?? 1,
    crashRate: rng.pick([0, 0.003, 0.01]) ?? 0,
    leaderCrashRate: rng.pick([0, 0.01, 0.04]) ?? 0,
    readyCrashRate: rng.pick([0, 0.005]) ?? 0,
    partitionRate: rng.pick([0, 0.01, 0.03]) ?? 0,
    confChangeRate: rng.pick([0, 0.02, 0.05]) ?? 0,
    transferRate: rng.pick([0, 0.01]) ?? 0,
    snapshotInterval: rng.pick([3, 8, 30, 1_000_000]) ?? 30,
    keepEntries: rng.int(0, 4),
    maxSizePerMsg: rng.pick([1, 64, 512, 1 << 20]) ?? 512,
    maxInflightMsgs: rng.pick([1, 2, 8, 256]) ?? 8,
    maxCommittedSizePerReady: rng.pick([undefined, undefined, 1, 200]),
    persistDelayRate: rng.pick([0, 0, 0.2, 0.6]) ?? 0,
  };
}

/** Serializes the simulated KV state machine (snapshot data). */
export function encodeKv(kv: Map<string, string>): Buffer {
  return Buffer.from(JSON.stringify([...kv]));
}

/** Restores the simulated KV state machine from snapshot data. */
export function decodeKv(data: Buffer): Map<string, string> {
  if (data.length === 0) return new Map();
  return new Map(JSON.parse(data.toString()) as [string, string][]);
}
