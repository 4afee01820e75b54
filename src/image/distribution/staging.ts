/**
 * Shared by the manager fetcher and the registry puller: a resumable, hashing blob download into a
 * staging dir, and the hand-off of downloaded (or already present) blobs to the store's commit path,
 * so unpacking, diff-id checks and the index behave exactly as `image load`.
 */
import { closeSync, fsyncSync, linkSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ImageCandidate } from "../archive.js";
import type { StagedBlob } from "../blobs.js";
import { type Digest, digestHex, Hasher } from "../digest.js";
import { DigestMismatchError, ImageError, ImageErrorCode } from "../errors.js";
import { type ImageManifest, parseImageManifest } from "../manifest.js";
import type { ImageStore } from "../store.js";

/**
 * A blob being downloaded: appends chunks to a staging file while hashing them, remembers how many bytes
 * it has (the offset a retry resumes from), and on `finish` checks size and digest before anything may
 * be committed.
 */
export class BlobDownload {
  private readonly fd: number;
  private readonly hasher = new Hasher();
  private closed = false;
  readonly file: string;

  constructor(
    dir: string,
    readonly digest: Digest,
    readonly expectedSize: number,
  ) {
    this.file = join(dir, `blob-${digestHex(digest)}`);
    this.fd = openSync(this.file, "wx", 0o600);
  }

  /** Bytes received so far = the offset to resume from. */
  get received(): number {
    return this.hasher.size;
  }

  /** Appends bytes; refuses more than the expected size. */
  write(chunk: Uint8Array): void {
    if (this.hasher.size + chunk.length > this.expectedSize) {
      throw new ImageError(ImageErrorCode.DigestMismatch, `blob ${this.digest}: received more than its ${this.expectedSize} bytes`, { fields: { digest: this.digest } });
    }
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
    this.hasher.update(chunk);
  }

  /** Verifies size and digest, fsyncs and closes; the result can be committed. */
  finish(): StagedBlob {
    if (this.hasher.size !== this.expectedSize) {
      throw new ImageError(ImageErrorCode.DigestMismatch, `blob ${this.digest}: got ${this.hasher.size} bytes, expected ${this.expectedSize}`, { fields: { digest: this.digest } });
    }
    const actual = this.hasher.digest();
    this.close();
    if (actual !== this.digest) throw new DigestMismatchError(`blob ${this.digest}`, this.digest, actual);
    const fd = openSync(this.file, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return { file: this.file, digest: this.digest, size: this.expectedSize };
  }

  /** Closes the file (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** A blob already in the store, hard-linked into staging so the commit path can consume it like a download. */
export function stagePresentBlob(store: ImageStore, staging: string, digest: Digest, size: number): StagedBlob {
  const file = join(staging, `present-${digestHex(digest)}`);
  linkSync(store.blobs.path(digest), file);
  return { file, digest, size };
}

/** Parses a manifest that must hash to `digest`. */
export function verifiedManifest(bytes: Buffer, digest: Digest, what: string): ImageManifest {
  const h = new Hasher();
  h.update(bytes);
  const actual = h.digest();
  if (actual !== digest) throw new DigestMismatchError(`${what} manifest`, digest, actual);
  return parseImageManifest(bytes, `${what} manifest ${digest}`);
}

/** The descriptors a manifest needs (config first, then layers), deduplicated by digest. */
export function blobsOf(manifest: ImageManifest): { digest: Digest; size: number }[] {
  const seen = new Set<string>();
  const out: { digest: Digest; size: number }[] = [];
  for (const d of [manifest.config, ...manifest.layers]) {
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    out.push({ digest: d.digest, size: d.size });
  }
  return out;
}

/** Builds the candidate the store commits, from a manifest and its staged blobs. */
export function candidateOf(names: readonly string[], manifestBlob: StagedBlob, manifest: ImageManifest, staged: ReadonlyMap<Digest, StagedBlob>): ImageCandidate {
  const get = (d: Digest): StagedBlob => {
    const b = staged.get(d);
    if (b === undefined) throw new ImageError(ImageErrorCode.NotFound, `blob ${d} was not downloaded`);
    return b;
  };
  return {
    names,
    manifest: manifestBlob,
    config: get(manifest.config.digest),
    layers: manifest.layers.map((l) => ({ blob: get(l.digest), mediaType: l.mediaType })),
  };
}
