/**
 * Snapshot files: `snap/<term>-<index>.snap` (16 hex digits each), written tmp → fsync → rename →
 * fsync dir so a crash leaves either the old set of snapshots or the new one, never half a file.
 *
 * Layout: "SWSNAP01" | u32le CRC32 of the rest | u32le metadata length | metadata JSON | data bytes.
 */
import { crc32 } from "node:zlib";
import { open, readdir, readFile, rename, rm, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Snapshot__Output } from "../../gen/swarm/raft/Snapshot.js";
import type { SnapshotMetadata__Output } from "../../gen/swarm/raft/SnapshotMetadata.js";
import { SnapshotCorruptError } from "./errors.js";

const MAGIC = Buffer.from("SWSNAP01", "latin1");
const NAME_RE = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;

/** File name for a snapshot at (term, index). */
export function snapshotFileName(term: number, index: number): string {
  return `${term.toString(16).padStart(16, "0")}-${index.toString(16).padStart(16, "0")}.snap`;
}

/** Encodes a snapshot into the file layout (pure). */
export function encodeSnapshotFile(snap: Snapshot__Output): Buffer {
  const md = snap.metadata;
  const meta = Buffer.from(
    JSON.stringify({
      index: md?.index ?? 0,
      term: md?.term ?? 0,
      voters: md?.confState?.voters ?? [],
      learners: md?.confState?.learners ?? [],
    }),
  );
  const body = Buffer.concat([Buffer.alloc(4), meta, snap.data]);
  body.writeUInt32LE(meta.length, 0);
  const head = Buffer.alloc(12);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(crc32(body), 8);
  return Buffer.concat([head, body]);
}

function isNumberArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === "number");
}

/** Decodes a snapshot file's bytes; throws {@link SnapshotCorruptError} naming what is wrong. */
export function decodeSnapshotFile(buf: Buffer, file: string): Snapshot__Output {
  if (buf.length < 16) throw new SnapshotCorruptError(file, `file is ${buf.length} bytes, shorter than the 16-byte header`);
  if (!buf.subarray(0, 8).equals(MAGIC)) throw new SnapshotCorruptError(file, "bad magic (not a swarm snapshot file)");
  const body = buf.subarray(12);
  const want = buf.readUInt32LE(8);
  const got = crc32(body);
  if (want !== got) throw new SnapshotCorruptError(file, `CRC mismatch (stored ${want}, computed ${got})`);
  const metaLen = body.readUInt32LE(0);
  if (4 + metaLen > body.length) throw new SnapshotCorruptError(file, `metadata length ${metaLen} exceeds file`);
  let meta: unknown;
  try {
    meta = JSON.parse(body.subarray(4, 4 + metaLen).toString("utf8"));
  } catch (err) {
    throw new SnapshotCorruptError(file, `metadata is not JSON: ${String(err)}`);
  }
  if (typeof meta !== "object" || meta === null) throw new SnapshotCorruptError(file, "metadata is not an object");
  const m = meta as Record<string, unknown>;
  const { index, term, voters, learners } = m;
  if (typeof index !== "number" || typeof term !== "number" || !isNumberArray(voters) || !isNumberArray(learners)) {
    throw new SnapshotCorruptError(file, "metadata lacks index/term/voters/learners");
  }
  const metadata: SnapshotMetadata__Output = { index, term, confState: { voters, learners } };
  return { metadata, data: Buffer.from(body.subarray(4 + metaLen)) };
}

/** Fsyncs a directory so a rename or unlink in it is durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes a snapshot durably into `dir` (tmp → fsync → rename → fsync dir); returns the file path. */
export async function writeSnapshotFile(dir: string, snap: Snapshot__Output): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const name = snapshotFileName(snap.metadata?.term ?? 0, snap.metadata?.index ?? 0);
  const path = join(dir, name);
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, "w", 0o600);
  try {
    await fh.writeFile(encodeSnapshotFile(snap));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await fsyncDir(dir);
  return path;
}

/** A snapshot file name parsed into (term, index). */
export interface SnapshotFileRef {
  readonly name: string;
  readonly term: number;
  readonly index: number;
}

/** Lists snapshot files in `dir`, newest (highest index) first; removes leftover `.tmp` files. */
export async function listSnapshotFiles(dir: string): Promise<SnapshotFileRef[]> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const out: SnapshotFileRef[] = [];
  for (const name of await readdir(dir)) {
    if (name.endsWith(".snap.tmp")) {
      await rm(join(dir, name), { force: true });
      continue;
    }
    const m = NAME_RE.exec(name);
    if (m?.[1] !== undefined && m[2] !== undefined) out.push({ name, term: parseInt(m[1], 16), index: parseInt(m[2], 16) });
  }
  return out.sort((a, b) => b.index - a.index || b.term - a.term);
}

/** Reads and verifies one snapshot file. */
export async function readSnapshotFile(dir: string, name: string): Promise<Snapshot__Output> {
  return decodeSnapshotFile(await readFile(join(dir, name)), join(dir, name));
}

/** Deletes all but the newest `keep` snapshot files. */
export async function pruneSnapshotFiles(dir: string, keep: number): Promise<number> {
  const files = await listSnapshotFiles(dir);
  let removed = 0;
  for (const f of files.slice(keep)) {
    await rm(join(dir, f.name), { force: true });
    removed++;
  }
  if (removed > 0) await fsyncDir(dir);
  return removed;
}
