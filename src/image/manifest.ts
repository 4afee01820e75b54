/**
 * OCI / Docker image JSON documents (pure): image index, image manifest and image config, parsed from
 * untrusted bytes into typed values with errors that name the document and field. Also the inverse
 * (serializers) used by `image import`, docker-save conversion and the test-image builder.
 */
import { ImageError, ImageErrorCode } from "./errors.js";
import { type Digest, parseDigest } from "./digest.js";

/** Media types the store reads and writes. */
export const MediaType = {
  OciIndex: "application/vnd.oci.image.index.v1+json",
  OciManifest: "application/vnd.oci.image.manifest.v1+json",
  OciConfig: "application/vnd.oci.image.config.v1+json",
  OciLayer: "application/vnd.oci.image.layer.v1.tar",
  OciLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  OciLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  DockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  DockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  DockerConfig: "application/vnd.docker.container.image.v1+json",
  DockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  DockerLayer: "application/vnd.docker.image.rootfs.diff.tar",
} as const;

/** Annotation holding the full image name (containerd / Docker ≥ 25). */
export const ANNOTATION_IMAGE_NAME = "io.containerd.image.name";
/** OCI annotation holding the reference name (a tag, or a full name). */
export const ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";

/** A content descriptor. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly platform?: { readonly architecture: string; readonly os: string };
}

/** An image index (index.json or a multi-platform manifest list). */
export interface ImageIndex {
  readonly manifests: readonly Descriptor[];
}

/** An image manifest: one config and the layers bottom-up. */
export interface ImageManifest {
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

/** A health check as stored in the image config (durations in nanoseconds, 0 = default). */
export interface Healthcheck {
  /** `["NONE"]`, `["CMD", args…]` or `["CMD-SHELL", command]`. */
  readonly test: readonly string[];
  readonly intervalNs: number;
  readonly timeoutNs: number;
  readonly startPeriodNs: number;
  readonly retries: number;
}

/** The run-time defaults an image carries. */
export interface ContainerConfig {
  readonly cmd: readonly string[] | null;
  readonly entrypoint: readonly string[] | null;
  readonly env: readonly string[];
  readonly workingDir: string;
  readonly user: string;
  /** `"80/tcp"`, `"53/udp"`… */
  readonly exposedPorts: readonly string[];
  readonly healthcheck: Healthcheck | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly stopSignal: string;
}

/** A parsed image config. */
export interface ImageConfig {
  readonly architecture: string;
  readonly os: string;
  /** RFC 3339 creation time, or null when absent. */
  readonly created: string | null;
  readonly config: ContainerConfig;
  /** Uncompressed layer digests, bottom-up. */
  readonly diffIds: readonly Digest[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function bad(doc: string, message: string): ImageError {
  return new ImageError(ImageErrorCode.BadManifest, `${doc}: ${message}`);
}

/** Parses JSON bytes into an object, or throws naming the document. */
export function parseJsonObject(bytes: Uint8Array | string, doc: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === "string" ? bytes : Buffer.from(bytes).toString("utf8"));
  } catch (err) {
    throw new ImageError(ImageErrorCode.BadManifest, `${doc}: not valid JSON`, { cause: err });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad(doc, "is not a JSON object");
  return value as JsonObject;
}

function obj(v: Json | undefined, field: string, doc: string): JsonObject {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw bad(doc, `${field} is not an object`);
  return v;
}

function optObj(v: Json | undefined, field: string, doc: string): JsonObject {
  return v === undefined || v === null ? {} : obj(v, field, doc);
}

function str(v: Json | undefined, field: string, doc: string, fallback?: string): string {
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  if (typeof v !== "string") throw bad(doc, `${field} is not a string`);
  return v;
}

function arr(v: Json | undefined, field: string, doc: string): Json[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(doc, `${field} is not an array`);
  return v;
}

function strArray(v: Json | undefined, field: string, doc: string): string[] {
  return arr(v, field, doc).map((x, i) => str(x, `${field}[${i}]`, doc));
}

function nullableStrArray(v: Json | undefined, field: string, doc: string): string[] | null {
  return v === undefined || v === null ? null : strArray(v, field, doc);
}

function nonNegInt(v: Json | undefined, field: string, doc: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw bad(doc, `${field}: ${JSON.stringify(v)} is not a non-negative integer`);
  return v;
}

function stringMap(v: Json | undefined, field: string, doc: string): Record<string, string> {
  const o = optObj(v, field, doc);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) out[k] = str(val, `${field}.${k}`, doc);
  return out;
}

/** Parses a descriptor object. */
export function parseDescriptor(v: Json | undefined, field: string, doc: string): Descriptor {
  const o = obj(v, field, doc);
  const size = o.size;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) throw bad(doc, `${field}.size: ${JSON.stringify(size)} is not a valid size`);
  const platform = o.platform === undefined || o.platform === null ? undefined : obj(o.platform, `${field}.platform`, doc);
  return {
    mediaType: str(o.mediaType, `${field}.mediaType`, doc, ""),
    digest: parseDigest(o.digest, `${doc}: ${field}.digest`),
    size,
    annotations: stringMap(o.annotations, `${field}.annotations`, doc),
    ...(platform === undefined
      ? {}
      : { platform: { architecture: str(platform.architecture, `${field}.platform.architecture`, doc, ""), os: str(platform.os, `${field}.platform.os`, doc, "") } }),
  };
}

/** Parses an OCI image index / Docker manifest list. */
export function parseImageIndex(bytes: Uint8Array, doc: string): ImageIndex {
  const o = parseJsonObject(bytes, doc);
  if (o.schemaVersion !== 2) throw bad(doc, `schemaVersion ${JSON.stringify(o.schemaVersion ?? null)} is not 2`);
  return { manifests: arr(o.manifests, "manifests", doc).map((m, i) => parseDescriptor(m, `manifests[${i}]`, doc)) };
}

/** True for index / manifest-list media types. */
export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MediaType.OciIndex || mediaType === MediaType.DockerManifestList;
}

/** Parses an OCI / Docker v2 image manifest. */
export function parseImageManifest(bytes: Uint8Array, doc: string): ImageManifest {
  const o = parseJsonObject(bytes, doc);
  if (o.schemaVersion !== 2) throw bad(doc, `schemaVersion ${JSON.stringify(o.schemaVersion ?? null)} is not 2`);
  if (o.manifests !== undefined) throw bad(doc, "is an image index, expected an image manifest");
  const layers = arr(o.layers, "layers", doc).map((l, i) => parseDescriptor(l, `layers[${i}]`, doc));
  return { config: parseDescriptor(o.config, "config", doc), layers };
}

function parseHealthcheck(v: Json | undefined, doc: string): Healthcheck | null {
  if (v === undefined || v === null) return null;
  const o = obj(v, "config.Healthcheck", doc);
  return {
    test: strArray(o.Test, "config.Healthcheck.Test", doc),
    intervalNs: nonNegInt(o.Interval, "config.Healthcheck.Interval", doc),
    timeoutNs: nonNegInt(o.Timeout, "config.Healthcheck.Timeout", doc),
    startPeriodNs: nonNegInt(o.StartPeriod, "config.Healthcheck.StartPeriod", doc),
    retries: nonNegInt(o.Retries, "config.Healthcheck.Retries", doc),
  };
}

/** Parses an image config (OCI / Docker: same JSON). */
export function parseImageConfig(bytes: Uint8Array, doc: string): ImageConfig {
  const o = parseJsonObject(bytes, doc);
  const c = optObj(o.config, "config", doc);
  const rootfs = obj(o.rootfs, "rootfs", doc);
  if (rootfs.type !== "layers") throw bad(doc, `rootfs.type ${JSON.stringify(rootfs.type ?? null)} is not "layers"`);
  return {
    architecture: str(o.architecture, "architecture", doc, ""),
    os: str(o.os, "os", doc, ""),
    created: o.created === undefined || o.created === null ? null : str(o.created, "created", doc),
    diffIds: arr(rootfs.diff_ids, "rootfs.diff_ids", doc).map((d, i) => parseDigest(d, `${doc}: rootfs.diff_ids[${i}]`)),
    config: {
      cmd: nullableStrArray(c.Cmd, "config.Cmd", doc),
      entrypoint: nullableStrArray(c.Entrypoint, "config.Entrypoint", doc),
      env: strArray(c.Env, "config.Env", doc),
      workingDir: str(c.WorkingDir, "config.WorkingDir", doc, ""),
      user: str(c.User, "config.User", doc, ""),
      exposedPorts: Object.keys(optObj(c.ExposedPorts, "config.ExposedPorts", doc)).sort(),
      healthcheck: parseHealthcheck(c.Healthcheck, doc),
      labels: stringMap(c.Labels, "config.Labels", doc),
      stopSignal: str(c.StopSignal, "config.StopSignal", doc, ""),
    },
  };
}

/** Input of {@link serializeImageConfig}: the container defaults, all optional. */
export interface ContainerConfigInput {
  readonly cmd?: readonly string[] | null;
  readonly entrypoint?: readonly string[] | null;
  readonly env?: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
  readonly exposedPorts?: readonly string[];
  readonly healthcheck?: Healthcheck | null;
  readonly labels?: Readonly<Record<string, string>>;
  readonly stopSignal?: string;
}

/** Serializes an image config the way Docker writes it (stable key order, so digests are stable). */
export function serializeImageConfig(input: {
  readonly created: string;
  readonly architecture: string;
  readonly config: ContainerConfigInput;
  readonly diffIds: readonly Digest[];
  readonly history?: readonly { readonly created: string; readonly created_by: string; readonly comment?: string }[];
}): Buffer {
  const c = input.config;
  const config: Record<string, unknown> = {};
  if (c.user) config.User = c.user;
  if (c.exposedPorts && c.exposedPorts.length > 0) config.ExposedPorts = Object.fromEntries(c.exposedPorts.map((p) => [p, {}]));
  config.Env = c.env ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];
  if (c.entrypoint) config.Entrypoint = c.entrypoint;
  if (c.cmd) config.Cmd = c.cmd;
  if (c.healthcheck) {
    const h = c.healthcheck;
    config.Healthcheck = { Test: h.test, Interval: h.intervalNs, Timeout: h.timeoutNs, StartPeriod: h.startPeriodNs, Retries: h.retries };
  }
  if (c.workingDir) config.WorkingDir = c.workingDir;
  if (c.labels && Object.keys(c.labels).length > 0) config.Labels = c.labels;
  if (c.stopSignal) config.StopSignal = c.stopSignal;
  return Buffer.from(
    JSON.stringify({
      architecture: input.architecture,
      config,
      created: input.created,
      history: input.history ?? [],
      os: "linux",
      rootfs: { type: "layers", diff_ids: input.diffIds },
    }),
  );
}

/** Serializes an OCI image manifest. */
export function serializeImageManifest(config: Descriptor, layers: readonly Descriptor[]): Buffer {
  const desc = (d: Descriptor): Record<string, unknown> => ({ mediaType: d.mediaType, digest: d.digest, size: d.size });
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: desc(config), layers: layers.map(desc) }));
}

/** The OCI architecture name of this machine (amd64, arm64…). */
export function hostArchitecture(): string {
  const map: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };
  return map[process.arch] ?? process.arch;
}
