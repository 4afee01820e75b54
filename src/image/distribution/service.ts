/**
 * The manager's image service (proto/images.proto): its image store served over gRPC. Workers read
 * manifests and blobs (GetBlob is resumable from an offset); `swarmctl image load` pushes an archive,
 * which the store loads all-or-nothing exactly as a local `image load`. Who may do what is a policy
 * function passed in: the TCP listener uses {@link tlsImagePolicy}, the local socket allows everything.
 */
import { Metadata, type Server, type ServerWritableStream, type ServiceError, status } from "@grpc/grpc-js";
import { createReadStream, statSync } from "node:fs";
import { Readable } from "node:stream";
import type { BlobChunk } from "../../gen/swarm/images/BlobChunk.js";
import type { GetBlobRequest__Output } from "../../gen/swarm/images/GetBlobRequest.js";
import type { GetManifestResponse } from "../../gen/swarm/images/GetManifestResponse.js";
import type { ImagesHandlers } from "../../gen/swarm/images/Images.js";
import type { PushImageChunk__Output } from "../../gen/swarm/images/PushImageChunk.js";
import { SwarmError } from "../../lib/errors.js";
import { grpcStatusOf, unaryHandler } from "../../rpc/grpc.js";
import { type Logger, silentLogger } from "../../lib/logger.js";
import { NodeRole } from "../../ca/certs.js";
import { type AuthenticatedCall, requireRole } from "../../ca/tls.js";
import { parseDigest } from "../digest.js";
import { ImageError, ImageErrorCode } from "../errors.js";
import type { ImageStore } from "../store.js";
import { protos } from "../../rpc/services.js";

/** What a caller wants to do: read (manifests, blobs, lists) or push (load an archive). */
export const ImageAction = { Read: "read", Push: "push" } as const;
/** One of {@link ImageAction}. */
export type ImageAction = (typeof ImageAction)[keyof typeof ImageAction];

/** Decides whether a call may perform an action; throws (PermissionDeniedError) to refuse. */
export type ImageAuthorizer = (call: AuthenticatedCall, action: ImageAction) => void;

/** Policy of a manager's TCP listener: any node of the cluster may read; only managers may push. */
export function tlsImagePolicy(clusterId?: string): ImageAuthorizer {
  return (call, action) => {
    const roles = action === ImageAction.Push ? [NodeRole.Manager] : [NodeRole.Worker, NodeRole.Manager];
    requireRole(call, roles, clusterId);
  };
}

/** Policy of the manager's local (root-only) socket: everything is allowed. */
export const allowAllImagePolicy: ImageAuthorizer = () => undefined;

/** Bytes per GetBlob message. */
export const BLOB_CHUNK_BYTES = 64 * 1024;

/** Options of {@link addImageService}. */
export interface ImageServiceOptions {
  readonly logger?: Logger;
  /** Largest archive PushImage accepts, in bytes (default 16 GiB). */
  readonly maxPushBytes?: number;
}

/** A gRPC status carrying the project error code, as {@link unaryHandler} sends it. */
function serviceError(err: unknown): Partial<ServiceError> {
  const metadata = new Metadata();
  if (err instanceof SwarmError) metadata.set("swarm-error-code", err.code);
  const code = err instanceof ImageError && err.code === ImageErrorCode.NotFound ? status.NOT_FOUND : grpcStatusOf(err);
  return { code, details: err instanceof Error ? err.message : String(err), metadata };
}

/** Handlers of the Images service over a store. */
export function imageHandlers(store: ImageStore, authorize: ImageAuthorizer, options: ImageServiceOptions = {}): ImagesHandlers {
  const log = options.logger ?? silentLogger();
  const maxPushBytes = options.maxPushBytes ?? 16 * 1024 ** 3;
  return {
    GetManifest: unaryHandler(async (req, call): Promise<GetManifestResponse> => {
      authorize(call, ImageAction.Read);
      const img = store.resolve(req.ref);
      const r = img.record;
      const configSize = store.blobs.read(r.configDigest).length;
      return {
        manifestDigest: r.manifestDigest,
        manifest: store.blobs.read(r.manifestDigest),
        configDigest: r.configDigest,
        configSize,
        layers: r.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size, diffId: l.diffId })),
        tags: [...img.tags],
      };
    }),
    ListImages: unaryHandler(async (_req, call) => {
      authorize(call, ImageAction.Read);
      return {
        images: store.list().map(({ record, tags }) => ({
          manifestDigest: record.manifestDigest,
          configDigest: record.configDigest,
          tags,
          size: record.layers.reduce((n, l) => n + l.size, 0),
        })),
      };
    }),
    GetBlob: (call: ServerWritableStream<GetBlobRequest__Output, BlobChunk>) => {
      // grpc-js turns an "error" event on a server stream into the call's status (destroy() would lose it).
      serveBlob(store, authorize, call, log).catch((err: unknown) => call.emit("error", serviceError(err)));
    },
    PushImage: (call, callback) => {
      (async () => {
        authorize(call, ImageAction.Push);
        let received = 0;
        async function* bytes(): AsyncGenerator<Buffer> {
          for await (const chunk of call as AsyncIterable<PushImageChunk__Output>) {
            received += chunk.data.length;
            if (received > maxPushBytes) throw new ImageError(ImageErrorCode.BadArchive, `pushed archive is larger than ${maxPushBytes} bytes`);
            yield chunk.data;
          }
        }
        const loaded = await store.load(Readable.from(bytes()));
        log.info({ images: loaded.map((l) => l.configDigest), bytes: received }, "image pushed");
        return { images: loaded.map((l) => ({ names: [...l.names], manifestDigest: l.manifestDigest, configDigest: l.configDigest })) };
      })().then(
        (res) => callback(null, res),
        (err: unknown) => callback(serviceError(err), null),
      );
    },
  };
}

async function serveBlob(store: ImageStore, authorize: ImageAuthorizer, call: ServerWritableStream<GetBlobRequest__Output, BlobChunk>, log: Logger): Promise<void> {
  authorize(call, ImageAction.Read);
  const digest = parseDigest(call.request.digest, "GetBlob digest");
  if (!store.blobs.has(digest)) throw new ImageError(ImageErrorCode.NotFound, `blob ${digest} is not in the manager's store`, { fields: { digest } });
  const path = store.blobs.path(digest);
  const size = statSync(path).size;
  const offset = call.request.offset;
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > size) {
    throw new ImageError(ImageErrorCode.BadReference, `GetBlob offset ${offset} is outside blob ${digest} of ${size} bytes`, { fields: { digest, offset } });
  }
  const stream = createReadStream(path, { start: offset, highWaterMark: BLOB_CHUNK_BYTES });
  log.debug({ digest, offset, size }, "serving blob");
  try {
    for await (const data of stream as AsyncIterable<Buffer>) {
      if (call.cancelled) return;
      if (!call.write({ data, size })) await drained(call);
    }
  } finally {
    stream.destroy();
  }
  if (offset === size) call.write({ data: Buffer.alloc(0), size });
  call.end();
}

/** Resolves when the call's buffer drained, or the call was cancelled or closed. */
function drained(call: ServerWritableStream<GetBlobRequest__Output, BlobChunk>): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      call.off("drain", done).off("cancelled", done).off("close", done);
      resolve();
    };
    call.once("drain", done).once("cancelled", done).once("close", done);
  });
}

/** Adds the Images service to a gRPC server. */
export function addImageService(server: Server, store: ImageStore, authorize: ImageAuthorizer, options: ImageServiceOptions = {}): void {
  server.addService(protos.images.Images.service, imageHandlers(store, authorize, options));
}
