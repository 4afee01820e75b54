/**
 * A task's logs: the CRI log the container's init writes, read with `--tail`, `--since` and `--follow`
 * semantics over the runtime's log reader (src/runtime/logs.ts: format, parser, batches). Following ends
 * when the caller aborts, or once the task has finished and the file has no more lines (the init closed
 * it, so nothing is lost at the end).
 */
import { readLogBatches, type LogEntry } from "../runtime/index.js";

/** Options of {@link readTaskLog}. */
export interface TaskLogOptions {
  /** Only entries at or after this time (Unix milliseconds). */
  readonly since?: number;
  /** Only the last N entries of what is already there (following continues after them). */
  readonly tail?: number;
  /** Keep yielding new entries as they are written. */
  readonly follow?: boolean;
  /** Stops a follow. */
  readonly signal?: AbortSignal;
  /** Polling interval while following (default 100 ms). */
  readonly intervalMs?: number;
}

/** One log line of a task. */
export type TaskLogLine = LogEntry;

/** Unix milliseconds of an RFC 3339 timestamp with up to nanosecond digits (NaN when malformed). */
export function logTimeMs(time: string): number {
  return Date.parse(time.replace(/(\.\d{3})\d+/, "$1"));
}

/**
 * Yields a task's log entries (see the module comment). `isFinished` tells whether the task's container
 * has ended; a follow stops after the first read without a new line once it has.
 */
export async function* readTaskLog(path: string, options: TaskLogOptions, isFinished: () => boolean): AsyncGenerator<TaskLogLine> {
  const keep = (e: LogEntry): boolean => options.since === undefined || !(logTimeMs(e.time) < options.since);
  const { follow, signal, intervalMs, tail } = options;
  let first = true;
  for await (const batch of readLogBatches(path, { follow, signal, intervalMs, finished: isFinished })) {
    const kept = batch.filter(keep);
    // --tail applies to what is there now (the first batch); following continues after it.
    if (first && tail !== undefined && tail >= 0) yield* kept.slice(Math.max(0, kept.length - tail));
    else yield* kept;
    first = false;
  }
}
