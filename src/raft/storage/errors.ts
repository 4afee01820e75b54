/**
 * Errors raised by the Raft storage layer (WAL segments and snapshot files). Every error names the
 * file, the byte offset and what is wrong, so an operator can decide whether to restore from a peer.
 */
import { ErrorCode, SwarmError } from "../../lib/errors.js";

/** Storage-specific error codes. */
export const StorageErrorCode = {
  /** A record in the middle of the WAL (or a snapshot file) fails its checks. */
  Corrupt: ErrorCode.Corrupt,
  /** The WAL is well-formed but does not describe a usable log (gap, missing snapshot). */
  Inconsistent: "WAL_INCONSISTENT",
  /** The WAL was used after close() or a write failed earlier. */
  Closed: "WAL_CLOSED",
} as const;

/** A WAL or snapshot file is damaged somewhere other than a torn tail: refuse to start. */
export class WalCorruptError extends SwarmError {
  /** File the damage is in. */
  readonly file: string;
  /** Byte offset of the damaged record inside that file. */
  readonly offset: number;
  constructor(file: string, offset: number, what: string) {
    super(StorageErrorCode.Corrupt, `WAL corrupt: ${file} at offset ${offset}: ${what}`, { fields: { file, offset } });
    this.file = file;
    this.offset = offset;
  }
}

/** The WAL's records parse but do not form a usable log (a gap between entries, a missing snapshot). */
export class WalInconsistentError extends SwarmError {
  constructor(message: string, fields: Record<string, unknown> = {}) {
    super(StorageErrorCode.Inconsistent, `WAL inconsistent: ${message}`, { fields });
  }
}

/** The WAL was closed, or an earlier write failed and the WAL refuses further writes. */
export class WalClosedError extends SwarmError {
  constructor(reason: string, cause?: unknown) {
    super(StorageErrorCode.Closed, `WAL unusable: ${reason}`, { cause });
  }
}

/** A snapshot file fails its checksum or cannot be parsed. */
export class SnapshotCorruptError extends SwarmError {
  readonly file: string;
  constructor(file: string, what: string) {
    super(ErrorCode.Corrupt, `snapshot corrupt: ${file}: ${what}`, { fields: { file } });
    this.file = file;
  }
}
