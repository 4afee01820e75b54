/**
 * Reads an image archive (OCI image-layout tar or `docker save` tar) into a staging directory and
 * interprets it into image candidates: manifest + config + layer blobs, each a staged file whose digest
 * was computed while it was written. Nothing here touches the store proper; the store commits the
 * candidates only after every check (digests, sizes, layer contents) has passed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { type StagedBlob, stageBuffer, StagingWriter } from "./blobs.js";
import { type Digest, digestHex, parseDigest } from "./digest.js";
import { DigestMismatchError, ImageError, ImageErrorCode, UnsafeEntryError } from "./errors.js";
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  type Descriptor,
  hostArchitecture,
  isIndexMediaType,
  MediaType,
  parseImageIndex,
  parseImageManifest,
  parseJsonObject,
  serializeImageManifest,
} from "./manifest.js";
import { parseReference } from "./reference.js";
import { TarParser } from "./tar/parser.js";
import { normalizeEntryPath, resolveInArchive } from "./tar/paths.js";
import { detectCompression } from "./unpack.js";

/** One image found in an archive, ready for verification and commit. */
export interface ImageCandidate {
  /** `name:tag` references to point at it (may be empty: an untagged image). */
  readonly names: readonly string[];
  readonly manifest: StagedBlob;
  readonly config: StagedBlob;
  readonly layers: readonly { readonly blob: StagedBlob; readonly mediaType: string }[];
}

/** The archive's members after staging: regular files and the links between them. */
export class StagedArchive {
  private readonly files = new Map<string, StagedBlob>();
  private readonly links = new Map<string, string>();
  private count = 0;

  constructor(private readonly dir: string) {}

  /** Streams the outer tar into the staging dir (every regular member becomes a staged file). */
  async read(source: Readable, maxEntries = 100_000): Promise<void> {
    const parser = new TarParser();
    let writer: StagingWriter | undefined;
    let current = "";
    const onEvents = (events: ReturnType<TarParser["push"]>): void => {
      for (const ev of events) {
        if (ev.type === "entry") {
          const e = ev.entry;
          const path = normalizeEntryPath(e.path);
          if (++this.count > maxEntries) throw new ImageError(ImageErrorCode.BadArchive, `image archive has more than ${maxEntries} entries`);
          if (e.type === "file") {
            current = path;
            writer = new StagingWriter(join(this.dir, `member-${this.count}`));
          } else if (e.type === "symlink") {
            this.links.set(path, resolveInArchive(path, e.linkPath, "link-dir"));
          } else if (e.type === "hardlink") {
            this.links.set(path, normalizeEntryPath(e.linkPath));
          } else if (e.type !== "directory") {
            throw new UnsafeEntryError(e.path, `${e.type} is not allowed in an image archive`);
          }
        } else if (ev.type === "data") {
          writer?.write(ev.chunk);
        } else if (ev.type === "entryEnd" && writer !== undefined) {
          this.files.set(current, writer.finish());
          writer = undefined;
        }
      }
    };
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) onEvents(parser.push(chunk));
      onEvents(parser.finish());
    } finally {
      writer?.close();
    }
  }

  /** Member paths (files and links), for error messages. */
  paths(): string[] {
    return [...this.files.keys(), ...this.links.keys()].sort();
  }

  /** The staged file at `path`, following archive-internal links; undefined when absent. */
  lookup(path: string): StagedBlob | undefined {
    let p = path;
    for (let hops = 0; hops < 16; hops++) {
      const f = this.files.get(p);
      if (f !== undefined) return f;
      const next = this.links.get(p);
      if (next === undefined) return undefined;
      p = next;
    }
    throw new ImageError(ImageErrorCode.BadArchive, `image archive: too many links resolving ${JSON.stringify(path)}`);
  }

  /** Like lookup, but missing is an error naming the member. */
  require(path: string, what: string): StagedBlob {
    const f = this.lookup(normalizeEntryPath(path));
    if (f === undefined) throw new ImageError(ImageErrorCode.BadManifest, `image archive: ${what} ${JSON.stringify(path)} is missing`);
    return f;
  }

  /** Reads a small staged member (JSON documents), bounded to 4 MiB. */
  readSmall(blob: StagedBlob, what: string): Buffer {
    if (blob.size > 4 << 20) throw new ImageError(ImageErrorCode.BadManifest, `image archive: ${what} is ${blob.size} bytes, larger than 4 MiB`);
    return readFileSync(blob.file);
  }

  /** Writes a synthesized blob (e.g. an OCI manifest for a docker-save image) into staging. */
  stage(data: Uint8Array): StagedBlob {
    return stageBuffer(join(this.dir, `synth-${++this.count}`), data);
  }

  /** Interprets the archive: OCI layout when `oci-layout` is present, else `docker save` (manifest.json). */
  candidates(): ImageCandidate[] {
    const hasDockerManifest = this.lookup("manifest.json") !== undefined;
    if (this.lookup("oci-layout") !== undefined && this.lookup("index.json") !== undefined) {
      const oci = this.ociCandidates();
      // Docker ≥ 25 writes both layouts; when index.json carries no names, take RepoTags from manifest.json.
      if (!hasDockerManifest || oci.every((c) => c.names.length > 0)) return oci;
      const byConfig = new Map(this.dockerSaveCandidates().map((c) => [c.config.digest, c.names]));
      return oci.map((c) => (c.names.length > 0 ? c : { ...c, names: byConfig.get(c.config.digest) ?? [] }));
    }
    if (hasDockerManifest) return this.dockerSaveCandidates();
    const shown = this.paths().slice(0, 8).join(", ");
    throw new ImageError(ImageErrorCode.BadManifest, `not an image archive: neither oci-layout + index.json nor manifest.json found (entries: ${shown || "none"})`);
  }

  /** A blob of an OCI layout, verified against its descriptor (digest and size). */
  private ociBlob(d: Descriptor, what: string): StagedBlob {
    const path = `blobs/sha256/${digestHex(d.digest)}`;
    const blob = this.require(path, what);
    if (blob.digest !== d.digest) throw new DigestMismatchError(`${what} ${path}`, d.digest, blob.digest);
    if (blob.size !== d.size) throw new ImageError(ImageErrorCode.DigestMismatch, `${what} ${path}: size ${blob.size} does not match descriptor size ${d.size}`);
    return blob;
  }

  private ociCandidates(): ImageCandidate[] {
    const layout = parseJsonObject(this.readSmall(this.require("oci-layout", "oci-layout"), "oci-layout"), "oci-layout");
    if (typeof layout.imageLayoutVersion !== "string") throw new ImageError(ImageErrorCode.BadManifest, "oci-layout: imageLayoutVersion is missing");
    const index = parseImageIndex(this.readSmall(this.require("index.json", "index"), "index.json"), "index.json");
    if (index.manifests.length === 0) throw new ImageError(ImageErrorCode.BadManifest, "index.json: manifests is empty");
    return index.manifests.map((desc, i) => {
      const manifestDesc = this.pickPlatform(desc, `index.json manifests[${i}]`);
      const manifestBlob = this.ociBlob(manifestDesc, "manifest");
      const manifest = parseImageManifest(this.readSmall(manifestBlob, "manifest"), `manifest ${manifestDesc.digest}`);
      return {
        names: namesFromAnnotations(desc.annotations),
        manifest: manifestBlob,
        config: this.ociBlob(manifest.config, "config"),
        layers: manifest.layers.map((l, j) => ({ blob: this.ociBlob(l, `layer ${j}`), mediaType: l.mediaType })),
      };
    });
  }

  /** Follows a nested index (multi-platform) to the manifest for this host (or the first one). */
  private pickPlatform(desc: Descriptor, what: string, depth = 0): Descriptor {
    if (!isIndexMediaType(desc.mediaType)) return desc;
    if (depth > 2) throw new ImageError(ImageErrorCode.BadManifest, `${what}: image indexes nested too deeply`);
    const nested = parseImageIndex(this.readSmall(this.ociBlob(desc, "index"), "index"), `index ${desc.digest}`);
    const arch = hostArchitecture();
    const chosen = nested.manifests.find((m) => m.platform?.os === "linux" && m.platform.architecture === arch);
    if (chosen === undefined) throw new ImageError(ImageErrorCode.BadManifest, `${what}: no manifest for linux/${arch} in index ${desc.digest}`);
    return this.pickPlatform(chosen, what, depth + 1);
  }

  private dockerSaveCandidates(): ImageCandidate[] {
    const doc = "manifest.json";
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.readSmall(this.require(doc, "manifest"), doc).toString("utf8"));
    } catch (err) {
      if (err instanceof ImageError) throw err;
      throw new ImageError(ImageErrorCode.BadManifest, `${doc}: not valid JSON`, { cause: err });
    }
    if (!Array.isArray(parsed) || parsed.length === 0) throw new ImageError(ImageErrorCode.BadManifest, `${doc}: expected a non-empty array`);
    const repositories = this.repositoriesTags();
    return parsed.map((raw: unknown, i) => {
      const at = `${doc}[${i}]`;
      if (typeof raw !== "object" || raw === null) throw new ImageError(ImageErrorCode.BadManifest, `${at} is not an object`);
      const m = raw as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
      if (typeof m.Config !== "string") throw new ImageError(ImageErrorCode.BadManifest, `${at}.Config is not a string`);
      if (!Array.isArray(m.Layers) || !m.Layers.every((l): l is string => typeof l === "string")) {
        throw new ImageError(ImageErrorCode.BadManifest, `${at}.Layers is not an array of paths`);
      }
      const tags = m.RepoTags ?? null;
      if (tags !== null && (!Array.isArray(tags) || !tags.every((t): t is string => typeof t === "string"))) {
        throw new ImageError(ImageErrorCode.BadManifest, `${at}.RepoTags is not an array of strings`);
      }
      const config = this.require(m.Config, "config");
      // Config is named by its digest (`<hex>.json` or `blobs/sha256/<hex>`): verify it.
      const named = /([0-9a-f]{64})(\.json)?$/.exec(m.Config)?.[1];
      if (named !== undefined && `sha256:${named}` !== config.digest) throw new DigestMismatchError(`config ${m.Config}`, `sha256:${named}`, config.digest);
      const layers = m.Layers.map((path, j) => {
        const blob = this.require(path, `layer ${j}`);
        const namedLayer = /blobs\/sha256\/([0-9a-f]{64})$/.exec(path)?.[1];
        if (namedLayer !== undefined && `sha256:${namedLayer}` !== blob.digest) throw new DigestMismatchError(`layer ${path}`, `sha256:${namedLayer}`, blob.digest);
        const gz = detectCompression(blob.file, `layer ${path}`) === "gzip";
        return { blob, mediaType: gz ? MediaType.OciLayerGzip : MediaType.OciLayer };
      });
      const manifestBytes = serializeImageManifest(
        { mediaType: MediaType.OciConfig, digest: config.digest, size: config.size, annotations: {} },
        layers.map((l) => ({ mediaType: l.mediaType, digest: l.blob.digest, size: l.blob.size, annotations: {} })),
      );
      const names = (tags ?? (parsed.length === 1 ? repositories : [])).map((t) => canonicalName(t, `${at}.RepoTags`));
      return { names, manifest: this.stage(manifestBytes), config, layers };
    });
  }

  /** `name:tag` list from the legacy `repositories` file ({"name": {"tag": "<layer id>"}}). */
  private repositoriesTags(): string[] {
    const f = this.lookup("repositories");
    if (f === undefined) return [];
    const o = parseJsonObject(this.readSmall(f, "repositories"), "repositories");
    const out: string[] = [];
    for (const [name, tags] of Object.entries(o)) {
      if (typeof tags === "object" && tags !== null && !Array.isArray(tags)) for (const tag of Object.keys(tags)) out.push(`${name}:${tag}`);
    }
    return out;
  }
}

/**
 * Normalizes `name[:tag]` to `name:tag`, refusing digests and malformed names. Docker Hub's implicit
 * prefixes are dropped (`docker.io/library/busybox` → `busybox`), as Docker displays them.
 */
export function canonicalName(ref: string, field: string): string {
  const r = parseReference(ref);
  if (r.kind !== "named") throw new ImageError(ImageErrorCode.BadReference, `${field}: ${JSON.stringify(ref)} is not a name:tag`);
  const name = r.name.replace(/^(docker\.io|index\.docker\.io)\/(library\/)?/, "");
  return `${name}:${r.tag}`;
}

function namesFromAnnotations(a: Readonly<Record<string, string>>): string[] {
  const full = a[ANNOTATION_IMAGE_NAME];
  if (full !== undefined) return [canonicalName(full, `annotation ${ANNOTATION_IMAGE_NAME}`)];
  const ref = a[ANNOTATION_REF_NAME];
  // A bare tag ("1") without a repository name cannot name an image on its own: load it untagged.
  if (ref !== undefined && /[/:]/.test(ref)) return [canonicalName(ref, `annotation ${ANNOTATION_REF_NAME}`)];
  return [];
}

/** Exposed for tests: a digest's blob path inside an OCI layout. */
export function ociBlobPath(d: Digest): string {
  return `blobs/sha256/${digestHex(parseDigest(d, "digest"))}`;
}
