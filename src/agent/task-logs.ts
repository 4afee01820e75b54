/**
 * A task's logs: the CRI log the container's init writes, read with `--tail`, `--since` and `--follow`
 * semantics over the runtime's log reader (src/runtime/logs.ts: format, parser, batches). Following ends
 * when the caller aborts, or once the task has finished and the file has no more lines (the init closed
 * it, so nothing is lost at the end). `--tail N` starts reading at the N-th last entry, found by reading the
 * file backwards in chunks ({@link tailStart}), so a large log is not read whole to show its end. The
 * rotated files (name.1 … written by the init, native/src/logfile.c) are read, oldest first, only when
 * the current file holds fewer than N entries (or without --tail); a follow survives rotation (logs.ts).
 */
import { open } from "node:fs/promises";
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

const TAG = /^\S+ (stdout|stderr) ([FP]) /;
const TAIL_CHUNK = 64 * 1024;

/**
 * The byte offset from which the last `n` complete entries of a CRI log are all read (the end when n is
 * 0; 0 for a missing file). Entries of the other stream that interleave with a split one come along, so
 * the caller still keeps the last n. Reads backwards `chunkBytes` at a time. An entry is its stream's P lines up to
 * the closing F line, and the two streams may interleave, so a P line belongs to the nearest later F line
 * of its stream; the scan stops once it has `n` entries and, for each stream, has met an F line of an
 * older entry (everything before that is older). Bytes after the last newline (a line being written) are
 * not an entry yet.
 */
export async function tailStart(path: string, n: number, chunkBytes = TAIL_CHUNK): Promise<number> {
  let fh;
  try {
    fh = await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw err;
  }
  try {
    let pos = (await fh.stat()).size;
    let carry = Buffer.alloc(0); // the start of `carry` is not known to be a line start yet
    let start = 0; // no complete line at all: the unfinished one is read once it is complete
    let seenNewline = false;
    let kept = 0;
    // Per stream: does the nearest later F line belong to a kept entry? undefined = no F line seen yet.
    const keeping: Partial<Record<string, boolean>> = {};
    const visit = (line: Buffer, at: number): boolean => {
      const m = TAG.exec(line.subarray(0, 128).toString("latin1"));
      if (m === null) return false;
      const [, stream = "", tag] = m;
      if (tag === "F") keeping[stream] = kept < n ? (kept++, true) : false;
      if (keeping[stream] === true) start = at;
      return kept >= n && keeping.stdout !== true && keeping.stderr !== true;
    };
    while (pos > 0) {
      const len = Math.min(chunkBytes, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, pos);
      const data = Buffer.concat([buf, carry]);
      let end = data.length;
      for (let i = data.length - 1; i >= 0; i--) {
        if (data[i] !== 0x0a) continue;
        if (!seenNewline) {
          seenNewline = true; // bytes after the last newline: an unfinished line
          start = pos + i + 1;
        } else if (visit(data.subarray(i + 1, end), pos + i + 1)) return start;
        end = i;
      }
      carry = data.subarray(0, end);
    }
    if (seenNewline) visit(carry, 0);
    return start;
  } finally {
    await fh.close();
  }
}

/**
 * Yields a task's log entries (see the module comment). `isFinished` tells whether the task's container
 * has ended; a follow stops after the first read without a new line once it has.
 */
export async function* readTaskLog(path: string, options: TaskLogOptions, isFinished: () => boolean): AsyncGenerator<TaskLogLine> {
  const keep = (e: LogEntry): boolean => options.since === undefined || !(logTimeMs(e.time) < options.since);
  const { follow, signal, intervalMs, tail } = options;
  let first = true;
  const fromOffset = tail !== undefined && tail >= 0 ? await tailStart(path, tail) : 0;
  for await (const batch of readLogBatches(path, { follow, signal, intervalMs, finished: isFinished, fromOffset })) {
    const kept = batch.filter(keep);
    // --tail applies to what is there now (the first batch); following continues after it.
    if (first && tail !== undefined && tail >= 0) yield* kept.slice(Math.max(0, kept.length - tail));
    else yield* kept;
    first = false;
  }
}
