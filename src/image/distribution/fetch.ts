/**
 * The worker side of the image service: fetch an image from a manager into the local store. Asks for
 * the manifest, downloads only the blobs the store lacks (GetBlob), verifies each digest while writing,
 * resumes a cut stream from the offset it reached, and commits through the store's own commit path —
 * nothing is committed unless every blob verified. Also the client calls for push and list.
 */
import { type ChannelCredentials, type ClientReadableStream, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { createReadStream, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { BlobChunk__Output } from "../../gen/swarm/images/BlobChunk.js";
import type { GetManifestResponse__Output } from "../../gen/swarm/images/GetManifestResponse.js";
import type { ImagesClient } from "../../gen/swarm/images/Images.js";
import type { ListImagesResponse__Output } from "../../gen/swarm/images/ListImagesResponse.js";
import type { PushImageResponse__Output } from "../../gen/swarm/images/PushImageResponse.js";
import { callUnary, RemoteCallError } from "../../rpc/grpc.js";
import { type Logger, silentLogger } from "../../lib/logger.js";
import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, type TlsIdentityProvider } from "../../ca/tls.js";
import { canonicalName } from "../archive.js";
import type { StagedBlob } from "../blobs.js";
import { type Digest, digestOf, parseDigest } from "../digest.js";
import { ImageError, ImageErrorCode } from "../errors.js";
import { parseReference } from "../reference.js";
import type { ImageStore, LoadedImage } from "../store.js";

import { BlobDownload, blobsOf, candidateOf, stagePresentBlob, verifiedManifest } from "./staging.js";
import { protos } from "../../rpc/services.js";

/** A client of a manager's Images service over mTLS (the manager's certificate must carry its role). */
export function imagesClient(addr: string, provider: TlsIdentityProvider): ImagesClient {
  return new protos.images.Images(addr, managerChannelCredentials(provider), MANAGER_TARGET_OPTIONS);
}

/** A client with explicit credentials (e.g. the manager's local socket). */
export function imagesClientWith(addr: string, credentials: ChannelCredentials): ImagesClient {
  return new protos.images.Images(addr, credentials);
}

/** Pushes an archive (a path or a byte stream) to a manager; returns what the manager loaded. */
export async function pushImage(client: ImagesClient, source: string | Readable, timeoutMs = 600_000): Promise<PushImageResponse__Output> {
  const input = typeof source === "string" ? createReadStream(source, { highWaterMark: 256 * 1024 }) : source;
  return new Promise<PushImageResponse__Output>((resolve, reject) => {
    const call = client.PushImage(new Metadata(), { deadline: new Date(Date.now() + timeoutMs) }, (err, res) => {
      if (err !== null) reject(new RemoteCallError(err));
      else if (res === undefined) reject(new ImageError(ImageErrorCode.BadArchive, "PushImage: empty response"));
      else resolve(res);
    });
    (async () => {
      for await (const data of input as AsyncIterable<Buffer>) {
        if (!call.write({ data })) await new Promise<void>((r) => call.once("drain", r));
      }
      call.end();
    })().catch((err: unknown) => {
      call.cancel();
      reject(err instanceof Error ? err : new Error(String(err)));
    });
  });
}

/** Lists a manager's images. */
export function listRemoteImages(client: ImagesClient, timeoutMs = 10_000): Promise<ListImagesResponse__Output> {
  return callUnary<ListImagesResponse__Output>((md, o, cb) => client.ListImages({}, md, o, cb), timeoutMs);
}

/** Options of {@link fetchImage}. */
export interface FetchImageOptions {
  readonly client: ImagesClient;
  /** name:tag, name@digest, digest or id prefix, as the manager's store resolves it. */
  readonly ref: string;
  readonly store: ImageStore;
  readonly logger?: Logger;
  /** Attempts per blob after a cut stream (counted from the last progress; default 5). */
  readonly maxAttempts?: number;
  /** Deadline of each call, in ms (default 10 min). */
  readonly callTimeoutMs?: number;
}

/** What a fetch did. */
export interface FetchResult {
  readonly image: LoadedImage;
  /** Blobs downloaded (the rest were already in the store). */
  readonly downloaded: readonly Digest[];
  /** Bytes received over the wire for blobs. */
  readonly bytesReceived: number;
  /** Resumptions after a cut stream: which blob, from which offset. */
  readonly resumed: readonly { readonly digest: Digest; readonly offset: number }[];
}

/** Statuses after which a blob download is retried from its offset (connection or stream trouble). */
const RETRYABLE = new Set<status>([status.UNAVAILABLE, status.INTERNAL, status.CANCELLED, status.DEADLINE_EXCEEDED, status.UNKNOWN]);

/** Fetches an image from a manager into the local store; see the module comment. */
export async function fetchImage(options: FetchImageOptions): Promise<FetchResult> {
  const { client, ref, store } = options;
  const log = options.logger ?? silentLogger();
  const timeoutMs = options.callTimeoutMs ?? 600_000;
  const res = await callUnary<GetManifestResponse__Output>((md, o, cb) => client.GetManifest({ ref }, md, o, cb), timeoutMs);
  const manifestDigest = parseDigest(res.manifestDigest, "GetManifest manifest_digest");
  const manifest = verifiedManifest(res.manifest, manifestDigest, `image ${ref}`);
  if (manifest.config.digest !== res.configDigest) {
    throw new ImageError(ImageErrorCode.BadManifest, `image ${ref}: manager says config ${res.configDigest} but the manifest names ${manifest.config.digest}`);
  }
  const parsed = parseReference(ref);
  const names = parsed.kind === "named" ? [canonicalName(ref, "ref")] : [];
  const staging = store.stagingDir("fetch");
  try {
    const staged = new Map<Digest, StagedBlob>();
    const downloaded: Digest[] = [];
    const resumed: { digest: Digest; offset: number }[] = [];
    let bytesReceived = 0;
    mkdirSync(join(staging, "dl"));
    for (const { digest, size } of blobsOf(manifest)) {
      if (store.blobs.has(digest)) {
        staged.set(digest, stagePresentBlob(store, staging, digest, size));
        continue;
      }
      const dl = new BlobDownload(join(staging, "dl"), digest, size);
      try {
        const r = await downloadBlob(client, dl, options.maxAttempts ?? 5, timeoutMs, log);
        bytesReceived += r.bytes;
        resumed.push(...r.resumedAt.map((offset) => ({ digest, offset })));
        staged.set(digest, dl.finish());
        downloaded.push(digest);
      } finally {
        dl.close();
      }
    }
    const manifestBlob = stageManifest(staging, res.manifest);
    const [image] = await store.commitCandidates([candidateOf(names, manifestBlob, manifest, staged)], staging);
    if (image === undefined) throw new ImageError(ImageErrorCode.BadManifest, `image ${ref}: nothing committed`);
    log.info({ ref, image: image.configDigest, downloaded: downloaded.length, bytes: bytesReceived, resumed: resumed.length }, "image fetched");
    return { image, downloaded, bytesReceived, resumed };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function stageManifest(staging: string, bytes: Buffer): StagedBlob {
  const w = new BlobDownload(staging, digestOf(bytes), bytes.length);
  try {
    w.write(bytes);
    return w.finish();
  } finally {
    w.close();
  }
}

/** Downloads one blob, resuming from the received offset after a retryable failure or an early end. */
async function downloadBlob(
  client: ImagesClient,
  dl: BlobDownload,
  maxAttempts: number,
  timeoutMs: number,
  log: Logger,
): Promise<{ bytes: number; resumedAt: number[] }> {
  const resumedAt: number[] = [];
  let bytes = 0;
  let failures = 0;
  for (;;) {
    const start = dl.received;
    if (start > 0 || failures > 0) {
      resumedAt.push(start);
      log.info({ digest: dl.digest, offset: start }, "resuming blob download");
    }
    try {
      const call = client.GetBlob({ digest: dl.digest, offset: start }, new Metadata(), { deadline: new Date(Date.now() + timeoutMs) });
      for await (const chunk of call as ClientReadableStream<BlobChunk__Output> & AsyncIterable<BlobChunk__Output>) {
        if (chunk.size !== dl.expectedSize) {
          call.cancel();
          throw new ImageError(ImageErrorCode.DigestMismatch, `blob ${dl.digest}: manager says ${chunk.size} bytes, manifest says ${dl.expectedSize}`, { fields: { digest: dl.digest } });
        }
        dl.write(chunk.data);
        bytes += chunk.data.length;
      }
    } catch (err) {
      const se = err as Partial<ServiceError>;
      // A status the server raised on purpose (it carries a project error code) is final; transport trouble is not.
      const deliberate = (se.metadata?.get("swarm-error-code").length ?? 0) > 0;
      if (err instanceof ImageError || se.code === undefined || deliberate || !RETRYABLE.has(se.code)) {
        throw err instanceof ImageError || se.code === undefined ? err : new RemoteCallError(err as ServiceError);
      }
      if (dl.received === start) failures++;
      else failures = 1;
      if (failures >= maxAttempts) throw new RemoteCallError(err as ServiceError);
      log.warn({ digest: dl.digest, offset: dl.received, err: se.details }, "blob stream cut");
      continue;
    }
    if (dl.received >= dl.expectedSize) return { bytes, resumedAt };
    // The stream ended early without an error: resume from where it stopped.
    if (dl.received === start && ++failures >= maxAttempts) {
      throw new ImageError(ImageErrorCode.BadArchive, `blob ${dl.digest}: stream ended at ${dl.received} of ${dl.expectedSize} bytes`, { fields: { digest: dl.digest } });
    }
  }
}
