/**
 * `image import ROOTFS.tar --tag T`: makes a one-layer image from a root filesystem tar (plain or gzip).
 * The tar is staged as the layer blob, unpacked and checked like any layer; config and manifest are
 * synthesized (created = the store's clock) and committed with the same all-or-nothing path as a load.
 */
import { createReadStream, rmSync } from "node:fs";
import { join } from "node:path";
import { StagingWriter } from "./blobs.js";
import { Hasher } from "./digest.js";
import { canonicalName } from "./archive.js";
import { ImageError, ImageErrorCode } from "./errors.js";
import { type ContainerConfigInput, hostArchitecture, MediaType, serializeImageConfig, serializeImageManifest } from "./manifest.js";
import type { ImageStore, LoadedImage } from "./store.js";
import { createGunzip } from "node:zlib";
import { detectCompression } from "./unpack.js";
import { stageBuffer } from "./blobs.js";

/** Options for {@link importRootfs}. */
export interface ImportOptions {
  /** `name[:tag]` to give the image (optional: untagged otherwise). */
  readonly tag?: string;
  readonly config?: ContainerConfigInput;
  /** Creation time to record (default: now). */
  readonly created?: Date;
  /** History comment (e.g. the source file name). */
  readonly comment?: string;
}

/** Imports a rootfs tar as a one-layer image. */
export async function importRootfs(store: ImageStore, file: string, options: ImportOptions = {}): Promise<LoadedImage> {
  const names = options.tag === undefined ? [] : [canonicalName(options.tag, "--tag")];
  const staging = store.stagingDir("import");
  try {
    const w = new StagingWriter(join(staging, "layer"));
    try {
      for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) w.write(chunk);
    } catch (err) {
      w.close();
      throw new ImageError(ImageErrorCode.BadArchive, `rootfs ${file}: cannot read: ${(err as Error).message}`, { cause: err });
    }
    const layer = w.finish();
    const gz = detectCompression(layer.file, `rootfs ${file}`) === "gzip";
    const diffId = gz ? await gunzipDigest(layer.file) : layer.digest;
    const created = (options.created ?? new Date()).toISOString();
    const configBytes = serializeImageConfig({
      created,
      architecture: hostArchitecture(),
      config: options.config ?? {},
      diffIds: [diffId],
      history: [{ created, created_by: "swarmctl image import", ...(options.comment ? { comment: options.comment } : {}) }],
    });
    const config = stageBuffer(join(staging, "config"), configBytes);
    const mediaType = gz ? MediaType.OciLayerGzip : MediaType.OciLayer;
    const manifest = stageBuffer(
      join(staging, "manifest"),
      serializeImageManifest(
        { mediaType: MediaType.OciConfig, digest: config.digest, size: config.size, annotations: {} },
        [{ mediaType, digest: layer.digest, size: layer.size, annotations: {} }],
      ),
    );
    const [loaded] = await store.commitCandidates([{ names, manifest, config, layers: [{ blob: layer, mediaType }] }], staging);
    if (loaded === undefined) throw new ImageError(ImageErrorCode.BadArchive, `rootfs ${file}: nothing imported`);
    return loaded;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function gunzipDigest(file: string): Promise<`sha256:${string}`> {
  const h = new Hasher();
  try {
    for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) h.update(chunk);
  } catch (err) {
    throw new ImageError(ImageErrorCode.BadArchive, `rootfs ${file}: gzip stream is corrupt: ${(err as Error).message}`, { cause: err });
  }
  return h.digest();
}
