/**
 * Entry of the unpack worker thread (started once by unpack.ts and kept): for each job, unpacks one layer
 * and posts the result and the marks still to make, or the error as plain data (its class, code, message,
 * fields) for unpack.ts to rebuild.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { SwarmError } from "../lib/errors.js";
import { type UnpackOptions, writeLayer } from "./layer-writer.js";

/** What unpack.ts sends. */
export interface UnpackJob {
  readonly file: string;
  readonly dest: string;
  readonly what: string;
  readonly options: UnpackOptions;
}

/** Marks as they cross the thread boundary: each batch's bytes are transferred, not cloned. */
export interface WireMarks {
  readonly count: number;
  readonly batches: readonly Uint8Array[];
}

/** An error as it crosses the thread boundary. */
export interface WorkerFailure {
  readonly name: string;
  readonly code: string | undefined;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Unpacking is background work: this thread (Linux nice applies per thread; /proc/thread-self names it)
 * yields the CPU to the daemon's event loop, whose Raft heartbeats must not wait behind a layer.
 */
function lowerThreadPriority(): void {
  try {
    setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), 10);
  } catch {
    // Not Linux, or no /proc: the unpack still runs, at normal priority.
  }
}

/** One job at a time: unpack.ts sends the next only after this one answered. */
async function run(id: number, job: UnpackJob): Promise<void> {
  try {
    const { result, marks } = await writeLayer(job.file, job.dest, job.what, job.options);
    // Moved, not copied: cloning megabytes of strings on arrival would stall the daemon's event loop.
    const batches = marks.batches.map((b) => new TextEncoder().encode(b));
    const wire: WireMarks = { count: marks.count, batches };
    parentPort?.postMessage({ id, ok: true, result, marks: wire }, batches.map((b) => b.buffer));
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const failure: WorkerFailure = {
      name: e.name,
      code: err instanceof SwarmError ? err.code : (err as NodeJS.ErrnoException).code,
      message: e.message,
      fields: err instanceof SwarmError ? err.fields : {},
    };
    parentPort?.postMessage({ id, ok: false, failure });
  }
}

lowerThreadPriority();
parentPort?.on("message", (m: { id: number; job: UnpackJob }) => void run(m.id, m.job));
