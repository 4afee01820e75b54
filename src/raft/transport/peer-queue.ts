/**
 * The per-peer outgoing queue (pure): bounded by message count and bytes, drained in batches.
 * When the queue is full a new message is refused — the caller reports the peer unreachable to the
 * core, which slows replication to it (probe state) instead of buffering without bound.
 */
import type { Message__Output } from "../../gen/swarm/raft/Message.js";

/** Limits of one peer queue. */
export interface PeerQueueLimits {
  /** Most messages waiting. */
  readonly maxMessages: number;
  /** Most payload bytes waiting (entries' data plus snapshot data). */
  readonly maxBytes: number;
  /** Upper bound of one batch's payload bytes (at least one message per batch). */
  readonly maxBatchBytes: number;
}

/** Approximate wire size of a message: its entries' and snapshot's payload plus a fixed overhead. */
export function messageBytes(m: Message__Output): number {
  let n = 64 + m.context.length;
  for (const e of m.entries) n += 24 + e.data.length;
  if (m.snapshot !== null) n += m.snapshot.data.length + 64;
  return n;
}

/** A FIFO of messages for one peer with count and byte limits. */
export class PeerQueue {
  private items: Message__Output[] = [];
  private head = 0;
  private bytes = 0;

  constructor(private readonly limits: PeerQueueLimits) {}

  /** Messages waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Payload bytes waiting. */
  get size(): number {
    return this.bytes;
  }

  /** Adds a message; false (and nothing queued) when a limit would be exceeded. */
  push(m: Message__Output): boolean {
    const b = messageBytes(m);
    if (this.length >= this.limits.maxMessages) return false;
    if (this.length > 0 && this.bytes + b > this.limits.maxBytes) return false;
    this.items.push(m);
    this.bytes += b;
    return true;
  }

  /** Removes and returns the next batch (empty when nothing waits). */
  takeBatch(): Message__Output[] {
    const out: Message__Output[] = [];
    let size = 0;
    while (this.head < this.items.length) {
      const m = this.items[this.head] as Message__Output;
      const b = messageBytes(m);
      if (out.length > 0 && size + b > this.limits.maxBatchBytes) break;
      out.push(m);
      size += b;
      this.head++;
      this.bytes -= b;
    }
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Drops everything waiting; returns how many messages were dropped. */
  clear(): number {
    const n = this.length;
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    return n;
  }
}
