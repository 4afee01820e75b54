/**
 * The body of layer unpacking (see unpack.ts for the invariants and for why it runs in a worker thread).
 * Everything here is synchronous file I/O driven by a tar stream, and linear in the number of entries:
 * - what this layer made is a tree (`children` per directory), so replacing or whiting out a path forgets
 *   its subtree without scanning every path seen so far (that scan made a layer of n overwrites O(n²));
 * - whiteouts and opaque markers are collected and returned as {@link LayerMarks}: the caller makes them
 *   with `swarm-runtime layer-marks`, one process per 64 KiB of records (Node has no mknod or setxattr;
 *   one `mknod` process per whiteout was one fork each, and a fork from any thread of the daemon stalls
 *   all of them while the page tables are copied — so the caller goes through the spawner helper);
 * - the number of entries is capped (default 1M): a layer cannot grow these maps without bound.
 */
import { closeSync, constants as C, chmodSync, chownSync, createReadStream, fchmodSync, fchownSync, fsyncSync, futimesSync, linkSync, lchownSync, lutimesSync, mkdirSync, openSync, readSync, rmSync, symlinkSync, utimesSync, writeSync } from "node:fs";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import { fsyncDir } from "./blobs.js";
import { type Digest, Hasher } from "./digest.js";
import { ImageError, ImageErrorCode, TarFormatError, UnsafeEntryError } from "./errors.js";
import type { TarEntry } from "./tar/header.js";
import { TarParser } from "./tar/parser.js";
import { ancestorsOf, baseOf, normalizeEntryPath, parentOf } from "./tar/paths.js";

/** Prefix of whiteout entries in layer tars. */
export const WHITEOUT_PREFIX = ".wh.";
/** Name of the opaque-directory marker. */
export const OPAQUE_MARKER = ".wh..wh..opq";
/** Default cap on the entries of one layer (Docker's largest public images have ~100k). */
export const DEFAULT_MAX_LAYER_ENTRIES = 1_000_000;

/** Result of unpacking one layer. */
export interface UnpackResult {
  /** sha256 of the uncompressed tar stream. */
  readonly diffId: Digest;
  /** Sum of regular-file sizes. */
  readonly unpackedSize: number;
  readonly entries: number;
}

/** Options for unpacking a layer. */
export interface UnpackOptions {
  /** chown entries to their tar uid/gid (default: when running as root). */
  readonly preserveOwnership?: boolean;
  /** Refuse a layer whose uncompressed tar exceeds this many bytes (gzip bombs); default unlimited. */
  readonly maxBytes?: number;
  /** Refuse a layer with more entries than this (default {@link DEFAULT_MAX_LAYER_ENTRIES}). */
  readonly maxEntries?: number;
}

/**
 * Whiteouts and opaque markers still to make, as `swarm-runtime layer-marks` input: NUL-terminated
 * `w/ABS/PATH` and `o/ABS/DIR` records, sorted (so grouped by directory), in batches of at most
 * {@link MARKS_BATCH_BYTES}.
 */
export interface LayerMarks {
  readonly batches: readonly string[];
  readonly count: number;
}

/**
 * Largest batch of mark records. Small on purpose: handing the spawner helper an 8 MiB stdin stalled the
 * event loop ~300 ms, a 256 KiB one ~100 ms (load 25 on 2 cores); a process start per 64 KiB is cheap.
 */
export const MARKS_BATCH_BYTES = 64 << 10;

type Compression = "gzip" | "none";

/** Detects the compression of a layer blob from its magic bytes; refuses zstd and other formats clearly. */
export function detectCompression(file: string, what: string): Compression {
  const fd = openSync(file, "r");
  const head = Buffer.alloc(6);
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (n >= 4 && head.readUInt32LE(0) === 0xfd2fb528) throw new ImageError(ImageErrorCode.BadArchive, `${what}: zstd-compressed layers are not supported`);
  if (n >= 3 && head.toString("latin1", 0, 3) === "BZh") throw new ImageError(ImageErrorCode.BadArchive, `${what}: bzip2-compressed layers are not supported`);
  if (n >= 6 && head.equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) throw new ImageError(ImageErrorCode.BadArchive, `${what}: xz-compressed layers are not supported`);
  return "none";
}

type Kind = "dir" | "file" | "symlink" | "whiteout";

interface DirMeta {
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
}

/** Per-layer unpacking state: what this layer has created, so escapes can be recognized. */
class LayerWriter {
  private readonly kinds = new Map<string, Kind>();
  /** Paths this layer made, by parent directory: the subtree of a replaced path without a full scan. */
  private readonly children = new Map<string, Set<string>>();
  private readonly dirMeta = new Map<string, DirMeta>();
  private readonly opaque = new Set<string>();
  /** Whiteouts to make at the end (not on disk until then). */
  private readonly whiteouts = new Set<string>();
  private fd: number | undefined;
  private current: TarEntry | undefined;
  unpackedSize = 0;
  entries = 0;

  constructor(
    private readonly dest: string,
    private readonly ownership: boolean,
    private readonly maxEntries: number,
  ) {}

  private abs(p: string): string {
    return p === "" ? this.dest : join(this.dest, p);
  }

  private record(path: string, kind: Kind): void {
    if (!this.kinds.has(path)) {
      const parent = parentOf(path);
      let set = this.children.get(parent);
      if (set === undefined) this.children.set(parent, (set = new Set()));
      set.add(path);
    }
    this.kinds.set(path, kind);
  }

  /** Forgets `path` and everything this layer made under it; each path is forgotten once per creation. */
  private forget(path: string): void {
    this.children.get(parentOf(path))?.delete(path);
    const stack = [path];
    for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
      this.kinds.delete(p);
      this.dirMeta.delete(p);
      this.opaque.delete(p);
      this.whiteouts.delete(p);
      const below = this.children.get(p);
      if (below !== undefined) {
        this.children.delete(p);
        for (const c of below) stack.push(c);
      }
    }
  }

  /** Makes sure every ancestor is a real directory of this layer, creating missing ones. */
  private ensureParents(raw: string, path: string): void {
    for (const a of ancestorsOf(path)) {
      const k = this.kinds.get(a);
      if (k === "symlink") throw new UnsafeEntryError(raw, `parent ${JSON.stringify(a)} is a symlink in this layer; writing through it could escape the layer`);
      if (k === "file") throw new UnsafeEntryError(raw, `parent ${JSON.stringify(a)} is not a directory`);
      if (k === "dir") continue;
      if (k === "whiteout") {
        this.whiteouts.delete(a); // never made on disk
        this.opaque.add(a); // re-created after a whiteout: hide the lower dir's contents
      }
      mkdirSync(this.abs(a), { mode: 0o755 });
      this.record(a, "dir");
    }
  }

  private removeExisting(path: string): void {
    const kind = this.kinds.get(path);
    if (kind === undefined) return;
    if (kind !== "whiteout") rmSync(this.abs(path), { recursive: true, force: true });
    this.forget(path);
  }

  begin(entry: TarEntry): void {
    const raw = entry.path;
    const path = normalizeEntryPath(raw);
    if (++this.entries > this.maxEntries) {
      throw new ImageError(ImageErrorCode.BadArchive, `layer has more than ${this.maxEntries} entries (the limit per layer)`, { fields: { maxEntries: this.maxEntries } });
    }
    if (path.includes("\0")) throw new UnsafeEntryError(raw, "path contains a NUL byte");
    if (path === "") {
      if (entry.type !== "directory") throw new UnsafeEntryError(raw, "the archive root must be a directory");
      this.dirMeta.set("", { mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime });
      return;
    }
    this.ensureParents(raw, path);
    const base = baseOf(path);
    if (base.startsWith(WHITEOUT_PREFIX)) {
      this.whiteout(raw, path, base);
      return;
    }
    switch (entry.type) {
      case "directory": {
        const previous = this.kinds.get(path);
        if (previous !== "dir") {
          this.removeExisting(path);
          mkdirSync(this.abs(path), { mode: 0o700 });
          this.record(path, "dir");
          if (previous === "whiteout") this.opaque.add(path); // deleted, then re-made: lower content stays hidden
        }
        this.dirMeta.set(path, { mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime });
        return;
      }
      case "file": {
        this.removeExisting(path);
        this.fd = openSync(this.abs(path), C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
        this.current = entry;
        this.record(path, "file");
        this.unpackedSize += entry.size;
        return;
      }
      case "symlink": {
        if (entry.linkPath === "") throw new UnsafeEntryError(raw, "symlink with an empty target");
        this.removeExisting(path);
        symlinkSync(entry.linkPath, this.abs(path));
        if (this.ownership) lchownSync(this.abs(path), entry.uid, entry.gid);
        lutimesSync(this.abs(path), entry.mtime, entry.mtime);
        this.record(path, "symlink");
        return;
      }
      case "hardlink": {
        let target: string;
        try {
          target = normalizeEntryPath(entry.linkPath);
        } catch (err) {
          if (!(err instanceof UnsafeEntryError)) throw err;
          throw new UnsafeEntryError(raw, `hard link target ${JSON.stringify(entry.linkPath)} escapes the layer (absolute path or '..')`);
        }
        if (this.kinds.get(target) !== "file" || target === path) {
          throw new UnsafeEntryError(raw, `hard link target ${JSON.stringify(entry.linkPath)} is not a regular file earlier in this layer (links out of the layer are refused)`);
        }
        this.removeExisting(path);
        linkSync(this.abs(target), this.abs(path));
        this.record(path, "file");
        return;
      }
      case "chardev":
      case "blockdev":
        throw new UnsafeEntryError(raw, `device node (${entry.type} ${entry.devMajor}:${entry.devMinor}) is not allowed in an image layer`);
      case "fifo":
        throw new UnsafeEntryError(raw, "fifo is not allowed in an image layer");
    }
  }

  private whiteout(raw: string, path: string, base: string): void {
    const parent = parentOf(path);
    if (base === OPAQUE_MARKER) {
      this.opaque.add(parent);
      return;
    }
    if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) return; // aufs metadata (.wh..wh.plnk…): ignored
    const name = base.slice(WHITEOUT_PREFIX.length);
    if (name === "" || name === "." || name === "..") throw new UnsafeEntryError(raw, "whiteout without a valid name");
    const target = parent === "" ? name : `${parent}/${name}`;
    this.removeExisting(target);
    this.record(target, "whiteout");
    this.whiteouts.add(target);
  }

  data(chunk: Uint8Array): void {
    if (this.fd === undefined) return;
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
  }

  end(): void {
    const fd = this.fd;
    const entry = this.current;
    if (fd === undefined || entry === undefined) return;
    this.fd = undefined;
    this.current = undefined;
    try {
      if (this.ownership) fchownSync(fd, entry.uid, entry.gid);
      fchmodSync(fd, entry.mode); // after chown, which clears setuid/setgid
      futimesSync(fd, entry.mtime, entry.mtime);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Applies directory metadata deepest first and fsyncs; returns the marks still to make. */
  finish(): LayerMarks {
    const records: string[] = [];
    for (const path of this.whiteouts) records.push(`w${this.abs(path)}\0`);
    for (const dir of this.opaque) {
      if (dir !== "" && this.kinds.get(dir) !== "dir") {
        mkdirSync(this.abs(dir), { recursive: true, mode: 0o755 });
        this.record(dir, "dir");
      }
      records.push(`o${this.abs(dir)}\0`);
    }
    const dirs = [...this.dirMeta.entries()].map(([dir, meta]) => ({ dir, meta, depth: dir.split("/").length })).sort((a, b) => b.depth - a.depth);
    for (const { dir, meta } of dirs) {
      const p = this.abs(dir);
      if (this.ownership) chownSync(p, meta.uid, meta.gid);
      chmodSync(p, meta.mode);
      utimesSync(p, meta.mtime, meta.mtime);
    }
    // Durable before the caller renames the layer into place: files were fsynced as written; now every dir.
    for (const [path, kind] of this.kinds) if (kind === "dir") fsyncDir(this.abs(path));
    fsyncDir(this.dest);
    records.sort();
    const batches: string[] = [];
    let batch: string[] = [];
    let bytes = 0;
    for (const r of records) {
      const n = Buffer.byteLength(r);
      if (bytes + n > MARKS_BATCH_BYTES && batch.length > 0) {
        batches.push(batch.join(""));
        batch = [];
        bytes = 0;
      }
      batch.push(r);
      bytes += n;
    }
    if (batch.length > 0) batches.push(batch.join(""));
    return { batches, count: records.length };
  }

  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Unpacks the layer blob `file` into `dest` (created; must not exist), in this thread; see unpack.ts.
 * Returns the diff id for the caller to check, and the whiteouts and opaque markers the caller must still
 * make. On error, `dest` may hold partial content.
 */
export async function writeLayer(file: string, dest: string, what: string, options: UnpackOptions = {}): Promise<{ result: UnpackResult; marks: LayerMarks }> {
  const compression = detectCompression(file, what);
  mkdirSync(dest, { mode: 0o755 });
  const ownership = options.preserveOwnership ?? process.getuid?.() === 0;
  const writer = new LayerWriter(dest, ownership, options.maxEntries ?? DEFAULT_MAX_LAYER_ENTRIES);
  const parser = new TarParser();
  const hasher = new Hasher();
  const raw = createReadStream(file);
  const stream = compression === "gzip" ? raw.pipe(createGunzip()) : raw;
  let marks: LayerMarks;
  const handle = (events: ReturnType<TarParser["push"]>): void => {
    for (const ev of events) {
      if (ev.type === "entry") writer.begin(ev.entry);
      else if (ev.type === "data") writer.data(ev.chunk);
      else if (ev.type === "entryEnd") writer.end();
    }
  };
  try {
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        hasher.update(chunk);
        if (options.maxBytes !== undefined && hasher.size > options.maxBytes) {
          throw new ImageError(ImageErrorCode.BadArchive, `uncompressed size exceeds the ${options.maxBytes}-byte layer limit`);
        }
        handle(parser.push(chunk));
      }
    } catch (err) {
      if (err instanceof ImageError) throw err;
      const e = err as NodeJS.ErrnoException;
      if (e.code?.startsWith("Z_") === true) throw new TarFormatError(`gzip stream is corrupt: ${e.message}`, { cause: err });
      throw err;
    }
    handle(parser.finish());
    marks = writer.finish();
  } catch (err) {
    writer.abort();
    raw.destroy();
    if (err instanceof ImageError) {
      err.message = `${what}: ${err.message}`;
    }
    throw err;
  }
  return { result: { diffId: hasher.digest(), unpackedSize: writer.unpackedSize, entries: writer.entries }, marks };
}
