/**
 * Byte-level tar headers (pure, no I/O): the 512-byte ustar header, its numeric fields (octal or GNU
 * base-256), its checksum, and pax extended-header records. Used by the streaming parser
 * ({@link TarParser}) and the writer ({@link encodeTarEntry}).
 *
 * Layout (POSIX.1-1988 ustar): name[100]@0 mode[8]@100 uid[8]@108 gid[8]@116 size[12]@124 mtime[12]@136
 * chksum[8]@148 typeflag@156 linkname[100]@157 magic[6]@257 version[2]@263 uname[32]@265 gname[32]@297
 * devmajor[8]@329 devminor[8]@337 prefix[155]@345.
 */
import { TarFormatError } from "../errors.js";

/** Tar blocks are 512 bytes. */
export const BLOCK_SIZE = 512;

/** The kinds of archive members the store understands. */
export type TarEntryType = "file" | "hardlink" | "symlink" | "chardev" | "blockdev" | "directory" | "fifo";

/** One archive member's metadata, after pax/GNU extensions have been applied. */
export interface TarEntry {
  /** Member path exactly as the archive names it (not yet normalized or validated). */
  readonly path: string;
  readonly type: TarEntryType;
  /** Permission bits including setuid/setgid/sticky (0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Bytes of content that follow (0 for everything but files). */
  readonly size: number;
  /** Modification time in seconds since the epoch (may be fractional from pax). */
  readonly mtime: number;
  /** Target of a symlink or hard link ("" otherwise). */
  readonly linkPath: string;
  readonly uname: string;
  readonly gname: string;
  readonly devMajor: number;
  readonly devMinor: number;
  /** Extended attributes carried as pax `SCHILY.xattr.*` records. */
  readonly xattrs: Readonly<Record<string, string>>;
}

/** Raw header type flags. */
export const TypeFlag = {
  File: "0",
  OldFile: "\0",
  HardLink: "1",
  Symlink: "2",
  CharDev: "3",
  BlockDev: "4",
  Directory: "5",
  Fifo: "6",
  Contiguous: "7",
  PaxLocal: "x",
  PaxGlobal: "g",
  GnuLongName: "L",
  GnuLongLink: "K",
} as const;

const ENTRY_TYPE_BY_FLAG: Readonly<Record<string, TarEntryType>> = {
  [TypeFlag.File]: "file",
  [TypeFlag.OldFile]: "file",
  [TypeFlag.Contiguous]: "file",
  [TypeFlag.HardLink]: "hardlink",
  [TypeFlag.Symlink]: "symlink",
  [TypeFlag.CharDev]: "chardev",
  [TypeFlag.BlockDev]: "blockdev",
  [TypeFlag.Directory]: "directory",
  [TypeFlag.Fifo]: "fifo",
};

const FLAG_BY_ENTRY_TYPE: Readonly<Record<TarEntryType, string>> = {
  file: TypeFlag.File,
  hardlink: TypeFlag.HardLink,
  symlink: TypeFlag.Symlink,
  chardev: TypeFlag.CharDev,
  blockdev: TypeFlag.BlockDev,
  directory: TypeFlag.Directory,
  fifo: TypeFlag.Fifo,
};

/** Header fields as stored in one 512-byte block, before extensions are applied. */
export interface RawHeader {
  readonly name: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  readonly typeFlag: string;
  readonly linkName: string;
  readonly uname: string;
  readonly gname: string;
  readonly devMajor: number;
  readonly devMinor: number;
}

/** Maps a raw type flag to an entry type, or undefined when unsupported (sparse, multi-volume…). */
export function entryTypeOfFlag(flag: string): TarEntryType | undefined {
  return ENTRY_TYPE_BY_FLAG[flag];
}

/** True when the block is all zeros (end-of-archive marker). */
export function isZeroBlock(block: Uint8Array): boolean {
  for (const b of block) if (b !== 0) return false;
  return true;
}

function readString(block: Uint8Array, offset: number, length: number): string {
  let end = offset;
  const limit = offset + length;
  while (end < limit && block[end] !== 0) end++;
  return Buffer.from(block.buffer, block.byteOffset + offset, end - offset).toString("utf8");
}

/** Parses a numeric field: octal ASCII (NUL/space padded) or GNU base-256 (high bit of first byte set). */
export function readNumber(block: Uint8Array, offset: number, length: number, field: string): number {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    if (first & 0x40) throw new TarFormatError(`tar header ${field}: negative base-256 number`);
    let value = first & 0x3f;
    for (let i = 1; i < length; i++) {
      value = value * 256 + (block[offset + i] ?? 0);
      if (value > Number.MAX_SAFE_INTEGER) throw new TarFormatError(`tar header ${field}: number too large`);
    }
    return value;
  }
  const text = readString(block, offset, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`tar header ${field}: ${JSON.stringify(text)} is not an octal number`);
  return parseInt(text, 8);
}

/** Sum of the header bytes with the checksum field counted as spaces (the unsigned ustar checksum). */
export function headerChecksum(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK_SIZE; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum;
}

function signedChecksum(block: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    sum += b >= 128 ? b - 256 : b;
  }
  return sum;
}

/** Decodes one header block; throws TarFormatError on a bad checksum or bad number. */
export function decodeHeader(block: Uint8Array): RawHeader {
  if (block.length !== BLOCK_SIZE) throw new TarFormatError(`tar header: ${block.length} bytes, expected ${BLOCK_SIZE}`);
  let stored: number;
  try {
    stored = readNumber(block, 148, 8, "chksum");
  } catch (err) {
    throw new TarFormatError("tar header: checksum field is not a number (not a tar archive, or corrupt)", { cause: err });
  }
  if (stored !== headerChecksum(block) && stored !== signedChecksum(block)) {
    throw new TarFormatError(`tar header: checksum ${stored} does not match computed ${headerChecksum(block)} (not a tar archive or corrupt)`);
  }
  const magic = readString(block, 257, 6);
  let name = readString(block, 0, 100);
  // POSIX ustar ("ustar\0") has a prefix field; GNU ("ustar  ") uses those bytes for other things.
  if (magic === "ustar" && block[262] === 0) {
    const prefix = readString(block, 345, 155);
    if (prefix !== "") name = `${prefix}/${name}`;
  }
  return {
    name,
    mode: readNumber(block, 100, 8, "mode") & 0o7777,
    uid: readNumber(block, 108, 8, "uid"),
    gid: readNumber(block, 116, 8, "gid"),
    size: readNumber(block, 124, 12, "size"),
    mtime: readNumber(block, 136, 12, "mtime"),
    typeFlag: String.fromCharCode(block[156] ?? 0),
    linkName: readString(block, 157, 100),
    uname: readString(block, 265, 32),
    gname: readString(block, 297, 32),
    devMajor: readNumber(block, 329, 8, "devmajor"),
    devMinor: readNumber(block, 337, 8, "devminor"),
  };
}

/** Parses pax extended-header records (`"<len> <key>=<value>\n"`, len counting the whole record). */
export function parsePaxRecords(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  while (pos < buf.length) {
    if (buf[pos] === 0) break; // NUL padding after the last record
    const space = buf.indexOf(0x20, pos);
    if (space < 0) throw new TarFormatError(`pax header: record at byte ${pos} has no length`);
    const lenText = buf.toString("ascii", pos, space);
    if (!/^[0-9]+$/.test(lenText)) throw new TarFormatError(`pax header: bad record length ${JSON.stringify(lenText)}`);
    const len = parseInt(lenText, 10);
    const end = pos + len;
    if (len <= space - pos + 1 || end > buf.length || buf[end - 1] !== 0x0a) {
      throw new TarFormatError(`pax header: record at byte ${pos} with length ${len} is malformed`);
    }
    const record = buf.toString("utf8", space + 1, end - 1);
    const eq = record.indexOf("=");
    if (eq <= 0) throw new TarFormatError(`pax header: record ${JSON.stringify(record.slice(0, 40))} has no key`);
    records.set(record.slice(0, eq), record.slice(eq + 1));
    pos = end;
  }
  return records;
}

/** Encodes one pax record, computing its self-inclusive length. */
export function encodePaxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len = bodyLen + String(len).length;
  return Buffer.from(`${len}${body}`, "utf8");
}

function writeString(block: Buffer, offset: number, length: number, value: string): boolean {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) return false;
  bytes.copy(block, offset);
  return true;
}

function fitsOctal(value: number, length: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < 8 ** (length - 1);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  const text = Math.floor(value).toString(8).padStart(length - 1, "0");
  block.write(`${text}\0`, offset, length, "ascii");
}

/** Header fields the writer takes (a subset of {@link TarEntry} with defaults). */
export interface TarHeaderInput {
  readonly path: string;
  readonly type: TarEntryType | "pax";
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly size?: number;
  readonly mtime?: number;
  readonly linkPath?: string;
  readonly uname?: string;
  readonly gname?: string;
  readonly devMajor?: number;
  readonly devMinor?: number;
}

/**
 * Encodes a ustar header block. Returns the pax records needed for fields that do not fit
 * (long or non-ASCII paths, large sizes/ids); the caller emits those in a preceding `x` entry.
 */
export function encodeHeader(input: TarHeaderInput): { block: Buffer; pax: Map<string, string> } {
  const block = Buffer.alloc(BLOCK_SIZE);
  const pax = new Map<string, string>();
  const ascii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);
  if (!ascii(input.path) || !writeString(block, 0, 100, input.path)) {
    pax.set("path", input.path);
    writeString(block, 0, 100, input.path.replace(/[^\x20-\x7e]/g, "_").slice(0, 99));
  }
  const numbers: [number, number, string, number][] = [
    [100, 8, "mode", input.mode ?? 0o644],
    [108, 8, "uid", input.uid ?? 0],
    [116, 8, "gid", input.gid ?? 0],
    [124, 12, "size", input.size ?? 0],
    [136, 12, "mtime", Math.floor(input.mtime ?? 0)],
    [329, 8, "devmajor", input.devMajor ?? 0],
    [337, 8, "devminor", input.devMinor ?? 0],
  ];
  for (const [offset, length, key, value] of numbers) {
    if (fitsOctal(value, length)) writeOctal(block, offset, length, value);
    else if (key === "mode" || key === "devmajor" || key === "devminor") throw new TarFormatError(`tar writer: ${key} ${value} out of range`);
    else {
      pax.set(key, String(value));
      writeOctal(block, offset, length, 0);
    }
  }
  block[156] = (input.type === "pax" ? TypeFlag.PaxLocal : FLAG_BY_ENTRY_TYPE[input.type]).charCodeAt(0);
  const linkPath = input.linkPath ?? "";
  if (!ascii(linkPath) || !writeString(block, 157, 100, linkPath)) {
    pax.set("linkpath", linkPath);
  }
  block.write("ustar\x0000", 257, 8, "latin1");
  writeString(block, 265, 32, input.uname ?? "");
  writeString(block, 297, 32, input.gname ?? "");
  block.fill(0x20, 148, 156);
  const sum = headerChecksum(block);
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return { block, pax };
}
