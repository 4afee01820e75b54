/**
 * Pull from a registry (Distribution API v2) into the local store: resolve the manifest (OCI index /
 * manifest, Docker manifest list / v2 schema 2; an index is followed to the platform's manifest), fetch
 * missing blobs with digest verification while writing, and commit through the store's commit path
 * (all-or-nothing, exactly as `image load`). Anonymous, basic and bearer-token access (the
 * `WWW-Authenticate` dance of registry-auth.ts). Node's fetch only.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Logger, silentLogger } from "../../lib/logger.js";
import { canonicalName } from "../archive.js";
import type { StagedBlob } from "../blobs.js";
import { type Digest, digestOf, isDigest } from "../digest.js";
import { DigestMismatchError, ImageError, ImageErrorCode } from "../errors.js";
import { type Descriptor, hostArchitecture, isIndexMediaType, MediaType, parseImageIndex, parseJsonObject } from "../manifest.js";
import { parseReference } from "../reference.js";
import type { ImageStore, LoadedImage } from "../store.js";
import { IdleTimeout, MAX_ERROR_BODY_BYTES, MAX_MANIFEST_BYTES, MAX_TOKEN_BODY_BYTES, readBoundedBody } from "./bounded-body.js";
import { type AuthChallenge, basicHeader, parseChallenge, realmCredentialsRefusal, type RegistryAuth, RegistryError, RegistryErrorCode, tokenFromResponse, tokenUrl } from "./registry-auth.js";
import { BlobDownload, blobsOf, candidateOf, stagePresentBlob, verifiedManifest } from "./staging.js";

/** Manifest media types we ask for, most specific first. */
export const MANIFEST_ACCEPT = [MediaType.OciIndex, MediaType.OciManifest, MediaType.DockerManifestList, MediaType.DockerManifest].join(", ");

/** Options of {@link pullFromRegistry}. */
export interface PullOptions {
  /** Registry base URL, e.g. `http://127.0.0.1:5000` or `https://registry.example`. */
  readonly url: string;
  /** `repository[:tag]` or `repository@sha256:…` on that registry; also the local name unless `names` is given. */
  readonly ref: string;
  /** Local names for the image (default: `ref` when it has no digest), e.g. the full `host:port/repo:tag`. */
  readonly names?: readonly string[];
  readonly store: ImageStore;
  readonly auth?: RegistryAuth;
  readonly logger?: Logger;
  /** Platform to pick from an index (default linux/<this machine>). */
  readonly platform?: { readonly os: string; readonly architecture: string };
  /** Per-request timeout for manifests and tokens, ms (default 30 s). */
  readonly timeoutMs?: number;
  /** A blob download that receives no byte for this long is aborted, ms (default 60 s). */
  readonly blobIdleMs?: number;
}

/** What a pull did. */
export interface PullResult {
  readonly image: LoadedImage;
  readonly downloaded: readonly Digest[];
  /** Blob downloads resumed after a cut body: which blob, from which offset. */
  readonly resumed: readonly { readonly digest: Digest; readonly offset: number }[];
}

/** Pulls an image from a registry into the store; see the module comment. */
export async function pullFromRegistry(options: PullOptions): Promise<PullResult> {
  const { store } = options;
  const log = options.logger ?? silentLogger();
  const parsed = parseReference(options.ref);
  const repository = parsed.kind === "idPrefix" ? undefined : parsed.name;
  if (parsed.kind === "idPrefix" || repository === undefined) {
    throw new ImageError(ImageErrorCode.BadReference, `registry reference ${JSON.stringify(options.ref)} needs a repository name`);
  }
  const reference = parsed.kind === "named" ? parsed.tag : parsed.digest;
  const session = new RegistrySession(options.url, repository, options.auth, options.timeoutMs ?? 30_000, options.blobIdleMs ?? 60_000);
  const platform = options.platform ?? { os: "linux", architecture: hostArchitecture() };

  let doc = await session.manifest(reference, parsed.kind === "digest" ? parsed.digest : undefined);
  for (let depth = 0; isIndexMediaType(doc.mediaType); depth++) {
    if (depth > 2) throw new ImageError(ImageErrorCode.BadManifest, `${options.ref}: image indexes nested too deeply`);
    const index = parseImageIndex(doc.bytes, `index ${doc.digest}`);
    const chosen: Descriptor | undefined = index.manifests.find((m) => m.platform?.os === platform.os && m.platform.architecture === platform.architecture);
    if (chosen === undefined) {
      const have = index.manifests.map((m) => `${m.platform?.os ?? "?"}/${m.platform?.architecture ?? "?"}`).join(", ");
      throw new ImageError(ImageErrorCode.NotFound, `${options.ref}: index ${doc.digest} has no manifest for ${platform.os}/${platform.architecture} (has ${have || "none"})`);
    }
    doc = await session.manifest(chosen.digest, chosen.digest);
  }
  const manifest = verifiedManifest(doc.bytes, doc.digest, options.ref);
  const names = options.names !== undefined ? options.names.map((n) => canonicalName(n, "names")) : parsed.kind === "named" ? [canonicalName(options.ref, "ref")] : [];
  const staging = store.stagingDir("pull");
  try {
    mkdirSync(join(staging, "dl"));
    const staged = new Map<Digest, StagedBlob>();
    const downloaded: Digest[] = [];
    const resumed: { digest: Digest; offset: number }[] = [];
    for (const { digest, size } of blobsOf(manifest)) {
      if (store.blobs.has(digest)) {
        staged.set(digest, stagePresentBlob(store, staging, digest, size));
        continue;
      }
      const dl = new BlobDownload(join(staging, "dl"), digest, size);
      try {
        const r = await session.blob(digest, dl);
        resumed.push(...r.resumedAt.map((offset) => ({ digest, offset })));
        staged.set(digest, dl.finish());
        downloaded.push(digest);
      } finally {
        dl.close();
      }
    }
    const manifestBlob = new BlobDownload(staging, doc.digest, doc.bytes.length);
    let mBlob: StagedBlob;
    try {
      manifestBlob.write(doc.bytes);
      mBlob = manifestBlob.finish();
    } finally {
      manifestBlob.close();
    }
    const [image] = await store.commitCandidates([candidateOf(names, mBlob, manifest, staged)], staging);
    if (image === undefined) throw new ImageError(ImageErrorCode.BadManifest, `${options.ref}: nothing committed`);
    log.info({ url: options.url, ref: options.ref, image: image.configDigest, downloaded: downloaded.length }, "image pulled");
    return { image, downloaded, resumed };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** What went wrong in a `fetch()` call: undici says only "fetch failed" and keeps the reason in `cause`. */
function fetchFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error ? (err.cause as { message?: unknown; code?: unknown } | undefined) : undefined;
  let why = typeof cause?.message === "string" && cause.message.trim() !== "" ? cause.message.trim() : typeof cause?.code === "string" ? cause.code : "";
  // OpenSSL's "…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:file:line:" → its library and reason.
  const ssl = /:error:[0-9A-F]+:([^:]+):[^:]*:([^:]+):/.exec(why);
  if (ssl !== null) why = `${ssl[1]}: ${ssl[2]}`;
  return why === "" || message.includes(why) ? message : `${message} (${why})`;
}

/** One repository on one registry, with the authorization header it earned. */
class RegistrySession {
  private authorization: string | undefined;
  private readonly base: string;

  constructor(
    url: string,
    private readonly repository: string,
    private readonly auth: RegistryAuth | undefined,
    private readonly timeoutMs: number,
    private readonly blobIdleMs: number,
  ) {
    this.base = url.replace(/\/+$/, "");
    if (auth !== undefined && "token" in auth) this.authorization = `Bearer ${auth.token}`;
  }

  /** Fetches a manifest; verifies it against `expected` when the reference was a digest. */
  async manifest(reference: string, expected: Digest | undefined): Promise<{ bytes: Buffer; digest: Digest; mediaType: string }> {
    const what = `manifest ${this.repository}:${reference}`;
    const res = await this.get(`/v2/${this.repository}/manifests/${reference}`, { Accept: MANIFEST_ACCEPT }, AbortSignal.timeout(this.timeoutMs), what);
    const bytes = await readBoundedBody(res, MAX_MANIFEST_BYTES, `manifest for ${this.repository}:${reference}`);
    const digest = digestOf(bytes);
    const claimed = res.headers.get("docker-content-digest");
    if (expected !== undefined && digest !== expected) throw new DigestMismatchError(what, expected, digest);
    if (claimed !== null && isDigest(claimed) && claimed !== digest) throw new DigestMismatchError(`${what} (Docker-Content-Digest)`, claimed, digest);
    const contentType = (res.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
    const body = parseJsonObject(bytes, what);
    const mediaType = typeof body.mediaType === "string" ? body.mediaType : contentType;
    if (typeof body.schemaVersion === "number" && body.schemaVersion === 1) {
      throw new ImageError(ImageErrorCode.BadManifest, `${what}: Docker schema 1 manifests are not supported`);
    }
    const isIndex = isIndexMediaType(mediaType) || (mediaType === "" && Array.isArray(body.manifests));
    return { bytes, digest, mediaType: isIndex ? MediaType.OciIndex : mediaType };
  }

  /**
   * Streams a blob into a verifying download. A body cut mid-way is resumed with `Range: bytes=<received>-`
   * (a server that ignores the range and sends 200 has the already-received prefix skipped). A registry
   * that sends nothing for `blobIdleMs` (headers or body) is given up on: the pull fails naming the
   * registry and the digest instead of holding its lock forever.
   */
  async blob(digest: Digest, dl: BlobDownload, maxAttempts = 5): Promise<{ resumedAt: number[] }> {
    const resumedAt: number[] = [];
    for (let failures = 0; ; ) {
      const start = dl.received;
      if (start > 0) resumedAt.push(start);
      const idle = new IdleTimeout(
        this.blobIdleMs,
        (ms) => `blob ${digest} from registry ${this.base}: no bytes for ${ms / 1000} s (received ${dl.received} of ${dl.expectedSize} bytes); download aborted`,
      );
      try {
        await this.blobAttempt(digest, dl, start, idle);
      } catch (err) {
        if (err instanceof ImageError) throw err;
        // A stall is final: the registry had its chance; the caller's retry starts a fresh pull.
        if (idle.fired) throw idle.signal.reason as Error;
        failures = dl.received > start ? 1 : failures + 1;
        if (failures >= maxAttempts) {
          throw new RegistryError(RegistryErrorCode.Unavailable, `blob ${digest}: download failed at ${dl.received} of ${dl.expectedSize} bytes: ${(err as Error).message}`, { cause: err });
        }
        continue;
      } finally {
        idle.stop();
      }
      if (dl.received >= dl.expectedSize) return { resumedAt };
      failures = dl.received > start ? 1 : failures + 1;
      if (failures >= maxAttempts) throw new RegistryError(RegistryErrorCode.Unavailable, `blob ${digest}: body ended at ${dl.received} of ${dl.expectedSize} bytes`);
    }
  }

  /** One GET of a blob from `start`, written into `dl`; `idle` is touched on every chunk. */
  private async blobAttempt(digest: Digest, dl: BlobDownload, start: number, idle: IdleTimeout): Promise<void> {
    const res = await this.get(`/v2/${this.repository}/blobs/${digest}`, start > 0 ? { Range: `bytes=${start}-` } : {}, idle.signal, `blob ${digest}`);
    if (res.body === null) throw new RegistryError(RegistryErrorCode.Protocol, `blob ${digest}: empty response body`);
    let skip = start > 0 && res.status === 200 ? start : 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      idle.touch();
      if (skip >= chunk.length) {
            skip -= chunk.length;
            continue;
          }
          dl.write(skip > 0 ? chunk.subarray(skip) : chunk);
          skip = 0;
    }
  }

  /** GET with the auth dance: on 401 answer the challenge once, then retry. */
  private async get(path: string, headers: Record<string, string>, signal: AbortSignal | undefined, what: string): Promise<Response> {
    const url = `${this.base}${path}`;
    for (let attempt = 0; ; attempt++) {
      const h: Record<string, string> = { ...headers };
      if (this.authorization !== undefined) h.Authorization = this.authorization;
      let res: Response;
      try {
        res = await fetch(url, { headers: h, redirect: "follow", ...(signal === undefined ? {} : { signal }) });
      } catch (err) {
        if (signal?.aborted === true && signal.reason instanceof RegistryError) throw signal.reason;
        throw new RegistryError(RegistryErrorCode.Unavailable, `${what}: cannot reach registry ${this.base}: ${fetchFailure(err)}`, { cause: err });
      }
      if (res.ok) return res;
      // Only the start of an error body is quoted: read at most 64 KiB of it, whatever the registry sends.
      const text = (await readBoundedBody(res, MAX_ERROR_BODY_BYTES, `${what}: error body`, "truncate").catch(() => Buffer.alloc(0))).toString("utf8");
      if (res.status === 401 && attempt === 0) {
        const header = res.headers.get("www-authenticate");
        if (header === null) throw new RegistryError(RegistryErrorCode.Unauthorized, `${what}: registry ${this.base} answered 401 without a WWW-Authenticate challenge`);
        this.authorization = await this.answer(parseChallenge(header), what);
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        const who = this.auth === undefined ? "anonymously" : "username" in this.auth ? `as ${this.auth.username}` : "with the given token";
        throw new RegistryError(RegistryErrorCode.Unauthorized, `${what}: registry ${this.base} refused access ${who} (HTTP ${res.status})`, { fields: { status: res.status } });
      }
      if (res.status === 404) throw new RegistryError(RegistryErrorCode.NotFound, `${what}: not found on registry ${this.base}`, { fields: { status: res.status } });
      throw new RegistryError(RegistryErrorCode.Protocol, `${what}: registry ${this.base} answered HTTP ${res.status}: ${text.slice(0, 200)}`, { fields: { status: res.status } });
    }
  }

  /** The Authorization header that answers a challenge. */
  private async answer(challenge: AuthChallenge, what: string): Promise<string> {
    const creds = this.auth !== undefined && "username" in this.auth ? this.auth : undefined;
    if (challenge.scheme === "basic") {
      if (creds === undefined) throw new RegistryError(RegistryErrorCode.Unauthorized, `${what}: registry ${this.base} needs a username and password (Basic realm ${JSON.stringify(challenge.realm)})`);
      return basicHeader(creds.username, creds.password);
    }
    const endpoint = tokenUrl(challenge, this.repository);
    if (creds !== undefined) {
      const why = realmCredentialsRefusal(this.base, challenge.realm);
      if (why !== undefined) {
        // The password is never part of this message (nor of any log): only the user name and the realm.
        throw new RegistryError(
          RegistryErrorCode.Unauthorized,
          `${what}: registry ${this.base} asks for a token from ${challenge.realm}; not sending the credentials of ${creds.username} there: ${why}`,
          { fields: { realm: challenge.realm } },
        );
      }
    }
    const headers: Record<string, string> = creds === undefined ? {} : { Authorization: basicHeader(creds.username, creds.password) };
    let res: Response;
    try {
      // With credentials, no redirect: a realm on the registry's host must not bounce them elsewhere.
      res = await fetch(endpoint, { headers, signal: AbortSignal.timeout(this.timeoutMs), redirect: creds === undefined ? "follow" : "error" });
    } catch (err) {
      throw new RegistryError(RegistryErrorCode.Unavailable, `${what}: cannot reach token endpoint ${challenge.realm}: ${(err as Error).message}`, { cause: err });
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new RegistryError(RegistryErrorCode.Unauthorized, `${what}: token endpoint ${challenge.realm} refused (HTTP ${res.status})`, { fields: { status: res.status } });
    }
    const bytes = await readBoundedBody(res, MAX_TOKEN_BODY_BYTES, `token answer from ${challenge.realm}`);
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString("utf8"));
    } catch (err) {
      throw new RegistryError(RegistryErrorCode.Protocol, `token endpoint ${challenge.realm}: answer is not JSON`, { cause: err });
    }
    return `Bearer ${tokenFromResponse(body, challenge.realm)}`;
  }
}
