/**
 * The node-local image store. Layout under `root` (default /var/lib/swarmd/images):
 *
 *   blobs/sha256/<hex>      manifests, configs, layer blobs (content-addressed, verified)
 *   layers/<diffid hex>/    each layer unpacked once, shared read-only by every container (overlay lower)
 *   repositories.json       name:tag → image id (config digest), plus one record per image
 *   containers/<key>.json   prepared container rootfs using an image (blocks `remove`)
 *   tmp/                    staging: loads unpack and hash here, then rename into place
 *   lock                    cross-process lock for commits
 *
 * Loading is all-or-nothing: every blob is hashed while staged, every layer unpacked into staging and
 * its diff id checked against the config, and only then blobs, layers and the index are renamed into
 * place. A refused archive leaves nothing behind.
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { type Logger, silentLogger } from "../lib/logger.js";
import { canonicalName, type ImageCandidate, StagedArchive } from "./archive.js";
import { BlobStore, fsyncDir, type StagedBlob } from "./blobs.js";
import { type Digest, digestHex, isDigest } from "./digest.js";
import { DigestMismatchError, ImageError, ImageErrorCode } from "./errors.js";
import { withFileLock } from "./lock.js";
import { type ImageConfig, parseImageConfig } from "./manifest.js";
import { parseReference } from "./reference.js";
import {
  type ImageRecord,
  knownLayer,
  type LayerRecord,
  readIndex,
  referencedContent,
  type StoreIndex,
  tagsOf,
  withImage,
  withoutImage,
  withoutTag,
  writeIndex,
} from "./store-index.js";
import { unpackLayer } from "./unpack.js";

/** Default store location on a node. */
export const DEFAULT_IMAGE_STORE = "/var/lib/swarmd/images";

/** Options for {@link ImageStore.open}. */
export interface ImageStoreOptions {
  /** Store directory (created if missing). */
  readonly root?: string;
  readonly logger?: Logger;
  /** Clock for `loadedAt` / import `created` (injectable for tests). */
  readonly now?: () => Date;
  /** Largest uncompressed layer accepted, in bytes (default 64 GiB): bounds gzip bombs. */
  readonly maxLayerBytes?: number;
}

/** Default {@link ImageStoreOptions.maxLayerBytes}. */
export const DEFAULT_MAX_LAYER_BYTES = 64 * 1024 ** 3;

/** What a load or import added. */
export interface LoadedImage {
  readonly names: readonly string[];
  readonly manifestDigest: Digest;
  /** The image id. */
  readonly configDigest: Digest;
}

/** A resolved image: its record, tags and parsed config. */
export interface ResolvedImage {
  readonly record: ImageRecord;
  readonly tags: readonly string[];
  readonly config: ImageConfig;
}

/** Outcome of {@link ImageStore.remove}. */
export interface RemoveResult {
  readonly untagged: readonly string[];
  /** Image ids (config digests) deleted. */
  readonly deleted: readonly Digest[];
}

/** A use of an image by a prepared container rootfs, persisted under containers/. */
export interface ContainerUse {
  /** Image id (config digest). */
  readonly imageId: Digest;
  readonly containerDir: string;
  readonly rootfs: string;
}

/** The image store; see the module comment. */
export class ImageStore {
  readonly root: string;
  readonly blobs: BlobStore;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly maxLayerBytes: number;

  private constructor(root: string, log: Logger, now: () => Date, maxLayerBytes: number) {
    this.root = root;
    this.log = log;
    this.now = now;
    this.maxLayerBytes = maxLayerBytes;
    for (const d of ["layers", "tmp", "containers"]) mkdirSync(join(root, d), { recursive: true, mode: 0o700 });
    this.blobs = new BlobStore(root);
  }

  /** Opens (creating if needed) a store. */
  static open(options: ImageStoreOptions = {}): ImageStore {
    const root = options.root ?? DEFAULT_IMAGE_STORE;
    if (/[,:]/.test(root)) throw new ImageError(ImageErrorCode.Host, `image store root ${JSON.stringify(root)} must not contain ',' or ':' (overlay mount options)`);
    return new ImageStore(root, options.logger ?? silentLogger(), options.now ?? (() => new Date()), options.maxLayerBytes ?? DEFAULT_MAX_LAYER_BYTES);
  }

  /** `repositories.json`. */
  get indexFile(): string {
    return join(this.root, "repositories.json");
  }

  /** The unpacked directory of a layer. */
  layerDir(diffId: Digest): string {
    return join(this.root, "layers", digestHex(diffId));
  }

  /** Reads the current index. */
  index(): StoreIndex {
    return readIndex(this.indexFile);
  }

  /** Runs `fn` under the store's cross-process lock. */
  locked<T>(fn: () => Promise<T> | T): Promise<T> {
    return withFileLock(join(this.root, "lock"), fn);
  }

  /** A fresh staging directory under tmp/. */
  stagingDir(prefix: string): string {
    return mkdtempSync(join(this.root, "tmp", `${prefix}-`));
  }

  /** Loads an OCI-layout or docker-save archive (a path or a byte stream). All-or-nothing. */
  async load(source: string | Readable): Promise<LoadedImage[]> {
    const staging = this.stagingDir("load");
    try {
      const archive = new StagedArchive(staging);
      await archive.read(typeof source === "string" ? createReadStream(source) : source);
      return await this.commitCandidates(archive.candidates(), staging);
    } catch (err) {
      if (err instanceof ImageError && typeof source === "string") err.message = `${source}: ${err.message}`;
      const e = err as NodeJS.ErrnoException;
      if (e.code === "ENOENT" && typeof source === "string" && e.path === source) {
        throw new ImageError(ImageErrorCode.NotFound, `${source}: no such file`, { cause: err });
      }
      throw err;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  /**
   * Verifies candidates (configs, layer diff ids), unpacks their new layers into `staging`, then commits
   * blobs, layers and index under the lock. Used by load and import; `staging` is removed by the caller.
   */
  async commitCandidates(candidates: readonly ImageCandidate[], staging: string): Promise<LoadedImage[]> {
    const index = this.index();
    const unpacked = new Map<Digest, { dir: string | null; diffId: Digest; unpackedSize: number }>();
    const prepared: { record: ImageRecord; names: readonly string[]; blobs: StagedBlob[] }[] = [];
    for (const c of candidates) {
      const config = parseImageConfig(await readSmallFile(c.config), `config ${c.config.digest}`);
      if (config.diffIds.length !== c.layers.length) {
        throw new ImageError(ImageErrorCode.BadManifest, `config ${c.config.digest}: rootfs.diff_ids has ${config.diffIds.length} entries but the manifest has ${c.layers.length} layers`);
      }
      const layers: LayerRecord[] = [];
      for (const [i, layer] of c.layers.entries()) {
        const diffId = config.diffIds[i] as Digest;
        let u = unpacked.get(layer.blob.digest);
        if (u === undefined) {
          const known = knownLayer(index, layer.blob.digest);
          if (known !== undefined && known.diffId === diffId && existsSync(this.layerDir(diffId))) {
            u = { dir: null, diffId, unpackedSize: known.unpackedSize };
          } else {
            const dir = join(staging, `layer-${digestHex(layer.blob.digest)}`);
            const what = `layer ${i} (${layer.blob.digest})`;
            const r = await unpackLayer(layer.blob.file, dir, what, { maxBytes: this.maxLayerBytes });
            if (r.diffId !== diffId) throw new DigestMismatchError(`${what}: uncompressed content vs config rootfs.diff_ids[${i}]`, diffId, r.diffId);
            u = { dir, diffId, unpackedSize: r.unpackedSize };
          }
          unpacked.set(layer.blob.digest, u);
        }
        if (u.diffId !== diffId) throw new DigestMismatchError(`layer ${i} (${layer.blob.digest}) vs config rootfs.diff_ids[${i}]`, diffId, u.diffId);
        layers.push({ digest: layer.blob.digest, diffId, mediaType: layer.mediaType, size: layer.blob.size, unpackedSize: u.unpackedSize });
      }
      const record: ImageRecord = {
        manifestDigest: c.manifest.digest,
        configDigest: c.config.digest,
        layers,
        created: config.created,
        loadedAt: this.now().toISOString(),
      };
      prepared.push({ record, names: c.names, blobs: [c.manifest, c.config, ...c.layers.map((l) => l.blob)] });
    }
    return this.locked(() => {
      const committed = new Set<string>();
      for (const p of prepared) {
        for (const b of p.blobs) {
          if (committed.has(b.file)) continue;
          committed.add(b.file);
          this.blobs.commit(b);
        }
      }
      this.blobs.sync();
      for (const u of unpacked.values()) {
        if (u.dir === null) {
          if (!existsSync(this.layerDir(u.diffId))) {
            throw new ImageError(ImageErrorCode.NotFound, `layer ${u.diffId} was removed while loading; load again`);
          }
          continue;
        }
        const target = this.layerDir(u.diffId);
        if (existsSync(target)) rmSync(u.dir, { recursive: true, force: true });
        else renameSync(u.dir, target);
      }
      fsyncDir(join(this.root, "layers"));
      let next = this.index();
      for (const p of prepared) next = withImage(next, p.record, p.names);
      writeIndex(this.indexFile, next);
      this.collectGarbage(next); // e.g. the previous manifest of a re-loaded image
      for (const p of prepared) this.log.info({ image: p.record.manifestDigest, names: p.names }, "image loaded");
      return prepared.map((p) => ({ names: p.names, manifestDigest: p.record.manifestDigest, configDigest: p.record.configDigest }));
    });
  }

  /**
   * Resolves `name:tag`, `name` (→ :latest), `name@sha256:…`, a manifest or config digest, or a short
   * image-id prefix (≥ 4 hex chars, unique). Throws NotFound / Ambiguous with the reference named.
   */
  resolve(ref: string, index: StoreIndex = this.index()): ResolvedImage {
    const record = this.resolveRecord(ref, index);
    const config = parseImageConfig(this.blobs.read(record.configDigest), `config ${record.configDigest}`);
    return { record, tags: tagsOf(index, record.configDigest), config };
  }

  private resolveRecord(ref: string, index: StoreIndex): ImageRecord {
    const parsed = parseReference(ref);
    const images = Object.values(index.images);
    const notFound = (): ImageError => new ImageError(ImageErrorCode.NotFound, `no such image: ${ref}`, { fields: { ref } });
    if (parsed.kind === "named") {
      const d = index.tags[`${parsed.name}:${parsed.tag}`];
      const hit = d === undefined ? undefined : index.images[d];
      if (hit !== undefined) return hit;
      if (!/^[0-9a-f]{4,64}$/.test(ref)) throw notFound();
    }
    if (parsed.kind === "digest") {
      const hit = images.find((i) => i.manifestDigest === parsed.digest || i.configDigest === parsed.digest);
      if (hit === undefined) throw notFound();
      return hit;
    }
    const prefix = parsed.kind === "idPrefix" ? parsed.prefix : ref;
    const hits = images.filter((i) => digestHex(i.configDigest).startsWith(prefix) || digestHex(i.manifestDigest).startsWith(prefix));
    if (hits.length === 0) throw notFound();
    if (hits.length > 1) throw new ImageError(ImageErrorCode.Ambiguous, `image id prefix ${ref} matches ${hits.length} images; use more characters`);
    return hits[0] as ImageRecord;
  }

  /** Every image with its tags (untagged images included). */
  list(): { record: ImageRecord; tags: string[] }[] {
    const index = this.index();
    return Object.values(index.images).map((record) => ({ record, tags: tagsOf(index, record.configDigest) }));
  }

  /** Containers currently registered as using an image (stale records — rootfs no longer mounted — are dropped). */
  usesOf(imageId: Digest, isMounted: (path: string) => boolean): ContainerUse[] {
    const dir = join(this.root, "containers");
    const out: ContainerUse[] = [];
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      let use: ContainerUse;
      try {
        use = JSON.parse(readFileSync(file, "utf8")) as ContainerUse;
      } catch {
        continue;
      }
      if (use.imageId !== imageId) continue;
      if (isMounted(use.rootfs)) out.push(use);
      else rmSync(file, { force: true });
    }
    return out;
  }

  /**
   * Removes a reference. A tag shared with other tags is only untagged; the last reference (or a digest /
   * id reference) deletes the image — refused while a container uses it — and garbage-collects blobs and
   * layers no other image needs.
   */
  async remove(ref: string, isMounted: (path: string) => boolean, options: { force?: boolean } = {}): Promise<RemoveResult> {
    return this.locked(() => {
      let index = this.index();
      const record = this.resolveRecord(ref, index);
      const tags = tagsOf(index, record.configDigest);
      const parsed = parseReference(ref);
      const asTag = parsed.kind === "named" ? `${parsed.name}:${parsed.tag}` : undefined;
      if (asTag !== undefined && tags.includes(asTag) && tags.length > 1) {
        writeIndex(this.indexFile, withoutTag(index, asTag));
        return { untagged: [asTag], deleted: [] };
      }
      if ((asTag === undefined || !tags.includes(asTag)) && tags.length > 1 && options.force !== true) {
        throw new ImageError(ImageErrorCode.InUse, `image ${record.configDigest.slice(7, 19)} is referenced by ${tags.length} tags (${tags.join(", ")}): remove a tag, or force`);
      }
      const uses = this.usesOf(record.configDigest, isMounted);
      if (uses.length > 0) {
        const shown = tags[0] ?? record.configDigest;
        throw new ImageError(ImageErrorCode.InUse, `image ${shown} is in use by ${uses.length} container(s) (rootfs ${uses.map((u) => u.rootfs).join(", ")}); remove them first`);
      }
      index = withoutImage(index, record.configDigest);
      writeIndex(this.indexFile, index);
      this.collectGarbage(index);
      return { untagged: tags, deleted: [record.configDigest] };
    });
  }

  /** Points `target` (name[:tag]) at the image `ref` resolves to; the tag moves if it named another image. */
  async tag(ref: string, target: string): Promise<string> {
    const name = canonicalName(target, "target");
    return this.locked(() => {
      const index = this.index();
      const record = this.resolveRecord(ref, index);
      writeIndex(this.indexFile, withImage(index, record, [name]));
      return name;
    });
  }

  /** Deletes blobs and unpacked layers no image references (call under the lock). */
  private collectGarbage(index: StoreIndex): void {
    const { blobs, diffIds } = referencedContent(index);
    for (const d of this.blobs.list()) if (!blobs.has(d)) this.blobs.remove(d);
    for (const hex of readdirSync(join(this.root, "layers"))) {
      const d = `sha256:${hex}`;
      if (isDigest(d) && !diffIds.has(d)) rmSync(join(this.root, "layers", hex), { recursive: true, force: true });
    }
  }
}

async function readSmallFile(blob: StagedBlob): Promise<Buffer> {
  if (blob.size > 4 << 20) throw new ImageError(ImageErrorCode.BadManifest, `config ${blob.digest} is ${blob.size} bytes, larger than 4 MiB`);
  return readFile(blob.file);
}
