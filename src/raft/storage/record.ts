/**
 * WAL record codec (pure, no I/O). A record is a 12-byte header followed by a payload:
 *
 *   u32le payload length | u8 type | u24le header check | u32le CRC32 of payload
 *
 * The header check (low 24 bits of CRC32 over length+type) lets the reader tell a damaged length field
 * from a torn tail, so a flipped bit in a length can never make the reader skip good records.
 * Payloads are fixed binary layouts; 64-bit numbers are written as two u32 (values stay < 2^53).
 */
import { crc32 } from "node:zlib";
import type { Entry__Output } from "../../gen/swarm/raft/Entry.js";
import type { HardState__Output } from "../../gen/swarm/raft/HardState.js";
import { WalCorruptError } from "./errors.js";

/** Size of a record header in bytes. */
export const RECORD_HEADER_BYTES = 12;
/** Largest payload a record may carry (a sanity bound on the length field). */
export const MAX_RECORD_PAYLOAD = 256 * 1024 * 1024;
/** Version written into every segment header. */
export const WAL_FORMAT_VERSION = 1;

/** Record type tags as stored on disk. */
export const RecordType = {
  SegmentHeader: 1,
  Entry: 2,
  HardState: 3,
  SnapshotMarker: 4,
} as const;
/** One of the record type tags. */
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

/** A decoded WAL record. */
export type WalRecord =
  | { readonly type: "segment"; readonly seq: number; readonly firstIndex: number }
  | { readonly type: "entry"; readonly entry: Entry__Output }
  | { readonly type: "hardState"; readonly hardState: HardState__Output }
  | { readonly type: "snapshot"; readonly term: number; readonly index: number; readonly replaceLog: boolean };

const ENTRY_TYPE_CODES = { ENTRY_NORMAL: 0, ENTRY_CONF_CHANGE: 1 } as const;

function putU64(buf: Buffer, off: number, v: number): void {
  buf.writeUInt32LE(Math.floor(v / 0x1_0000_0000) >>> 0, off);
  buf.writeUInt32LE(v >>> 0, off + 4);
}

function getU64(buf: Buffer, off: number): number {
  return buf.readUInt32LE(off) * 0x1_0000_0000 + buf.readUInt32LE(off + 4);
}

function headerCheck(buf: Buffer, off: number): number {
  return crc32(buf.subarray(off, off + 5)) & 0xffffff;
}

function frame(type: RecordType, payloadLen: number, fill: (buf: Buffer, at: number) => void): Buffer {
  const buf = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payloadLen);
  buf.writeUInt32LE(payloadLen, 0);
  buf.writeUInt8(type, 4);
  buf.writeUIntLE(headerCheck(buf, 0), 5, 3);
  fill(buf, RECORD_HEADER_BYTES);
  buf.writeUInt32LE(crc32(buf.subarray(RECORD_HEADER_BYTES)), 8);
  return buf;
}

/** Encodes a segment header record (first record of every segment file). */
export function encodeSegmentHeader(seq: number, firstIndex: number): Buffer {
  return frame(RecordType.SegmentHeader, 20, (b, at) => {
    b.writeUInt32LE(WAL_FORMAT_VERSION, at);
    putU64(b, at + 4, seq);
    putU64(b, at + 12, firstIndex);
  });
}

/** Encodes one log entry. */
export function encodeEntry(e: Entry__Output): Buffer {
  const data = e.data;
  return frame(RecordType.Entry, 17 + data.length, (b, at) => {
    putU64(b, at, e.term);
    putU64(b, at + 8, e.index);
    b.writeUInt8(ENTRY_TYPE_CODES[e.type], at + 16);
    data.copy(b, at + 17);
  });
}

/** Encodes a hard state (term, vote, commit). */
export function encodeHardState(hs: HardState__Output): Buffer {
  return frame(RecordType.HardState, 24, (b, at) => {
    putU64(b, at, hs.term);
    putU64(b, at + 8, hs.vote);
    putU64(b, at + 16, hs.commit);
  });
}

/**
 * Encodes a snapshot marker: "a snapshot at (term, index) is durable; entries ≤ index live in it".
 * `replaceLog` marks a snapshot installed from the leader: every entry written before the marker is
 * discarded on replay (the core's log was replaced), not only those ≤ index.
 */
export function encodeSnapshotMarker(term: number, index: number, replaceLog: boolean): Buffer {
  return frame(RecordType.SnapshotMarker, 17, (b, at) => {
    putU64(b, at, term);
    putU64(b, at + 8, index);
    b.writeUInt8(replaceLog ? 1 : 0, at + 16);
  });
}

/** Result of scanning one segment's bytes. */
export interface SegmentScan {
  /** Records in file order. */
  readonly records: WalRecord[];
  /** Byte length of the valid prefix (where the next record would be written). */
  readonly validEnd: number;
  /** Set when the scan stopped at a torn tail (only allowed in the last segment). */
  readonly torn: { readonly offset: number; readonly reason: string } | null;
}

function isAllZero(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Parses a segment's bytes. A damaged record is a torn tail — and the scan stops there — only when
 * `isLast` and it is the last thing in the file: an incomplete header or payload, all-zero bytes to the
 * end of the file, or a payload CRC mismatch on a record that ends exactly at the end of the file.
 * Anything else throws {@link WalCorruptError} naming the file and offset.
 */
export function scanSegment(buf: Buffer, file: string, isLast: boolean): SegmentScan {
  const records: WalRecord[] = [];
  let off = 0;
  const torn = (reason: string): SegmentScan => {
    if (!isLast) throw new WalCorruptError(file, off, `${reason} (not the last segment)`);
    return { records, validEnd: off, torn: { offset: off, reason } };
  };
  while (off < buf.length) {
    const remaining = buf.length - off;
    if (isAllZero(buf, off)) return torn(`${remaining} zero bytes at the tail`);
    if (remaining < RECORD_HEADER_BYTES) return torn(`incomplete record header (${remaining} of ${RECORD_HEADER_BYTES} bytes)`);
    const len = buf.readUInt32LE(off);
    const type = buf.readUInt8(off + 4);
    if (buf.readUIntLE(off + 5, 3) !== headerCheck(buf, off)) {
      throw new WalCorruptError(file, off, `record header check mismatch (length field ${len}, type ${type})`);
    }
    if (len > MAX_RECORD_PAYLOAD) throw new WalCorruptError(file, off, `record length ${len} exceeds ${MAX_RECORD_PAYLOAD}`);
    const end = off + RECORD_HEADER_BYTES + len;
    if (end > buf.length) return torn(`incomplete record payload (${remaining - RECORD_HEADER_BYTES} of ${len} bytes)`);
    const payload = buf.subarray(off + RECORD_HEADER_BYTES, end);
    if (crc32(payload) !== buf.readUInt32LE(off + 8)) {
      if (end === buf.length) return torn("payload CRC mismatch in the last record");
      throw new WalCorruptError(file, off, `payload CRC mismatch (type ${type}, ${len} bytes)`);
    }
    records.push(decodePayload(type, payload, file, off));
    off = end;
  }
  return { records, validEnd: off, torn: null };
}

function decodePayload(type: number, p: Buffer, file: string, off: number): WalRecord {
  const need = (n: number, what: string): void => {
    if (p.length < n) throw new WalCorruptError(file, off, `${what} record too short (${p.length} < ${n} bytes)`);
  };
  switch (type) {
    case RecordType.SegmentHeader: {
      need(20, "segment header");
      const version = p.readUInt32LE(0);
      if (version !== WAL_FORMAT_VERSION) throw new WalCorruptError(file, off, `unknown WAL format version ${version}`);
      return { type: "segment", seq: getU64(p, 4), firstIndex: getU64(p, 12) };
    }
    case RecordType.Entry: {
      need(17, "entry");
      const code = p.readUInt8(16);
      if (code !== 0 && code !== 1) throw new WalCorruptError(file, off, `unknown entry type ${code}`);
      return {
        type: "entry",
        entry: {
          term: getU64(p, 0),
          index: getU64(p, 8),
          type: code === 0 ? "ENTRY_NORMAL" : "ENTRY_CONF_CHANGE",
          data: p.subarray(17),
        },
      };
    }
    case RecordType.HardState:
      need(24, "hard state");
      return { type: "hardState", hardState: { term: getU64(p, 0), vote: getU64(p, 8), commit: getU64(p, 16) } };
    case RecordType.SnapshotMarker:
      need(17, "snapshot marker");
      return { type: "snapshot", term: getU64(p, 0), index: getU64(p, 8), replaceLog: p.readUInt8(16) === 1 };
    default:
      throw new WalCorruptError(file, off, `unknown record type ${type}`);
  }
}
