/** Store errors: each has a stable code, and a message naming the object and what conflicted. */
import { ErrorCode, SwarmError } from "../lib/errors.js";

/** Codes of store failures. */
export const StoreErrorCode = {
  VersionConflict: "STORE_VERSION_CONFLICT",
  NotFound: ErrorCode.NotFound,
  AlreadyExists: ErrorCode.AlreadyExists,
  NameConflict: "STORE_NAME_CONFLICT",
  Invalid: ErrorCode.InvalidArgument,
  Closed: "STORE_CLOSED",
  SlowWatcher: "STORE_SLOW_WATCHER",
} as const;
/** One store error code. */
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

/** A transaction was refused (deterministically, on every replica) or the store cannot serve. */
export class StoreError extends SwarmError {
  declare readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, fields: Record<string, unknown> = {}) {
    super(code, message, { fields });
  }
}
