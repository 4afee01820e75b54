/**
 * Typed errors of the Raft core. Each has a stable `code`; messages name the value that was wrong.
 */
import { SwarmError } from "../../lib/errors.js";

/** Stable codes of Raft core errors. */
export const RaftErrorCode = {
  Compacted: "RAFT_COMPACTED",
  Unavailable: "RAFT_UNAVAILABLE",
  SnapOutOfDate: "RAFT_SNAP_OUT_OF_DATE",
  ProposalDropped: "RAFT_PROPOSAL_DROPPED",
  StepLocalMessage: "RAFT_STEP_LOCAL_MESSAGE",
  InvalidConfig: "RAFT_INVALID_CONFIG",
  InvalidConfChange: "RAFT_INVALID_CONF_CHANGE",
  Internal: "RAFT_INTERNAL",
} as const;
/** One Raft error code. */
export type RaftErrorCode = (typeof RaftErrorCode)[keyof typeof RaftErrorCode];

/** The requested index is older than the storage's first index (it was compacted into a snapshot). */
export class CompactedError extends SwarmError {
  constructor(readonly index: number, readonly firstIndex: number) {
    super(RaftErrorCode.Compacted, `raft log: index ${index} is compacted (first index is ${firstIndex})`, {
      fields: { index, firstIndex },
    });
  }
}

/** The requested index is beyond the last index the storage holds. */
export class UnavailableError extends SwarmError {
  constructor(readonly index: number, readonly lastIndex: number) {
    super(RaftErrorCode.Unavailable, `raft log: index ${index} is unavailable (last index is ${lastIndex})`, {
      fields: { index, lastIndex },
    });
  }
}

/** A snapshot older than (or as old as) the one already held was applied or created. */
export class SnapOutOfDateError extends SwarmError {
  constructor(readonly index: number, readonly current: number) {
    super(RaftErrorCode.SnapOutOfDate, `raft storage: snapshot index ${index} is not newer than ${current}`, {
      fields: { index, current },
    });
  }
}

/** Why a proposal (or read, or transfer) was not accepted. */
export const DropReason = {
  NotLeader: "not-leader",
  NoLeader: "no-leader",
  TransferInProgress: "leader-transfer-in-progress",
  ConfChangePending: "conf-change-pending",
  NotMember: "not-a-member",
  /** A proposal forwarded by a node that is not a member of the group. */
  SenderNotMember: "sender-not-a-member",
  /** A membership change arriving from another node: they come only from the leader's own code. */
  ConfChangeFromPeer: "conf-change-from-peer",
  Learner: "learner",
} as const;
/** One drop reason. */
export type DropReason = (typeof DropReason)[keyof typeof DropReason];

/**
 * A proposal was not appended. The core never forwards proposals: the runner sends them to `leader`
 * (NONE if unknown) itself.
 */
export class ProposalDroppedError extends SwarmError {
  constructor(readonly reason: DropReason, readonly leader: number) {
    super(RaftErrorCode.ProposalDropped, `raft: proposal dropped: ${reason} (leader is ${leader || "unknown"})`, {
      fields: { reason, leader },
    });
  }
}

/** A local-only message type (MSG_HUP, MSG_BEAT, ...) arrived through `step()`. */
export class StepLocalMessageError extends SwarmError {
  constructor(readonly messageType: string) {
    super(RaftErrorCode.StepLocalMessage, `raft: message type ${messageType} is local and cannot be stepped`, {
      fields: { messageType },
    });
  }
}

/** A RaftConfig field is invalid. */
export class RaftConfigError extends SwarmError {
  constructor(readonly field: string, message: string) {
    super(RaftErrorCode.InvalidConfig, `raft config.${field}: ${message}`, { fields: { field } });
  }
}

/** A conf change entry could not be decoded or is not allowed. */
export class ConfChangeError extends SwarmError {
  constructor(message: string, fields: Record<string, unknown> = {}) {
    super(RaftErrorCode.InvalidConfChange, `raft conf change: ${message}`, { fields });
  }
}

/** An internal invariant was violated: a bug or corrupted input; the node must stop. */
export class RaftInvariantError extends SwarmError {
  constructor(message: string, fields: Record<string, unknown> = {}) {
    super(RaftErrorCode.Internal, `raft invariant violated: ${message}`, { fields });
  }
}
