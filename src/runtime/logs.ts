/**
 * Container logs. The runtime's init writes both streams to one file in the CRI format kubelet uses:
 * `<RFC 3339 nano timestamp> <stdout|stderr> <F|P> <text>` — P marks a partial line (longer than the
 * 16 KiB buffer) continued by the next entry. This module parses that format (pure) and reads files.
 */
import { open, readFile } from "node:fs/promises";

/** The two output streams. */
export type LogStream = "stdout" | "stderr";

/** One line of container output. */
export interface LogEntry {
  /** The timestamp exactly as written (nanosecond precision). */
  readonly time: string;
  readonly stream: LogStream;
  readonly text: string;
}

const LINE = /^(\S+) (stdout|stderr) ([FP]) (.*)$/;

/** Parses CRI log text; partial lines are joined with their continuation. Malformed lines are skipped. */
export function parseCriLog(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  const pending: Partial<Record<LogStream, { time: string; text: string }>> = {};
  for (const line of text.split("\n")) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, time = "", streamRaw, tag, body = ""] = m;
    const stream: LogStream = streamRaw === "stderr" ? "stderr" : "stdout";
    const prev = pending[stream];
    const merged = prev ? { time: prev.time, text: prev.text + body } : { time, text: body };
    if (tag === "P") {
      pending[stream] = merged;
      continue;
    }
    delete pending[stream];
    out.push({ time: merged.time, stream, text: merged.text });
  }
  for (const stream of ["stdout", "stderr"] as const) {
    const p = pending[stream];
    if (p) out.push({ time: p.time, stream, text: p.text });
  }
  return out;
}

/** Reads and parses a container log file; a missing file is an empty log. */
export async function readContainerLog(path: string): Promise<LogEntry[]> {
  try {
    return parseCriLog(await readFile(path, "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/** Options for {@link followContainerLog}. */
export interface FollowOptions {
  /** Stops the iteration (the generator returns). */
  readonly signal?: AbortSignal;
  /** Polling interval for new bytes (default 100 ms). */
  readonly intervalMs?: number;
  /** Start at this byte offset (default 0: the whole log). */
  readonly fromOffset?: number;
}

/**
 * Yields log entries as the container writes them (`logs -f`): polls the file for new bytes, parses
 * complete lines only, joins partial entries; ends when `signal` aborts. A file that does not exist yet is
 * waited for.
 */
export async function* followContainerLog(path: string, options: FollowOptions = {}): AsyncGenerator<LogEntry> {
  const interval = options.intervalMs ?? 100;
  let offset = options.fromOffset ?? 0;
  let carry = Buffer.alloc(0); // bytes after the last newline (may end inside a UTF-8 character)
  const pending: Partial<Record<LogStream, { time: string; text: string }>> = {};
  while (!options.signal?.aborted) {
    let chunk = Buffer.alloc(0);
    try {
      const fh = await open(path, "r");
      try {
        const { size } = await fh.stat();
        if (size > offset) {
          const buf = Buffer.alloc(size - offset);
          const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
          offset += bytesRead;
          chunk = buf.subarray(0, bytesRead);
        }
      } finally {
        await fh.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    const bytes = Buffer.concat([carry, chunk]);
    const end = bytes.lastIndexOf(0x0a);
    carry = end < 0 ? bytes : bytes.subarray(end + 1);
    for (const line of end < 0 ? [] : bytes.subarray(0, end).toString("utf8").split("\n")) {
      const m = LINE.exec(line);
      if (!m) continue;
      const [, time = "", streamRaw, tag, body = ""] = m;
      const stream: LogStream = streamRaw === "stderr" ? "stderr" : "stdout";
      const prev = pending[stream];
      const merged = prev ? { time: prev.time, text: prev.text + body } : { time, text: body };
      if (tag === "P") {
        pending[stream] = merged;
        continue;
      }
      delete pending[stream];
      yield { time: merged.time, stream, text: merged.text };
    }
    if (chunk.length === 0) await sleep(interval, options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
