/**
 * Byte formats the server adds around the state machine's data (pure):
 *
 * - Proposal envelope, the data of every normal entry the server proposes:
 *   0x01 | u32 proposer id | u32 incarnation nonce | u32 sequence | payload.
 *   The proposer resolves its pending promise when it applies an entry carrying its own
 *   (id, nonce, seq); the random nonce keeps a restarted member from matching an entry proposed
 *   by its previous incarnation. Empty entries (a new leader's no-op) carry no envelope.
 * - Snapshot data: u32 length | JSON {members: {id: address}} | state machine bytes, so a member
 *   restored from a snapshot knows every peer's address.
 */
import { SwarmError, ErrorCode } from "../../lib/errors.js";

const ENVELOPE_VERSION = 1;
/** Bytes of the proposal envelope header. */
export const ENVELOPE_BYTES = 13;

/** Identity of one proposal. */
export interface ProposalId {
  readonly proposer: number;
  readonly nonce: number;
  readonly seq: number;
}

function u32(field: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) {
    throw new SwarmError(ErrorCode.InvalidArgument, `raft proposal envelope: ${field} ${v} does not fit a u32`);
  }
  return v;
}

/** Wraps a payload into a proposal envelope; every id part must fit a u32 (else InvalidArgument). */
export function encodeProposal(id: ProposalId, payload: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(ENVELOPE_BYTES + payload.length);
  buf.writeUInt8(ENVELOPE_VERSION, 0);
  buf.writeUInt32LE(u32("proposer", id.proposer), 1);
  buf.writeUInt32LE(u32("nonce", id.nonce), 5);
  buf.writeUInt32LE(u32("seq", id.seq), 9);
  buf.set(payload, ENVELOPE_BYTES);
  return buf;
}

/** Unwraps an entry's data; throws on a malformed envelope (a corrupt or foreign log). */
export function decodeProposal(data: Buffer): { id: ProposalId; payload: Buffer } {
  if (data.length < ENVELOPE_BYTES || data.readUInt8(0) !== ENVELOPE_VERSION) {
    throw new SwarmError(ErrorCode.Corrupt, `raft entry: ${data.length}-byte data is not a proposal envelope (version byte ${data[0]})`);
  }
  return {
    id: { proposer: data.readUInt32LE(1), nonce: data.readUInt32LE(5), seq: data.readUInt32LE(9) },
    payload: data.subarray(ENVELOPE_BYTES),
  };
}

/** Wraps state machine snapshot bytes with the member address book. */
export function encodeSnapshotData(members: ReadonlyMap<number, string>, state: Uint8Array): Buffer {
  const meta = Buffer.from(JSON.stringify({ members: Object.fromEntries(members) }));
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32LE(meta.length, 0);
  return Buffer.concat([head, meta, state]);
}

/** Unwraps snapshot data into the address book and the state machine bytes. */
export function decodeSnapshotData(data: Buffer): { members: Map<number, string>; state: Buffer } {
  if (data.length === 0) return { members: new Map(), state: data };
  const fail = (why: string): never => {
    throw new SwarmError(ErrorCode.Corrupt, `raft snapshot data: ${why}`);
  };
  if (data.length < 4) fail(`${data.length} bytes is shorter than the 4-byte header`);
  const len = data.readUInt32LE(0);
  if (4 + len > data.length) fail(`member table length ${len} exceeds ${data.length - 4} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.subarray(4, 4 + len).toString("utf8"));
  } catch (err) {
    fail(`member table is not JSON (${String(err)})`);
  }
  const members = new Map<number, string>();
  const table = (parsed as { members?: unknown }).members;
  if (typeof table !== "object" || table === null) fail("member table lacks `members`");
  for (const [k, v] of Object.entries(table as Record<string, unknown>)) {
    if (typeof v !== "string" || !/^\d+$/.test(k)) fail(`member entry ${k} → ${String(v)} is not id → address`);
    members.set(Number(k), v as string);
  }
  return { members, state: data.subarray(4 + len) };
}
