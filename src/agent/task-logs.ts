/**
 * A task's logs: the CRI log the container's init writes (src/runtime/logs.ts format), read with
 * `--tail`, `--since` and `--follow` semantics. Following ends when the caller aborts, or once the task
 * has finished and the file has no more bytes (the init closed it, so nothing is lost at the end).
 */
import { open } from "node:fs/promises";
import type { LogEntry, LogStream } from "../runtime/index.js";

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

const LINE = /^(\S+) (stdout|stderr) ([FP]) (.*)$/;

/** Unix milliseconds of an RFC 3339 timestamp with up to nanosecond digits (NaN when malformed). */
export function logTimeMs(time: string): number {
  return Date.parse(time.replace(/(\.\d{3})\d+/, "$1"));
}

/** Incremental CRI parser: complete lines in, entries out; partial (P) lines joined across chunks. */
class CriLineParser {
  private readonly pending: Partial<Record<LogStream, { time: string; text: string }>> = {};

  line(raw: string): LogEntry | undefined {
    const m = LINE.exec(raw);
    if (!m) return undefined;
    const [, time = "", streamRaw, tag, body = ""] = m;
    const stream: LogStream = streamRaw === "stderr" ? "stderr" : "stdout";
    const prev = this.pending[stream];
    const merged = prev ? { time: prev.time, text: prev.text + body } : { time, text: body };
    if (tag === "P") {
      this.pending[stream] = merged;
      return undefined;
    }
    delete this.pending[stream];
    return { time: merged.time, stream, text: merged.text };
  }
}

async function readFrom(path: string, offset: number): Promise<Buffer> {
  let fh;
  try {
    fh = await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return Buffer.alloc(0);
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size <= offset) return Buffer.alloc(0);
    const buf = Buffer.alloc(size - offset);
    const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Yields a task's log entries (see the module comment). `isFinished` tells whether the task's container
 * has ended; a follow stops after the first empty read once it has.
 */
export async function* readTaskLog(path: string, options: TaskLogOptions, isFinished: () => boolean): AsyncGenerator<TaskLogLine> {
  const parser = new CriLineParser();
  const keep = (e: LogEntry): boolean => options.since === undefined || !(logTimeMs(e.time) < options.since);
  // What is there now: complete lines only; the rest is read again by the follow.
  const first = await readFrom(path, 0);
  const end = first.lastIndexOf(0x0a);
  let offset = end + 1;
  const existing: LogEntry[] = [];
  for (const raw of end < 0 ? [] : first.subarray(0, end).toString("utf8").split("\n")) {
    const e = parser.line(raw);
    if (e !== undefined && keep(e)) existing.push(e);
  }
  const tail = options.tail;
  yield* tail !== undefined && tail >= 0 ? existing.slice(Math.max(0, existing.length - tail)) : existing;
  if (options.follow !== true) return;
  const interval = options.intervalMs ?? 100;
  while (options.signal?.aborted !== true) {
    const finishedBefore = isFinished();
    const chunk = await readFrom(path, offset);
    const nl = chunk.lastIndexOf(0x0a);
    if (nl >= 0) {
      offset += nl + 1;
      for (const raw of chunk.subarray(0, nl).toString("utf8").split("\n")) {
        const e = parser.line(raw);
        if (e !== undefined && keep(e)) yield e;
      }
      continue;
    }
    if (finishedBefore) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, interval);
      function done(): void {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", done);
        resolve();
      }
      options.signal?.addEventListener("abort", done, { once: true });
    });
  }
}
