/**
 * Unpacks one layer tar (plain or gzip) into a fresh directory, the security boundary of the store.
 *
 * Invariants:
 * - Nothing is written outside `dest`: paths are normalized (no absolute, no `..`), and an entry whose
 *   parent is a symlink (or a non-directory) created by this layer is refused, so a symlink can never be
 *   written through. Files are created O_EXCL|O_NOFOLLOW after removing whatever was there.
 * - Hard links must point at a regular file created earlier in the same layer.
 * - Device nodes and fifos are refused; whiteouts are made by us (overlayfs char 0:0 device), never taken
 *   from the archive. `.wh..wh..opq` marks its directory opaque (`trusted.overlay.opaque=y`).
 * - Modes (incl. setuid), ownership (when root), symlinks, hard links and mtimes are preserved;
 *   directory metadata is applied last, deepest first. Files and dirs are fsynced before returning.
 * - At most `maxEntries` entries (default 1M), linear work per entry (layer-writer.ts).
 * The caller unpacks into a temporary dir and renames it into place only when this returns.
 *
 * It runs in a worker thread: unpacking is synchronous file I/O for every entry, and on the daemon's event
 * loop a layer of 100k small entries stalled a manager for seconds — long enough to miss Raft heartbeats
 * and lose leadership. The worker also has its own heap limit, so a hostile layer exhausts that, not the
 * daemon's. The worker is started once and kept (unref'd while idle): starting one per layer and joining
 * it at its exit cost the event loop 100-300 ms each time on a loaded machine.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { SwarmError } from "../lib/errors.js";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";
import { runProcess } from "../lib/spawner.js";
import { ImageError, ImageErrorCode, TarFormatError, UnsafeEntryError } from "./errors.js";
import type { UnpackResult, UnpackOptions } from "./layer-writer.js";
import type { UnpackJob, WireMarks, WorkerFailure } from "./unpack-worker.js";

export { DEFAULT_MAX_LAYER_ENTRIES, detectCompression, OPAQUE_MARKER, type UnpackOptions, type UnpackResult, WHITEOUT_PREFIX } from "./layer-writer.js";

/** Heap of the unpack worker, MiB: the maps of a 1M-entry layer fit; a hostile layer cannot take more. */
const WORKER_HEAP_MB = 1024;

/**
 * Starts the worker module next to this file: `unpack-worker.js` when built; under the test runner the
 * sources are TypeScript, loaded through tsx's API (the worker does not inherit the runner's loader).
 */
function startWorker(): Worker {
  const options = { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./unpack-worker.js", import.meta.url), options);
  const target = new URL("./unpack-worker.ts", import.meta.url).href;
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/package.json").replace(/package\.json$/, "dist/esm/api/index.mjs")).href;
  const code = `import { tsImport } from ${JSON.stringify(tsx)}; await tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), options);
}

/** The worker's error as the class the caller knows (callers and tests match on class and code). */
function rebuild(f: WorkerFailure): Error {
  let err: Error;
  if (f.name === "UnsafeEntryError") err = new UnsafeEntryError(typeof f.fields.entryPath === "string" ? f.fields.entryPath : "", "");
  else if (f.name === "TarFormatError") err = new TarFormatError(f.message);
  else if (f.code !== undefined && Object.values(ImageErrorCode).includes(f.code as ImageErrorCode)) err = new ImageError(f.code as ImageErrorCode, f.message, { fields: { ...f.fields } });
  else if (f.code !== undefined && f.name.endsWith("Error") && f.name !== "Error") err = new SwarmError(f.code, f.message, { fields: { ...f.fields } });
  else err = Object.assign(new Error(f.message), f.code === undefined ? {} : { code: f.code });
  err.message = f.message;
  return err;
}

/**
 * Makes a layer's whiteouts and opaque markers: `swarm-runtime layer-marks` per batch, started through the
 * spawner helper (no fork of the daemon; see spawner.ts).
 */
async function makeLayerMarks(marks: WireMarks, what: string): Promise<void> {
  for (const bytes of marks.batches) {
    let r;
    try {
      r = await runProcess(RUNTIME_BINARY, ["layer-marks"], { input: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8") });
    } catch (err) {
      throw new ImageError(ImageErrorCode.Host, `${what}: cannot run ${RUNTIME_BINARY} layer-marks (npm run build:native): ${(err as Error).message}`, { cause: err });
    }
    if (r.code !== 0) throw new ImageError(ImageErrorCode.Host, `${what}: making ${marks.count} whiteouts/opaque markers failed: ${r.stderr.trim() || `exit ${String(r.code ?? r.signal)}`}`);
  }
}

/**
 * Unpacks the layer blob `file` into `dest` (created; must not exist) in a worker thread. Verifies nothing
 * about digests itself: it returns the diff id so the caller can compare it with the image config. On
 * error, `dest` may hold partial content — the caller removes it.
 */
export async function unpackLayer(file: string, dest: string, what: string, options: UnpackOptions = {}): Promise<UnpackResult> {
  const { result, marks } = await runWorker({ file, dest, what, options });
  if (marks.count > 0) await makeLayerMarks(marks, what);
  return result;
}

type WorkerAnswer = { id: number; ok: true; result: UnpackResult; marks: WireMarks } | { id: number; ok: false; failure: WorkerFailure };

/** The kept worker and the job it runs (one at a time; callers queue on `queue`). */
let shared: Worker | undefined;
let queue: Promise<unknown> = Promise.resolve();
let nextJob = 1;

function runWorker(job: UnpackJob): Promise<{ result: UnpackResult; marks: WireMarks }> {
  const run = queue.then(() => runOne(job));
  queue = run.catch(() => undefined);
  return run;
}

function runOne(job: UnpackJob): Promise<{ result: UnpackResult; marks: WireMarks }> {
  const { what } = job;
  const worker = (shared ??= startWorker());
  const id = nextJob++;
  return new Promise((resolve, reject) => {
    const done = (): void => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      worker.unref();
    };
    const onMessage = (m: WorkerAnswer): void => {
      if (m.id !== id) return;
      done();
      if (m.ok) resolve({ result: m.result, marks: m.marks });
      else reject(rebuild(m.failure));
    };
    const onError = (err: Error & { code?: string }): void => {
      done();
      if (shared === worker) shared = undefined;
      const why = err.code === "ERR_WORKER_OUT_OF_MEMORY" ? `the unpack worker ran out of its ${WORKER_HEAP_MB} MiB heap` : `the unpack worker failed: ${err.message}`;
      reject(new ImageError(ImageErrorCode.BadArchive, `${what}: ${why}`, { cause: err }));
    };
    const onExit = (code: number): void => {
      done();
      if (shared === worker) shared = undefined;
      reject(new ImageError(ImageErrorCode.Host, `${what}: the unpack worker exited with code ${code} without an answer`));
    };
    worker.on("message", onMessage);
    worker.once("error", onError);
    worker.once("exit", onExit);
    worker.ref();
    worker.postMessage({ id, job });
  });
}
