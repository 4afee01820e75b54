/**
 * Errors of the Raft server (the I/O loop). Codes are stable; `unknownOutcome` says whether the
 * proposal may still be committed (a client must not blindly retry a non-idempotent write then).
 */
import { ErrorCode, SwarmError } from "../../lib/errors.js";

/** Raft server error codes. */
export const RaftServerErrorCode = {
  /** No leader is known (election in progress or no quorum). */
  NoLeader: "RAFT_NO_LEADER",
  /** The proposal was not answered in time; it may or may not have been committed. */
  Timeout: "RAFT_TIMEOUT",
  /** The server is stopping or stopped. */
  Stopped: "RAFT_STOPPED",
  /** The operation needs the leader (membership changes); `leader` says where to go. */
  NotLeader: "RAFT_NOT_LEADER",
  /** Persisting to the WAL failed: the server stopped. */
  StorageFailed: "RAFT_STORAGE_FAILED",
} as const;
/** One server error code. */
export type RaftServerErrorCode = (typeof RaftServerErrorCode)[keyof typeof RaftServerErrorCode];

/** A proposal, read or membership change that did not succeed. */
export class RaftServerError extends SwarmError {
  /** True when the operation may still take effect (timeouts, stop while in flight). */
  readonly unknownOutcome: boolean;
  /** Leader id known at the time (0 = none). */
  readonly leader: number;
  constructor(code: RaftServerErrorCode, message: string, options: { unknownOutcome?: boolean; leader?: number; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause, fields: { leader: options.leader ?? 0 } });
    this.unknownOutcome = options.unknownOutcome ?? false;
    this.leader = options.leader ?? 0;
  }
}

/** Maps a server error code to the closest shared error code (for gRPC status mapping at API edges). */
export function sharedCode(code: string): ErrorCode {
  switch (code) {
    case RaftServerErrorCode.NoLeader:
    case RaftServerErrorCode.Timeout:
    case RaftServerErrorCode.Stopped:
      return ErrorCode.Unavailable;
    case RaftServerErrorCode.NotLeader:
      return ErrorCode.FailedPrecondition;
    default:
      return ErrorCode.Internal;
  }
}
