/**
 * A tiny replicated key-value state machine (used by tests and the benchmark). Commands and snapshots
 * are compact binary (pure codec below); every applied command bumps the revision (= its Raft index).
 *
 * Command: u8 op (1 put, 2 delete) | u16le key length | key utf8 | value bytes (put only).
 * Snapshot: u64 revision (two u32le) | u32le count | count × (u16le key length | key | u32le value length | value).
 */
import { SwarmError, ErrorCode } from "../../lib/errors.js";
import type { StateMachine } from "../server/state-machine.js";

/** A KV write. */
export type KvCommand = { readonly op: "put"; readonly key: string; readonly value: Buffer } | { readonly op: "delete"; readonly key: string };

/** Result of applying a command. */
export interface KvApplyResult {
  /** Raft index of the command (the store's new revision). */
  readonly revision: number;
  /** Whether the key existed before. */
  readonly existed: boolean;
}

/** Largest key accepted, in bytes. */
export const MAX_KEY_BYTES = 4096;

/** Encodes a command for proposal. Throws on a key that is empty or too long. */
export function encodeKvCommand(cmd: KvCommand): Buffer {
  const key = Buffer.from(cmd.key, "utf8");
  if (key.length === 0 || key.length > MAX_KEY_BYTES) {
    throw new SwarmError(ErrorCode.InvalidArgument, `kv.key: ${key.length} bytes is not within 1..${MAX_KEY_BYTES}`);
  }
  const value = cmd.op === "put" ? cmd.value : Buffer.alloc(0);
  const buf = Buffer.allocUnsafe(3 + key.length + value.length);
  buf.writeUInt8(cmd.op === "put" ? 1 : 2, 0);
  buf.writeUInt16LE(key.length, 1);
  key.copy(buf, 3);
  value.copy(buf, 3 + key.length);
  return buf;
}

/** Decodes a command; throws a Corrupt error naming what is wrong. */
export function decodeKvCommand(data: Buffer): KvCommand {
  if (data.length < 3) throw new SwarmError(ErrorCode.Corrupt, `kv command: ${data.length} bytes is shorter than 3`);
  const op = data.readUInt8(0);
  const keyLen = data.readUInt16LE(1);
  if (3 + keyLen > data.length) throw new SwarmError(ErrorCode.Corrupt, `kv command: key length ${keyLen} exceeds ${data.length - 3} bytes`);
  const key = data.toString("utf8", 3, 3 + keyLen);
  if (op === 1) return { op: "put", key, value: Buffer.from(data.subarray(3 + keyLen)) };
  if (op === 2) return { op: "delete", key };
  throw new SwarmError(ErrorCode.Corrupt, `kv command: op ${op} is not 1 (put) or 2 (delete)`);
}

/** The KV state machine. */
export class KvStateMachine implements StateMachine<KvApplyResult> {
  private data = new Map<string, Buffer>();
  private rev = 0;

  /** Current value of a key (null when absent). Read after a linearizable read barrier. */
  get(key: string): Buffer | null {
    return this.data.get(key) ?? null;
  }

  /** Number of keys. */
  get size(): number {
    return this.data.size;
  }

  /** Index of the last applied command. */
  get revision(): number {
    return this.rev;
  }

  apply(index: number, payload: Buffer): KvApplyResult {
    let cmd: KvCommand;
    try {
      cmd = decodeKvCommand(payload);
    } catch {
      this.rev = index;
      return { revision: index, existed: false }; // a malformed command is a no-op on every member alike
    }
    const existed = this.data.has(cmd.key);
    if (cmd.op === "put") this.data.set(cmd.key, cmd.value);
    else this.data.delete(cmd.key);
    this.rev = index;
    return { revision: index, existed };
  }

  snapshot(): Uint8Array {
    const parts: Buffer[] = [];
    const head = Buffer.allocUnsafe(12);
    head.writeUInt32LE(Math.floor(this.rev / 0x1_0000_0000), 0);
    head.writeUInt32LE(this.rev >>> 0, 4);
    head.writeUInt32LE(this.data.size, 8);
    parts.push(head);
    for (const [k, v] of this.data) {
      const key = Buffer.from(k, "utf8");
      const h = Buffer.allocUnsafe(6);
      h.writeUInt16LE(key.length, 0);
      h.writeUInt32LE(v.length, 2);
      parts.push(h.subarray(0, 2), key, h.subarray(2), v);
    }
    return Buffer.concat(parts);
  }

  restore(_index: number, snap: Buffer): void {
    const data = new Map<string, Buffer>();
    if (snap.length === 0) {
      this.data = data;
      this.rev = 0;
      return;
    }
    const fail = (off: number): never => {
      throw new SwarmError(ErrorCode.Corrupt, `kv snapshot: truncated at byte ${off} of ${snap.length}`);
    };
    if (snap.length < 12) fail(0);
    const rev = snap.readUInt32LE(0) * 0x1_0000_0000 + snap.readUInt32LE(4);
    const count = snap.readUInt32LE(8);
    let off = 12;
    for (let i = 0; i < count; i++) {
      if (off + 2 > snap.length) fail(off);
      const kl = snap.readUInt16LE(off);
      off += 2;
      if (off + kl + 4 > snap.length) fail(off);
      const key = snap.toString("utf8", off, off + kl);
      off += kl;
      const vl = snap.readUInt32LE(off);
      off += 4;
      if (off + vl > snap.length) fail(off);
      data.set(key, Buffer.from(snap.subarray(off, off + vl)));
      off += vl;
    }
    this.data = data;
    this.rev = rev;
  }
}
