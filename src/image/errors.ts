/**
 * Errors of the image store. One class per failure family, each with a stable code; messages name the
 * archive entry, digest or reference involved so a user can see what was refused and why.
 */
import { SwarmError } from "../lib/errors.js";

/** Stable codes of image-store errors. */
export const ImageErrorCode = {
  /** A tar archive is malformed or truncated. */
  BadArchive: "IMAGE_BAD_ARCHIVE",
  /** An archive entry tries to escape its root or is a forbidden kind (device, link out of the layer). */
  UnsafeEntry: "IMAGE_UNSAFE_ENTRY",
  /** Content does not match the digest (or size) that names it. */
  DigestMismatch: "IMAGE_DIGEST_MISMATCH",
  /** index.json / manifest / config is missing or invalid. */
  BadManifest: "IMAGE_BAD_MANIFEST",
  /** A reference (name:tag, digest, id) is malformed. */
  BadReference: "IMAGE_BAD_REFERENCE",
  /** No image matches the reference. */
  NotFound: "IMAGE_NOT_FOUND",
  /** A short id matches several images. */
  Ambiguous: "IMAGE_AMBIGUOUS",
  /** The image is used by a prepared container rootfs. */
  InUse: "IMAGE_IN_USE",
  /** A host tool or kernel feature the store needs is missing or failed (mount, mknod, setfattr). */
  Host: "IMAGE_HOST",
} as const;

/** One of {@link ImageErrorCode}. */
export type ImageErrorCode = (typeof ImageErrorCode)[keyof typeof ImageErrorCode];

/** Any error raised by the image store. */
export class ImageError extends SwarmError {
  constructor(code: ImageErrorCode, message: string, options: { cause?: unknown; fields?: Record<string, unknown> } = {}) {
    super(code, message, options);
  }
}

/** The tar stream itself is malformed (bad checksum, bad number, truncated, oversized metadata). */
export class TarFormatError extends ImageError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(ImageErrorCode.BadArchive, message, options);
  }
}

/** An entry is refused for safety: path escape, device node, link out of the layer. */
export class UnsafeEntryError extends ImageError {
  /** The entry's path as it appears in the archive. */
  readonly entryPath: string;
  constructor(entryPath: string, reason: string) {
    super(ImageErrorCode.UnsafeEntry, `tar entry ${JSON.stringify(entryPath)}: ${reason}`, { fields: { entryPath } });
    this.entryPath = entryPath;
  }
}

/** Content hashed to something else than the digest that names it. */
export class DigestMismatchError extends ImageError {
  constructor(what: string, expected: string, actual: string) {
    super(ImageErrorCode.DigestMismatch, `${what}: digest mismatch: expected ${expected}, got ${actual}`, {
      fields: { expected, actual },
    });
  }
}
