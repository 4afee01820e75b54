/**
 * What the parts of one simulated cluster share (types only): a simulated member, the seeded
 * randomness, and the world the parts act on — parameters, virtual clock, members, safety checker,
 * stats and trace. The Simulation (simulator.ts) is the world; member.ts steps members,
 * faulty-network.ts carries their messages, faults.ts disturbs them, workload.ts is the clients.
 */
import type { ConfState, MemoryStorage, RaftNode, Ready } from "../core/index.js";
import type { SafetyChecker } from "./invariants.js";
import type { SimParams, SimResult } from "./params.js";

/** A member: its storage survives a crash; the RaftNode and the applied state do not. */
export interface SimNode {
  readonly id: number;
  readonly storage: MemoryStorage;
  node: RaftNode | undefined;
  incarnation: number;
  kv: Map<string, string>;
  appliedIndex: number;
  confState: ConfState;
  restartAt: number;
  /** Readies whose persistence is in progress (sent, applied, not yet durable), oldest first. */
  inflight: { readonly rd: Ready; readonly doneAt: number }[];
}

/**
 * The seeded randomness the parts draw from (the run's Prng). Every draw is part of the replay:
 * the parts must draw in the same order for a seed to give the same run.
 */
export interface SimRandom {
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** A uniformly chosen element (undefined for an empty array). */
  pick<T>(xs: readonly T[]): T | undefined;
  /** Shuffles in place and returns the array. */
  shuffle<T>(xs: T[]): T[];
  /** A function view for RaftConfig.random. */
  fn(): () => number;
}

/** The counters a run reports (SimResult.stats), mutable while it runs. */
export type SimStats = { -readonly [K in keyof SimResult["stats"]]: SimResult["stats"][K] };

/** The cluster as the parts of a simulation see it. */
export interface SimWorld {
  readonly rng: SimRandom;
  readonly params: SimParams;
  readonly checker: SafetyChecker;
  readonly nodes: ReadonlyMap<number, SimNode>;
  readonly stats: SimStats;
  /** Virtual time, in ticks. */
  readonly now: number;
  /** Adds a line to the trace (when tracing). */
  log(s: string): void;
  /** Whether the trace is recorded (to skip building lines nobody reads). */
  readonly tracing: boolean;
  /** Runs the safety checks on every member that is up. */
  checkAll(): void;
  /** After something was stepped into member `n`: handles its Readies, then checks every member. */
  settle(n: SimNode): void;
  /** A random current leader (a draw from rng), if any. */
  anyLeader(): SimNode | undefined;
}
