/**
 * The manager's image store: service images are pinned to their manifest digest from it (so every
 * node runs the same bits), and workers that miss an image fetch it from here.
 */
import { SwarmError, ErrorCode, errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { ImageError, ImageErrorCode } from "../image/errors.js";
import { registryOf } from "../image/reference.js";
import { DEFAULT_REGISTRY_ACCESS, pullReference, type RegistryAccess } from "../image/distribution/registries.js";
import type { ImageStore } from "../image/store.js";
import type { ImagePinner } from "./controlapi/services.js";

/**
 * Pins image references to their manifest digest in `images`. An image the store lacks whose
 * reference names a registry (`HOST[:PORT]/REPO:TAG`) is pulled from it first; workers then fetch it
 * from this manager (or from the registry themselves).
 */
export function storeImagePinner(images: ImageStore, logger: Logger, access: RegistryAccess = DEFAULT_REGISTRY_ACCESS): ImagePinner {
  return async (image) => {
    let resolved;
    try {
      resolved = images.resolve(image);
    } catch (err) {
      if (!(err instanceof ImageError && err.code === ImageErrorCode.NotFound) || registryOf(image) === undefined) {
        throw new SwarmError(ErrorCode.NotFound, `image ${image} is not in this manager's image store: load it with \`swarmctl image load FILE\` (${errorMessage(err)})`, { cause: err });
      }
      const started = Date.now();
      try {
        const pulled = await pullReference({ ref: image, store: images, access, logger });
        logger.info({ image, manifest: pulled.image.manifestDigest, blobs: pulled.downloaded.length, ms: Date.now() - started }, "image pulled from its registry to pin it");
      } catch (pullErr) {
        throw new SwarmError(ErrorCode.NotFound, `image ${image} is not in this manager's image store and pulling it failed: ${errorMessage(pullErr)}`, { cause: pullErr });
      }
      resolved = images.resolve(image);
    }
    const name = image.includes("@") ? image.slice(0, image.indexOf("@")) : image;
    return /^[0-9a-f]{4,64}$/.test(image) || image.startsWith("sha256:") ? resolved.record.manifestDigest : `${name}@${resolved.record.manifestDigest}`;
  };
}
