/**
 * RaftConfig: what a node needs to start, normalized into ResolvedRaftConfig with defaults.
 */
import type { Logger } from "../../lib/logger.js";
import type { Storage } from "./storage.js";
import { RaftConfigError } from "./errors.js";

/** Options of a Raft node. Time is counted in ticks: the runner calls tick() at a fixed interval. */
export interface RaftConfig {
  /** This node's id (a positive integer). */
  readonly id: number;
  /** The stable log. */
  readonly storage: Storage;
  /** Ticks without hearing from a leader before campaigning; the actual timeout is randomized in [e, 2e). */
  readonly electionTick: number;
  /** Ticks between leader heartbeats; must be < electionTick. */
  readonly heartbeatTick: number;
  /** Uniform random number in [0, 1): the only source of randomness (seeded in simulations). */
  readonly random: () => number;
  /** Run a pre-vote round before bumping the term (default true). */
  readonly preVote?: boolean;
  /** Leader steps down without a quorum heard from in an election timeout; followers keep a leader lease (default true). */
  readonly checkQuorum?: boolean;
  /** Upper bound in bytes of entries per append message (default 1 MiB; at least one entry is always sent). */
  readonly maxSizePerMsg?: number;
  /** Maximum in-flight append messages per follower in the replicate state (default 256). */
  readonly maxInflightMsgs?: number;
  /** Upper bound in bytes of Ready.committedEntries (at least one entry; default unbounded). */
  readonly maxCommittedSizePerReady?: number;
  /** Index the state machine has applied already (restart); defaults to the snapshot index. */
  readonly applied?: number;
  /** Optional logger (the core logs only role changes and rejected inputs). */
  readonly logger?: Logger;
}

/** RaftConfig with every default filled in. */
export interface ResolvedRaftConfig {
  readonly id: number;
  readonly storage: Storage;
  readonly electionTick: number;
  readonly heartbeatTick: number;
  readonly random: () => number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxSizePerMsg: number;
  readonly maxInflightMsgs: number;
  readonly maxCommittedSizePerReady: number | undefined;
  readonly applied: number | undefined;
  readonly logger: Logger | undefined;
}

function positiveInt(field: string, v: number): void {
  if (!Number.isSafeInteger(v) || v <= 0) throw new RaftConfigError(field, `${v} is not a positive integer`);
}

/** Validates a config and fills defaults. Throws RaftConfigError naming the field. */
export function resolveRaftConfig(c: RaftConfig): ResolvedRaftConfig {
  positiveInt("id", c.id);
  positiveInt("electionTick", c.electionTick);
  positiveInt("heartbeatTick", c.heartbeatTick);
  if (c.electionTick <= c.heartbeatTick) {
    throw new RaftConfigError("electionTick", `${c.electionTick} must be greater than heartbeatTick ${c.heartbeatTick}`);
  }
  const maxSizePerMsg = c.maxSizePerMsg ?? 1024 * 1024;
  positiveInt("maxSizePerMsg", maxSizePerMsg);
  const maxInflightMsgs = c.maxInflightMsgs ?? 256;
  positiveInt("maxInflightMsgs", maxInflightMsgs);
  if (c.maxCommittedSizePerReady !== undefined) positiveInt("maxCommittedSizePerReady", c.maxCommittedSizePerReady);
  if (c.applied !== undefined && (!Number.isSafeInteger(c.applied) || c.applied < 0)) {
    throw new RaftConfigError("applied", `${c.applied} is not a non-negative integer`);
  }
  return {
    id: c.id,
    storage: c.storage,
    electionTick: c.electionTick,
    heartbeatTick: c.heartbeatTick,
    random: c.random,
    preVote: c.preVote ?? true,
    checkQuorum: c.checkQuorum ?? true,
    maxSizePerMsg,
    maxInflightMsgs,
    maxCommittedSizePerReady: c.maxCommittedSizePerReady,
    applied: c.applied,
    logger: c.logger,
  };
}
