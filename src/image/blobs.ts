/**
 * The content-addressed blob area of the store: `blobs/sha256/<hex>`. Blobs arrive as staged files
 * (written under `tmp/`, hashed while written, fsynced) and are moved into place by rename, so a blob
 * path never holds partial or unverified content. Also hosts the small fs helpers the store shares.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DigestMismatchError, ImageError, ImageErrorCode } from "./errors.js";
import { type Digest, digestHex, Hasher, isDigest } from "./digest.js";

/** A file in a staging dir whose digest and size are known (computed while it was written). */
export interface StagedBlob {
  readonly file: string;
  readonly digest: Digest;
  readonly size: number;
}

/** Writes a staging file chunk by chunk, hashing as it goes; `finish()` fsyncs and closes. */
export class StagingWriter {
  private readonly fd: number;
  private readonly hasher = new Hasher();
  private closed = false;
  constructor(readonly file: string) {
    this.fd = openSync(file, "wx", 0o600);
  }
  /** Appends bytes. */
  write(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
    this.hasher.update(chunk);
  }
  /** fsyncs, closes and returns the staged blob. */
  finish(): StagedBlob {
    fsyncSync(this.fd);
    this.close();
    return { file: this.file, digest: this.hasher.digest(), size: this.hasher.size };
  }
  /** Closes without fsync (on error paths); safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Stages an in-memory buffer. */
export function stageBuffer(file: string, data: Uint8Array): StagedBlob {
  const w = new StagingWriter(file);
  try {
    w.write(data);
    return w.finish();
  } finally {
    w.close();
  }
}

/** fsyncs a directory so renames into it are durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a file atomically: tmp in the same dir → fsync → rename → fsync dir. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = join(path, "..");
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, "w", 0o600); // the data dir is the daemon's alone (design/agent.md)
  try {
    const buf = typeof data === "string" ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(dir);
}

/** The blob area under a store root. */
export class BlobStore {
  /** `<root>/blobs/sha256`. */
  readonly dir: string;
  constructor(root: string) {
    this.dir = join(root, "blobs", "sha256");
    mkdirSync(this.dir, { recursive: true });
  }
  /** Path of a blob (whether or not it exists). */
  path(digest: Digest): string {
    return join(this.dir, digestHex(digest));
  }
  /** True when the blob is present. */
  has(digest: Digest): boolean {
    try {
      return statSync(this.path(digest)).isFile();
    } catch {
      return false;
    }
  }
  /** Reads a (small) blob fully and re-verifies its digest. */
  read(digest: Digest): Buffer {
    let data: Buffer;
    try {
      data = readFileSync(this.path(digest));
    } catch (err) {
      throw new ImageError(ImageErrorCode.NotFound, `blob ${digest} is missing from the store`, { cause: err });
    }
    const h = new Hasher();
    h.update(data);
    const actual = h.digest();
    if (actual !== digest) throw new DigestMismatchError(`stored blob ${digest}`, digest, actual);
    return data;
  }
  /** Moves a verified staged blob into place (dropping it when the blob already exists). Returns true if added. */
  commit(staged: StagedBlob): boolean {
    if (this.has(staged.digest)) {
      rmSync(staged.file, { force: true });
      return false;
    }
    renameSync(staged.file, this.path(staged.digest));
    return true;
  }
  /** Deletes a blob (no error when absent). */
  remove(digest: Digest): void {
    try {
      unlinkSync(this.path(digest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  /** Digests of every blob present. */
  list(): Digest[] {
    return readdirSync(this.dir)
      .map((hex) => `sha256:${hex}`)
      .filter(isDigest);
  }
  /** fsyncs the blob directory (after commits). */
  sync(): void {
    fsyncDir(this.dir);
  }
}
