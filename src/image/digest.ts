/**
 * Content digests (`sha256:<64 hex>`): validation, and a hashing pass-through used while bytes are
 * written so content is verified without reading it twice.
 */
import { createHash, type Hash } from "node:crypto";
import { ImageError, ImageErrorCode } from "./errors.js";
import { type Digest, isDigest } from "../lib/image-reference.js";

// The digest syntax is part of the reference grammar (src/lib/image-reference.ts).
export { type Digest, isDigest } from "../lib/image-reference.js";

/** Returns `s` as a Digest or throws naming the field and the value. */
export function parseDigest(s: unknown, field: string): Digest {
  if (typeof s !== "string" || !isDigest(s)) {
    const shown = typeof s === "string" ? JSON.stringify(s) : String(s);
    if (typeof s === "string" && /^[a-z0-9]+:/.test(s) && !s.startsWith("sha256:")) {
      throw new ImageError(ImageErrorCode.BadManifest, `${field}: digest algorithm of ${shown} is not supported (only sha256)`);
    }
    throw new ImageError(ImageErrorCode.BadManifest, `${field}: ${shown} is not a sha256 digest`);
  }
  return s;
}

/** The hex part of a digest. */
export function digestHex(d: Digest): string {
  return d.slice("sha256:".length);
}

/** sha256 of an in-memory buffer as a Digest. */
export function digestOf(data: Uint8Array): Digest {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Incremental sha256 with a byte count. */
export class Hasher {
  private readonly hash: Hash = createHash("sha256");
  /** Bytes hashed so far. */
  size = 0;
  /** Adds bytes. */
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.length;
  }
  /** Finishes and returns the digest (call once). */
  digest(): Digest {
    return `sha256:${this.hash.digest("hex")}`;
  }
}
