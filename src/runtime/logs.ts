/**
 * Container logs. The runtime's init writes both streams to one file in the CRI format kubelet uses:
 * `<RFC 3339 nano timestamp> <stdout|stderr> <F|P> <text>` — P marks a partial line (longer than the
 * 16 KiB buffer) continued by the next entry. This module has the one parser of that format (pure) and
 * the readers of a log file: all of it at once, or in batches as it grows (the agent's `logs -f`).
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

/**
 * Incremental CRI parser: one line at a time in, entries out. A partial (P) line is held per stream and
 * joined with its continuation, keeping the first timestamp; malformed lines are skipped.
 */
class CriParser {
  private readonly pending: Partial<Record<LogStream, { time: string; text: string }>> = {};

  /** The entry `raw` completes, or undefined (malformed, or a partial line held for its continuation). */
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

  /** The partial entries whose continuation never came (stdout first), as they are. */
  unfinished(): LogEntry[] {
    return (["stdout", "stderr"] as const).flatMap((stream) => {
      const p = this.pending[stream];
      return p ? [{ time: p.time, stream, text: p.text }] : [];
    });
  }
}

/** Parses CRI log text; partial lines are joined with their continuation. Malformed lines are skipped. */
export function parseCriLog(text: string): LogEntry[] {
  const parser = new CriParser();
  const out: LogEntry[] = [];
  for (const line of text.split("\n")) {
    const e = parser.line(line);
    if (e !== undefined) out.push(e);
  }
  return [...out, ...parser.unfinished()];
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

/** Options for {@link readLogBatches} and {@link followContainerLog}. */
export interface FollowOptions {
  /** Stops the iteration (the generator returns). */
  readonly signal?: AbortSignal;
  /** Polling interval for new bytes (default 100 ms). */
  readonly intervalMs?: number;
  /** Start at this byte offset (default 0: the whole log). */
  readonly fromOffset?: number;
  /**
   * Whether the writer has finished: once it has (asked before a read), the first read that finds no
   * new line ends the follow, so nothing written before the end is lost. Default: never.
   */
  readonly finished?: () => boolean;
}

/** The bytes of `path` past `offset`; a file that does not exist (yet) has none. */
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
 * Yields a log file's entries in batches, complete lines only (a line still being written, or ending
 * inside a UTF-8 character, is read again once its newline is there): first what the file holds now
 * (possibly nothing), then — with `follow` — each batch of lines as they are written, polling for new
 * bytes, until `signal` aborts or, once `finished()`, a read finds no new line. A file that does not exist
 * yet is waited for. Partial entries are joined across batches.
 */
export async function* readLogBatches(path: string, options: FollowOptions & { readonly follow?: boolean }): AsyncGenerator<LogEntry[]> {
  const parser = new CriParser();
  let offset = options.fromOffset ?? 0;
  const read = async (): Promise<LogEntry[] | undefined> => {
    const chunk = await readFrom(path, offset);
    const end = chunk.lastIndexOf(0x0a);
    if (end < 0) return undefined;
    offset += end + 1;
    const entries: LogEntry[] = [];
    for (const raw of chunk.subarray(0, end).toString("utf8").split("\n")) {
      const e = parser.line(raw);
      if (e !== undefined) entries.push(e);
    }
    return entries;
  };
  yield (await read()) ?? [];
  if (options.follow !== true) return;
  const interval = options.intervalMs ?? 100;
  while (options.signal?.aborted !== true) {
    const finishedBefore = options.finished?.() === true;
    const batch = await read();
    if (batch !== undefined) {
      yield batch;
      continue;
    }
    if (finishedBefore) return;
    await sleep(interval, options.signal);
  }
}

/**
 * Yields log entries as the container writes them (`logs -f`), from the start of the file (or
 * `fromOffset`) on; see {@link readLogBatches}. Ends when `signal` aborts (or as `finished` says).
 */
export async function* followContainerLog(path: string, options: FollowOptions = {}): AsyncGenerator<LogEntry> {
  if (options.signal?.aborted === true) return;
  for await (const batch of readLogBatches(path, { ...options, follow: true })) yield* batch;
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
