/**
 * Error base class: every failure the project reports has a stable `code`, a message that names the
 * field and the value, and an optional `cause`. Subsystems declare their own subclasses with their
 * own codes; the control API maps codes to gRPC status at its edge.
 */

/** Codes shared across subsystems; subsystems may add their own string literals. */
export const ErrorCode = {
  InvalidArgument: "INVALID_ARGUMENT",
  NotFound: "NOT_FOUND",
  AlreadyExists: "ALREADY_EXISTS",
  FailedPrecondition: "FAILED_PRECONDITION",
  PermissionDenied: "PERMISSION_DENIED",
  Unavailable: "UNAVAILABLE",
  Internal: "INTERNAL",
  Corrupt: "CORRUPT",
} as const;

/** One of the shared error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every error the project throws on purpose. */
export class SwarmError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;
  /** Structured context (field names, values, paths) for logs. */
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: { cause?: unknown; fields?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.fields = options.fields ?? {};
  }
}

/** A user-supplied value is wrong: the message says which field, which value, and why. */
export class ValidationError extends SwarmError {
  readonly field: string;
  constructor(field: string, message: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.InvalidArgument, `${field}: ${message}`, { ...options, fields: { field } });
    this.field = field;
  }
}

/** Returns the message of anything thrown, for logs and CLI output. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
