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
 * The caller unpacks into a temporary dir and renames it into place only when this returns.
 */
import { execFileSync } from "node:child_process";
import { createReadStream, closeSync, constants as C, fchmodSync, fsyncSync, fchownSync, futimesSync, linkSync, lchownSync, lutimesSync, mkdirSync, openSync, readSync, rmSync, symlinkSync, unlinkSync, writeSync, chmodSync, chownSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import { ImageError, ImageErrorCode, TarFormatError, UnsafeEntryError } from "./errors.js";
import { fsyncDir } from "./blobs.js";
import { type Digest, Hasher } from "./digest.js";
import type { TarEntry } from "./tar/header.js";
import { TarParser } from "./tar/parser.js";
import { ancestorsOf, baseOf, normalizeEntryPath, parentOf } from "./tar/paths.js";

/** Prefix of whiteout entries in layer tars. */
export const WHITEOUT_PREFIX = ".wh.";
/** Name of the opaque-directory marker. */
export const OPAQUE_MARKER = ".wh..wh..opq";

/** Result of unpacking one layer. */
export interface UnpackResult {
  /** sha256 of the uncompressed tar stream. */
  readonly diffId: Digest;
  /** Sum of regular-file sizes. */
  readonly unpackedSize: number;
  readonly entries: number;
}

/** Options for {@link unpackLayer}. */
export interface UnpackOptions {
  /** chown entries to their tar uid/gid (default: when running as root). */
  readonly preserveOwnership?: boolean;
  /** Refuse a layer whose uncompressed tar exceeds this many bytes (gzip bombs); default unlimited. */
  readonly maxBytes?: number;
}

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
  private readonly dirMeta = new Map<string, DirMeta>();
  private readonly opaque = new Set<string>();
  private fd: number | undefined;
  private current: TarEntry | undefined;
  unpackedSize = 0;
  entries = 0;

  constructor(
    private readonly dest: string,
    private readonly ownership: boolean,
  ) {}

  private abs(p: string): string {
    return p === "" ? this.dest : join(this.dest, p);
  }

  /** Makes sure every ancestor is a real directory of this layer, creating missing ones. */
  private ensureParents(raw: string, path: string): void {
    for (const a of ancestorsOf(path)) {
      const k = this.kinds.get(a);
      if (k === "symlink") throw new UnsafeEntryError(raw, `parent ${JSON.stringify(a)} is a symlink in this layer; writing through it could escape the layer`);
      if (k === "file") throw new UnsafeEntryError(raw, `parent ${JSON.stringify(a)} is not a directory`);
      if (k === "dir") continue;
      if (k === "whiteout") {
        unlinkSync(this.abs(a));
        this.opaque.add(a); // re-created after a whiteout: hide the lower dir's contents
      }
      mkdirSync(this.abs(a), { mode: 0o755 });
      this.kinds.set(a, "dir");
    }
  }

  private removeExisting(path: string): void {
    if (!this.kinds.has(path)) return;
    rmSync(this.abs(path), { recursive: true, force: true });
    for (const k of [...this.kinds.keys()]) if (k === path || k.startsWith(`${path}/`)) this.kinds.delete(k);
    for (const k of [...this.dirMeta.keys()]) if (k === path || k.startsWith(`${path}/`)) this.dirMeta.delete(k);
    for (const k of [...this.opaque]) if (k === path || k.startsWith(`${path}/`)) this.opaque.delete(k);
  }

  begin(entry: TarEntry): void {
    const raw = entry.path;
    const path = normalizeEntryPath(raw);
    this.entries++;
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
          this.kinds.set(path, "dir");
          if (previous === "whiteout") this.opaque.add(path); // deleted, then re-made: lower content stays hidden
        }
        this.dirMeta.set(path, { mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime });
        return;
      }
      case "file": {
        this.removeExisting(path);
        this.fd = openSync(this.abs(path), C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW, 0o600);
        this.current = entry;
        this.kinds.set(path, "file");
        this.unpackedSize += entry.size;
        return;
      }
      case "symlink": {
        if (entry.linkPath === "") throw new UnsafeEntryError(raw, "symlink with an empty target");
        this.removeExisting(path);
        symlinkSync(entry.linkPath, this.abs(path));
        if (this.ownership) lchownSync(this.abs(path), entry.uid, entry.gid);
        lutimesSync(this.abs(path), entry.mtime, entry.mtime);
        this.kinds.set(path, "symlink");
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
        this.kinds.set(path, "file");
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
    runHostTool("mknod", ["-m", "000", this.abs(target), "c", "0", "0"], `whiteout for ${target}`);
    this.kinds.set(target, "whiteout");
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

  /** Applies directory metadata deepest first, then opaque markers. */
  finish(): void {
    for (const dir of this.opaque) {
      if (dir !== "" && this.kinds.get(dir) !== "dir") {
        mkdirSync(this.abs(dir), { recursive: true, mode: 0o755 });
        this.kinds.set(dir, "dir");
      }
      runHostTool("setfattr", ["-n", "trusted.overlay.opaque", "-v", "y", this.abs(dir)], `opaque marker for ${dir === "" ? "/" : dir}`);
    }
    const dirs = [...this.dirMeta.entries()].sort((a, b) => b[0].split("/").length - a[0].split("/").length);
    for (const [dir, meta] of dirs) {
      const p = this.abs(dir);
      if (this.ownership) chownSync(p, meta.uid, meta.gid);
      chmodSync(p, meta.mode);
      utimesSync(p, meta.mtime, meta.mtime);
    }
    // Durable before the caller renames the layer into place: files were fsynced as written; now every dir.
    for (const [path, kind] of this.kinds) if (kind === "dir") fsyncDir(this.abs(path));
    fsyncDir(this.dest);
  }

  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function runHostTool(tool: string, args: string[], what: string): void {
  try {
    execFileSync(tool, args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    const hint = e.code === "ENOENT" ? `${tool} not found (install ${tool === "setfattr" ? "the attr package" : "coreutils"})` : (e.stderr?.toString().trim() ?? e.message);
    throw new ImageError(ImageErrorCode.Host, `${what}: ${tool} failed: ${hint}`, { cause: err });
  }
}

/**
 * Unpacks the layer blob `file` into `dest` (created; must not exist). Verifies nothing about digests
 * itself: it returns the diff id so the caller can compare it with the image config. On error, `dest`
 * may hold partial content — the caller removes it.
 */
export async function unpackLayer(file: string, dest: string, what: string, options: UnpackOptions = {}): Promise<UnpackResult> {
  const compression = detectCompression(file, what);
  mkdirSync(dest, { mode: 0o755 });
  const ownership = options.preserveOwnership ?? process.getuid?.() === 0;
  const writer = new LayerWriter(dest, ownership);
  const parser = new TarParser();
  const hasher = new Hasher();
  const raw = createReadStream(file);
  const stream = compression === "gzip" ? raw.pipe(createGunzip()) : raw;
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
    writer.finish();
  } catch (err) {
    writer.abort();
    raw.destroy();
    if (err instanceof ImageError) {
      err.message = `${what}: ${err.message}`;
    }
    throw err;
  }
  return { diffId: hasher.digest(), unpackedSize: writer.unpackedSize, entries: writer.entries };
}
