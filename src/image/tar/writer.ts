/**
 * Tar writer (pure: entries in, bytes out). Emits POSIX ustar headers, preceded by a pax `x` header when
 * a path, link target, size or id does not fit ustar. Used to build test images and synthesized layers;
 * output is deterministic for identical input, so digests are stable.
 */
import { BLOCK_SIZE, encodeHeader, encodePaxRecord, type TarEntryType } from "./header.js";

/** One member to write. Content is given for files only. */
export interface TarWriteEntry {
  readonly path: string;
  readonly type: TarEntryType;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly mtime?: number;
  readonly linkPath?: string;
  readonly uname?: string;
  readonly gname?: string;
  readonly devMajor?: number;
  readonly devMinor?: number;
  /** File content (files only). */
  readonly data?: Uint8Array;
  /** Extra raw pax records (e.g. `SCHILY.xattr.*`); written in key order. */
  readonly pax?: Readonly<Record<string, string>>;
}

function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK_SIZE - (size % BLOCK_SIZE)) % BLOCK_SIZE);
}

/** Encodes one member (with its pax header when needed) into 512-byte-aligned bytes. */
export function encodeTarEntry(entry: TarWriteEntry): Buffer {
  const data = entry.type === "file" ? (entry.data ?? new Uint8Array(0)) : new Uint8Array(0);
  const path = entry.type === "directory" && !entry.path.endsWith("/") ? `${entry.path}/` : entry.path;
  const { block, pax } = encodeHeader({ ...entry, path, size: data.length });
  for (const key of Object.keys(entry.pax ?? {}).sort()) pax.set(key, entry.pax?.[key] ?? "");
  const parts: Buffer[] = [];
  if (pax.size > 0) {
    const body = Buffer.concat([...pax].map(([k, v]) => encodePaxRecord(k, v)));
    const name = `PaxHeaders/${path.replace(/\/$/, "").split("/").pop() ?? "entry"}`.slice(0, 99);
    parts.push(encodeHeader({ path: name, type: "pax", size: body.length, mtime: entry.mtime ?? 0 }).block, body, padding(body.length));
  }
  parts.push(block, Buffer.from(data.buffer, data.byteOffset, data.byteLength), padding(data.length));
  return Buffer.concat(parts);
}

/** The end-of-archive marker: two zero blocks. */
export function encodeTarEnd(): Buffer {
  return Buffer.alloc(2 * BLOCK_SIZE);
}

/** Encodes a whole archive in memory (members in the given order, then the end marker). */
export function encodeTar(entries: Iterable<TarWriteEntry>): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) parts.push(encodeTarEntry(e));
  parts.push(encodeTarEnd());
  return Buffer.concat(parts);
}
