/**
 * Small gRPC helpers shared by every service: async unary handlers whose thrown errors become gRPC
 * statuses with the error's message, and a promise wrapper for unary client calls.
 */
import { Metadata, status, type CallOptions, type ServerUnaryCall, type sendUnaryData, type ServiceError } from "@grpc/grpc-js";
import { ErrorCode, SwarmError } from "../lib/errors.js";

/** Maps a project error code to a gRPC status (the API edge). */
export function grpcStatusOf(err: unknown): status {
  if (!(err instanceof SwarmError)) return status.UNKNOWN;
  switch (err.code) {
    case ErrorCode.InvalidArgument:
      return status.INVALID_ARGUMENT;
    case ErrorCode.NotFound:
      return status.NOT_FOUND;
    case ErrorCode.AlreadyExists:
      return status.ALREADY_EXISTS;
    case ErrorCode.FailedPrecondition:
      return status.FAILED_PRECONDITION;
    case ErrorCode.PermissionDenied:
      return status.PERMISSION_DENIED;
    case ErrorCode.Unavailable:
      return status.UNAVAILABLE;
    default:
      if (err.code.startsWith("CERT_")) return status.PERMISSION_DENIED;
      if (err.code.endsWith("_CONFLICT")) return status.ABORTED;
      return status.UNKNOWN;
  }
}

/** Metadata keys carrying the project error code and its structured fields across the wire. */
const CODE_KEY = "swarm-error-code";
const FIELDS_KEY = "swarm-error-fields";

/** Wraps an async function as a grpc-js unary handler; errors become statuses carrying their code. */
export function unaryHandler<Req, Res>(fn: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    fn(call.request, call).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toServiceError(err), null),
    );
  };
}

/**
 * The gRPC error a handler sends for a thrown error: its status, its message, and the project error code
 * and fields in metadata (so {@link RemoteCallError} restores them on the client). Streams use it too.
 */
export function toServiceError(err: unknown): ServiceError {
  const metadata = new Metadata();
  if (err instanceof SwarmError) {
    metadata.set(CODE_KEY, err.code);
    const fields = safeJson(err.fields);
    if (fields !== undefined) metadata.set(FIELDS_KEY, fields);
  }
  const details = err instanceof Error ? err.message : String(err);
  return Object.assign(new Error(details), { code: grpcStatusOf(err), details, metadata });
}

/**
 * Ends a server stream with an error status the client sees. (`call.destroy(err)` does not: grpc-js then
 * never sends the status, and the client's stream waits forever — a worker would never dial the new
 * leader.) Emitting "error" makes grpc-js record the status and end the call.
 */
export function failStream(call: { emit(event: "error", err: ServiceError): boolean }, err: unknown): void {
  call.emit("error", toServiceError(err));
}

/** A failed remote call: gRPC status, the server's message and the project error code when it sent one. */
export class RemoteCallError extends SwarmError {
  readonly status: status;
  constructor(err: ServiceError) {
    const remoteCode = err.metadata?.get(CODE_KEY)[0];
    const rawFields = err.metadata?.get(FIELDS_KEY)[0];
    const fields = typeof rawFields === "string" ? parseFields(rawFields) : {};
    super(typeof remoteCode === "string" ? remoteCode : statusCode(err.code), err.details || err.message, { cause: err, fields: { ...fields, status: err.code } });
    this.status = err.code;
  }
}

function safeJson(fields: Readonly<Record<string, unknown>>): string | undefined {
  const plain = Object.fromEntries(Object.entries(fields).filter(([, v]) => ["string", "number", "boolean"].includes(typeof v)));
  return Object.keys(plain).length === 0 ? undefined : JSON.stringify(plain);
}

function parseFields(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function statusCode(code: status): string {
  switch (code) {
    case status.PERMISSION_DENIED:
      return ErrorCode.PermissionDenied;
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
      return ErrorCode.Unavailable;
    case status.NOT_FOUND:
      return ErrorCode.NotFound;
    case status.INVALID_ARGUMENT:
      return ErrorCode.InvalidArgument;
    default:
      return ErrorCode.Internal;
  }
}

/** The callback-style invocation of one unary call: `(md, opts, cb) => client.Method(req, md, opts, cb)`. */
export type UnaryInvocation<Res> = (
  metadata: Metadata,
  options: CallOptions,
  callback: (err: ServiceError | null, res?: Res) => void,
) => unknown;

/** Runs a unary call as a promise, with a deadline (default 10 s); failures are {@link RemoteCallError}. */
export function callUnary<Res>(invoke: UnaryInvocation<Res>, timeoutMs = 10_000): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    invoke(new Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => {
      if (err !== null) reject(new RemoteCallError(err));
      else if (res === undefined) reject(new SwarmError(ErrorCode.Internal, "empty response"));
      else resolve(res);
    });
  });
}
