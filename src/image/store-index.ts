/**
 * The store's index (`repositories.json`): `name:tag` → image id (config digest), and one record per image with
 * what listing, inspection, overlay mounts and garbage collection need. Pure operations on the data,
 * plus read / atomic-write helpers. The file is replaced atomically (tmp → fsync → rename).
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "./blobs.js";
import { type Digest, isDigest } from "./digest.js";
import { ImageError, ImageErrorCode } from "./errors.js";

/** One layer of an image as the store keeps it. */
export interface LayerRecord {
  /** Digest of the layer blob as stored (compressed or not). */
  readonly digest: Digest;
  /** Digest of the uncompressed tar; names the unpacked dir `layers/<hex>`. */
  readonly diffId: Digest;
  readonly mediaType: string;
  /** Blob size in bytes. */
  readonly size: number;
  /** Sum of regular-file sizes once unpacked. */
  readonly unpackedSize: number;
}

/**
 * One image in the store, keyed by its id = config digest (as Docker): the same image loaded from an
 * OCI layout and from a `docker save` tar (different manifests, same config) is one image.
 */
export interface ImageRecord {
  /** The manifest it was last loaded with. */
  readonly manifestDigest: Digest;
  /** The image id. */
  readonly configDigest: Digest;
  /** Bottom-up. */
  readonly layers: readonly LayerRecord[];
  readonly created: string | null;
  readonly loadedAt: string;
}

/** The whole index file. */
export interface StoreIndex {
  readonly version: 1;
  /** `name:tag` → image id (config digest). */
  readonly tags: Readonly<Record<string, Digest>>;
  readonly images: Readonly<Record<string, ImageRecord>>;
}

/** An index with nothing in it. */
export function emptyIndex(): StoreIndex {
  return { version: 1, tags: {}, images: {} };
}

/** Reads the index file; a missing file is an empty index, a corrupt one is an error naming the file. */
export function readIndex(file: string): StoreIndex {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyIndex();
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ImageError(ImageErrorCode.BadManifest, `image index ${file} is corrupt: not valid JSON`, { cause: err });
  }
  const idx = parsed as Partial<StoreIndex>;
  if (idx.version !== 1 || typeof idx.tags !== "object" || typeof idx.images !== "object" || idx.tags === null || idx.images === null) {
    throw new ImageError(ImageErrorCode.BadManifest, `image index ${file} is corrupt: unexpected shape or version`);
  }
  for (const [tag, d] of Object.entries(idx.tags)) {
    if (!isDigest(d) || idx.images[d] === undefined) {
      throw new ImageError(ImageErrorCode.BadManifest, `image index ${file} is corrupt: tag ${tag} points to unknown image ${d}`);
    }
  }
  return idx as StoreIndex;
}

/** Writes the index atomically. */
export function writeIndex(file: string, index: StoreIndex): void {
  writeFileAtomic(file, `${JSON.stringify(index, null, 1)}\n`);
}

/** Adds (or refreshes) an image and points `names` at it; tags move from any previous image. */
export function withImage(index: StoreIndex, image: ImageRecord, names: readonly string[]): StoreIndex {
  const previous = index.images[image.configDigest];
  const tags = { ...index.tags };
  for (const n of names) tags[n] = image.configDigest;
  return {
    ...index,
    tags,
    images: { ...index.images, [image.configDigest]: previous ? { ...image, loadedAt: previous.loadedAt } : image },
  };
}

/** Tags pointing at an image, sorted. */
export function tagsOf(index: StoreIndex, id: Digest): string[] {
  return Object.entries(index.tags)
    .filter(([, d]) => d === id)
    .map(([t]) => t)
    .sort();
}

/** Removes a tag (the image stays, possibly untagged). */
export function withoutTag(index: StoreIndex, tag: string): StoreIndex {
  const tags = { ...index.tags };
  delete tags[tag];
  return { ...index, tags };
}

/** Removes an image and every tag pointing at it. */
export function withoutImage(index: StoreIndex, id: Digest): StoreIndex {
  const tags = Object.fromEntries(Object.entries(index.tags).filter(([, d]) => d !== id));
  const images = { ...index.images };
  delete images[id];
  return { ...index, tags, images };
}

/** Blobs (manifests, configs, layers) and layer diff ids still referenced by some image. */
export function referencedContent(index: StoreIndex): { blobs: Set<Digest>; diffIds: Set<Digest> } {
  const blobs = new Set<Digest>();
  const diffIds = new Set<Digest>();
  for (const img of Object.values(index.images)) {
    blobs.add(img.manifestDigest);
    blobs.add(img.configDigest);
    for (const l of img.layers) {
      blobs.add(l.digest);
      diffIds.add(l.diffId);
    }
  }
  return { blobs, diffIds };
}

/** A layer record for a diff id already known to the index, if any (to skip re-unpacking). */
export function knownLayer(index: StoreIndex, blobDigest: Digest): LayerRecord | undefined {
  for (const img of Object.values(index.images)) {
    for (const l of img.layers) if (l.digest === blobDigest) return l;
  }
  return undefined;
}
