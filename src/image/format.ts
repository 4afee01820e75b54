/**
 * Presentation of images the way Docker prints them (pure): `image ls` rows and table, human sizes
 * ("2.13MB") and ages ("2 years ago"), and the `image inspect` document.
 */
import type { ResolvedImage } from "./store.js";
import type { ImageRecord } from "./store-index.js";
import { digestHex } from "./digest.js";
import { formatTable } from "../lib/table.js";

/** One `image ls` row. */
export interface ImageRow {
  readonly repository: string;
  readonly tag: string;
  /** Full image id (config digest). */
  readonly id: string;
  readonly created: string | null;
  /** Sum of unpacked layer sizes. */
  readonly size: number;
}

/** Unpacked size of an image (what `docker images` shows). */
export function imageSize(record: ImageRecord): number {
  return record.layers.reduce((sum, l) => sum + l.unpackedSize, 0);
}

/** Rows for `image ls`: one per tag, `<none>` for untagged images; newest first, then by name. */
export function imageRows(images: readonly { record: ImageRecord; tags: readonly string[] }[]): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const { record, tags } of images) {
    const base = { id: record.configDigest, created: record.created, size: imageSize(record) };
    if (tags.length === 0) rows.push({ repository: "<none>", tag: "<none>", ...base });
    for (const t of tags) {
      const colon = t.lastIndexOf(":");
      rows.push({ repository: t.slice(0, colon), tag: t.slice(colon + 1), ...base });
    }
  }
  return rows.sort((a, b) => (b.created ?? "").localeCompare(a.created ?? "") || a.repository.localeCompare(b.repository) || a.tag.localeCompare(b.tag));
}

/** Docker's short id: the first 12 hex characters of the config digest. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

/** Decimal human size with 3 significant digits, as Docker prints it ("2.13MB", "512B"). */
export function humanSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${units[i]}`;
}

/** Docker's human duration ("About an hour", "3 days"), for `CREATED … ago`. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return "Less than a second";
  if (s === 1) return "1 second";
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return "About a minute";
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return "About an hour";
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

/** "N units ago" for a creation time, or "N/A" when unknown. */
export function createdSince(created: string | null, now: Date): string {
  if (created === null) return "N/A";
  const t = Date.parse(created);
  if (Number.isNaN(t)) return "N/A";
  return `${humanDuration(Math.max(0, now.getTime() - t))} ago`;
}

/** The `image ls` table. */
export function imageTable(rows: readonly ImageRow[], now: Date): string {
  return formatTable(
    ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"],
    rows.map((r) => [r.repository, r.tag, shortId(r.id), createdSince(r.created, now), humanSize(r.size)]),
  );
}

/** One `image ls --format json` object (Docker's field names). */
export function imageRowJson(r: ImageRow, now: Date): Record<string, string> {
  return {
    Repository: r.repository,
    Tag: r.tag,
    ID: shortId(r.id),
    CreatedAt: r.created ?? "",
    CreatedSince: createdSince(r.created, now),
    Size: humanSize(r.size),
  };
}

/** The `image inspect` document for one image (Docker-like field names). */
export function inspectDocument(image: ResolvedImage): Record<string, unknown> {
  const { record, config, tags } = image;
  const c = config.config;
  const repos = [...new Set(tags.map((t) => t.slice(0, t.lastIndexOf(":"))))];
  const h = c.healthcheck;
  return {
    Id: record.configDigest,
    RepoTags: tags,
    RepoDigests: repos.map((r) => `${r}@${record.manifestDigest}`),
    ManifestDigest: record.manifestDigest,
    Created: config.created ?? "",
    Architecture: config.architecture,
    Os: config.os,
    Size: imageSize(record),
    Config: {
      User: c.user,
      ExposedPorts: Object.fromEntries(c.exposedPorts.map((p) => [p, {}])),
      Env: c.env,
      Cmd: c.cmd,
      Entrypoint: c.entrypoint,
      WorkingDir: c.workingDir,
      Labels: c.labels,
      StopSignal: c.stopSignal,
      Healthcheck: h === null ? null : { Test: h.test, Interval: h.intervalNs, Timeout: h.timeoutNs, StartPeriod: h.startPeriodNs, Retries: h.retries },
    },
    RootFS: { Type: "layers", Layers: config.diffIds },
    Layers: record.layers.map((l) => ({ Digest: l.digest, DiffID: l.diffId, MediaType: l.mediaType, Size: l.size, UnpackedSize: l.unpackedSize, Dir: `layers/${digestHex(l.diffId)}` })),
    Metadata: { LoadedAt: record.loadedAt },
  };
}
