/** Errors of the runtime driver: each has a stable code and names the container and the command. */
import { SwarmError } from "../lib/errors.js";

/** Codes of runtime errors. */
export const RuntimeErrorCode = {
  /** swarm-runtime exited non-zero (bad config, missing rootfs, kernel refused…). */
  CommandFailed: "RUNTIME_COMMAND_FAILED",
  /** No state for this container id. */
  NotFound: "RUNTIME_CONTAINER_NOT_FOUND",
  /** A container with this id exists already. */
  AlreadyExists: "RUNTIME_CONTAINER_EXISTS",
  /** The operation does not fit the container's status (start a running container…). */
  WrongState: "RUNTIME_WRONG_STATE",
  /** The spec given to the config builder is invalid. */
  InvalidSpec: "RUNTIME_INVALID_SPEC",
} as const;

/** One of {@link RuntimeErrorCode}. */
export type RuntimeErrorCode = (typeof RuntimeErrorCode)[keyof typeof RuntimeErrorCode];

/** A swarm-runtime invocation failed; `stderr` carries the runtime's own message. */
export class RuntimeCommandError extends SwarmError {
  readonly command: string;
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(code: RuntimeErrorCode, command: string, exitCode: number | null, stderr: string, containerId: string) {
    const why = stderr.trim().replace(/^swarm-runtime: /, "") || `exit status ${String(exitCode)}`;
    super(code, `container ${containerId}: ${command}: ${why}`, { fields: { containerId, command, exitCode } });
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** The task-like spec cannot become a config.json (field, value and why in the message). */
export class InvalidContainerSpecError extends SwarmError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(RuntimeErrorCode.InvalidSpec, `${field}: ${message}`, { fields: { field } });
    this.field = field;
  }
}

/** Maps a failed command's stderr to the most specific code. */
export function classifyRuntimeFailure(stderr: string): RuntimeErrorCode {
  if (/does not exist/.test(stderr)) return RuntimeErrorCode.NotFound;
  if (/already exists/.test(stderr)) return RuntimeErrorCode.AlreadyExists;
  if (/cannot be started|is not running|stop it first/.test(stderr)) return RuntimeErrorCode.WrongState;
  return RuntimeErrorCode.CommandFailed;
}
