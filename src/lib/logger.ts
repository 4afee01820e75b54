/**
 * The project's logger: pino, JSON lines, one child per component.
 *
 * Components take a `Logger` in their options instead of creating one, so tests and the daemon decide
 * where logs go. `SWARM_LOG_LEVEL` sets the level (default `info`; `silent` turns logging off).
 */
import { pino, type Logger as PinoLogger, type DestinationStream } from "pino";

/** The logger type every component accepts. */
export type Logger = PinoLogger;

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level; defaults to `$SWARM_LOG_LEVEL` or `info`. */
  readonly level?: string;
  /** Base fields written on every line (node id, role…). */
  readonly base?: Record<string, unknown>;
  /** Where lines go; defaults to stderr so stdout stays free for command output. */
  readonly destination?: DestinationStream;
}

/** Creates a root logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.SWARM_LOG_LEVEL ?? "info";
  const destination = options.destination ?? pino.destination({ fd: 2, sync: false });
  return pino({ level, base: options.base ?? { pid: process.pid } }, destination);
}

/** A child logger tagged with a component name (`{"component":"raft"}`). */
export function componentLogger(parent: Logger, component: string, fields: Record<string, unknown> = {}): Logger {
  return parent.child({ component, ...fields });
}

/** A logger that writes nothing: for tests and pure cores' simulators. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
