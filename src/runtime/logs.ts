/**
 * Container logs. The runtime's init writes both streams to one file in the CRI format kubelet uses:
 * `<RFC 3339 nano timestamp> <stdout|stderr> <F|P> <text>` — P marks a partial line (longer than the
 * 16 KiB buffer) continued by the next entry. This module has the one parser of that format (pure) and
 * the readers of a log file: all of it at once, or in batches as it grows (the agent's `logs -f`).
 */
import { open, readdir, readFile, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

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
    const older = await Promise.all((await rotatedLogPaths(path)).map((p) => readFile(p, "utf8").catch(() => "")));
    return parseCriLog([...older, await readFile(path, "utf8")].join(""));
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

/**
 * The rotated files of the log at `path` (see native/src/logfile.c: `path.1` newest), oldest first;
 * none when there are none or the directory is missing.
 */
export async function rotatedLogPaths(path: string): Promise<string[]> {
  const base = basename(path);
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const numbered = names.flatMap((n) => {
    const m = n.startsWith(`${base}.`) ? /^(\d+)$/.exec(n.slice(base.length + 1)) : null;
    return m === null ? [] : [{ n: Number(m[1]), name: n }];
  });
  return numbered.sort((a, b) => b.n - a.n).map((r) => join(dirname(path), r.name));
}

/** The inode at `path` now, or undefined when there is no file. */
async function inodeAt(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).ino;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** The bytes of an open file past `offset` (none when it is not longer). */
async function readOpen(fh: FileHandle, offset: number): Promise<Buffer> {
  const { size } = await fh.stat();
  if (size <= offset) return Buffer.alloc(0);
  const buf = Buffer.alloc(size - offset);
  const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
  return buf.subarray(0, bytesRead);
}

/**
 * Yields a log file's entries in batches, complete lines only (a line still being written, or ending
 * inside a UTF-8 character, is read again once its newline is there): first what the file holds now
 * (possibly nothing) — preceded, when reading from the start, by its rotated files, oldest first — then,
 * with `follow`, each batch of lines as they are written, polling for new bytes, until `signal` aborts
 * or, once `finished()`, a read finds no new line. A file that does not exist yet is waited for.
 * Partial entries are joined across batches.
 *
 * Rotation while following: the file stays open, so after the writer renames it away its last lines are
 * still read; only once the name points to another inode AND the open file has no new complete line
 * (the writer never appends to a renamed file) does the reader move to the new file, from its start.
 * A file that shrinks (truncated in place, max-file 1) is read again from its start. Not handled: two
 * rotations within one polling interval (the middle file is skipped).
 */
export async function* readLogBatches(path: string, options: FollowOptions & { readonly follow?: boolean }): AsyncGenerator<LogEntry[]> {
  const parser = new CriParser();
  let offset = options.fromOffset ?? 0;
  let fh: FileHandle | undefined;
  let ino: number | undefined;
  const parse = (text: string): LogEntry[] =>
    text.split("\n").flatMap((raw) => {
      const e = parser.line(raw);
      return e === undefined ? [] : [e];
    });
  const read = async (): Promise<LogEntry[] | undefined> => {
    if (fh === undefined) {
      try {
        fh = await open(path, "r");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
      ino = (await fh.stat()).ino;
    }
    const named = await inodeAt(path); // before the read: if it moved on, the open file is final
    if ((await fh.stat()).size < offset) offset = 0; // truncated in place
    const chunk = await readOpen(fh, offset);
    const end = chunk.lastIndexOf(0x0a);
    if (end >= 0) {
      offset += end + 1;
      return parse(chunk.subarray(0, end).toString("utf8"));
    }
    if (named === undefined || named === ino) return undefined;
    await fh.close();
    fh = undefined;
    offset = 0;
    return read();
  };
  try {
    const older: LogEntry[] = [];
    if (offset === 0) for (const p of await rotatedLogPaths(path)) older.push(...parse(await readFile(p, "utf8").catch(() => "")));
    yield [...older, ...((await read()) ?? [])];
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
  } finally {
    await fh?.close();
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
