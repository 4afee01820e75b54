/**
 * Builders of image archives from in-memory layers (deterministic): an OCI image-layout tar and a
 * `docker save` tar (legacy layout: `<id>/layer.tar`, `<hex>.json`, manifest.json, repositories).
 * Used by the test-image script and by tests that need valid — or deliberately broken — archives.
 */
import { gzipSync } from "node:zlib";
import { type Digest, digestHex, digestOf } from "../digest.js";
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  type ContainerConfigInput,
  hostArchitecture,
  MediaType,
  serializeImageConfig,
  serializeImageManifest,
} from "../manifest.js";
import { encodeTar, type TarWriteEntry } from "../tar/writer.js";

/** Fixed timestamp of test images (2024-01-01T00:00:00Z) so digests are stable. */
export const TEST_IMAGE_EPOCH = 1_704_067_200;

/** One image to put into an archive. */
export interface ImageSpec {
  /** `name:tag`, e.g. `demo/web:1`. */
  readonly name: string;
  /** Uncompressed layer tars, bottom-up. */
  readonly layers: readonly Buffer[];
  readonly config: ContainerConfigInput;
  /** gzip the layers (OCI archives only; default true). */
  readonly gzip?: boolean;
}

/** The blobs of one image, as an OCI layout names them. */
export interface ImageBlobs {
  readonly manifest: Buffer;
  readonly manifestDigest: Digest;
  readonly config: Buffer;
  readonly configDigest: Digest;
  readonly layers: readonly { readonly blob: Buffer; readonly digest: Digest; readonly diffId: Digest; readonly mediaType: string }[];
}

const created = new Date(TEST_IMAGE_EPOCH * 1000).toISOString();

/** Computes config, manifest and layer blobs of an image. */
export function imageBlobs(spec: ImageSpec): ImageBlobs {
  const gzip = spec.gzip ?? true;
  const layers = spec.layers.map((tar) => {
    const blob = gzip ? gzipSync(tar, { level: 6 }) : tar;
    return { blob, digest: digestOf(blob), diffId: digestOf(tar), mediaType: gzip ? MediaType.OciLayerGzip : MediaType.OciLayer };
  });
  const config = serializeImageConfig({
    created,
    architecture: hostArchitecture(),
    config: spec.config,
    diffIds: layers.map((l) => l.diffId),
    history: layers.map(() => ({ created, created_by: "swarm build-test-images" })),
  });
  const configDigest = digestOf(config);
  const manifest = serializeImageManifest(
    { mediaType: MediaType.OciConfig, digest: configDigest, size: config.length, annotations: {} },
    layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.blob.length, annotations: {} })),
  );
  return { manifest, manifestDigest: digestOf(manifest), config, configDigest, layers };
}

const dir = (path: string): TarWriteEntry => ({ path, type: "directory", mode: 0o755, mtime: TEST_IMAGE_EPOCH });
const file = (path: string, data: Buffer): TarWriteEntry => ({ path, type: "file", mode: 0o644, mtime: TEST_IMAGE_EPOCH, data });

/** Options to break an archive on purpose (tests). */
export interface ArchiveTampering {
  /** Replace the content of the blob with this digest (keeping its name). */
  readonly corruptBlob?: Digest;
  /** Leave this blob out. */
  readonly dropBlob?: Digest;
}

/** Builds an OCI image-layout tar holding the given images. */
export function buildOciArchive(specs: readonly ImageSpec[], tamper: ArchiveTampering = {}): Buffer {
  const blobs = new Map<Digest, Buffer>();
  const manifests: Record<string, unknown>[] = [];
  for (const spec of specs) {
    const b = imageBlobs(spec);
    blobs.set(b.manifestDigest, b.manifest);
    blobs.set(b.configDigest, b.config);
    for (const l of b.layers) blobs.set(l.digest, l.blob);
    const tag = spec.name.slice(spec.name.lastIndexOf(":") + 1);
    manifests.push({
      mediaType: MediaType.OciManifest,
      digest: b.manifestDigest,
      size: b.manifest.length,
      annotations: { [ANNOTATION_IMAGE_NAME]: spec.name, [ANNOTATION_REF_NAME]: tag },
    });
  }
  const entries: TarWriteEntry[] = [
    file("oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" }))),
    file("index.json", Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests }))),
    dir("blobs"),
    dir("blobs/sha256"),
  ];
  for (const [digest, data] of [...blobs].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (digest === tamper.dropBlob) continue;
    const content = digest === tamper.corruptBlob ? Buffer.concat([data.subarray(0, Math.max(0, data.length - 1)), Buffer.from([0x5a])]) : data;
    entries.push(file(`blobs/sha256/${digestHex(digest)}`, content));
  }
  return encodeTar(entries);
}

/** Builds a legacy `docker save` tar (uncompressed layers) of one image. */
export function buildDockerSaveArchive(spec: ImageSpec): Buffer {
  const b = imageBlobs({ ...spec, gzip: false });
  const entries: TarWriteEntry[] = [];
  const layerPaths: string[] = [];
  let parent = "";
  for (const l of b.layers) {
    // Legacy layer ids chain the parent id, like Docker's v1 ids; any stable unique id will do.
    const id = digestHex(digestOf(Buffer.from(`${parent}\n${l.diffId}`)));
    entries.push(dir(id), file(`${id}/VERSION`, Buffer.from("1.0")), file(`${id}/json`, Buffer.from(JSON.stringify({ id, ...(parent ? { parent } : {}) }))));
    entries.push(file(`${id}/layer.tar`, l.blob));
    layerPaths.push(`${id}/layer.tar`);
    parent = id;
  }
  const configName = `${digestHex(b.configDigest)}.json`;
  entries.push(file(configName, b.config));
  entries.push(file("manifest.json", Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [spec.name], Layers: layerPaths }]))));
  const colon = spec.name.lastIndexOf(":");
  entries.push(file("repositories", Buffer.from(JSON.stringify({ [spec.name.slice(0, colon)]: { [spec.name.slice(colon + 1)]: parent } }))));
  return encodeTar(entries);
}
