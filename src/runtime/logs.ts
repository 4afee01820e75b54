/**
 * Container logs. The runtime's init writes both streams to one file in the CRI format kubelet uses:
 * `<RFC 3339 nano timestamp> <stdout|stderr> <F|P> <text>` — P marks a partial line (longer than the
 * 16 KiB buffer) continued by the next entry. This module parses that format (pure) and reads files.
 */
import { readFile } from "node:fs/promises";

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
