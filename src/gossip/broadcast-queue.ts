/**
 * Transmit-limited broadcast queue (pure): messages waiting to be piggybacked on outgoing packets.
 *
 * Each broadcast is sent at most `limit` times (RetransmitMult · ceil(log10(N+1))). A broadcast with
 * a key (the member it is about) replaces any queued broadcast with the same key, so only the newest
 * news about a member travels. Selection prefers the least-transmitted, then the newest messages.
 */
import type { GossipMessage } from "../gen/swarm/gossip/GossipMessage.js";

/** One queued broadcast. */
interface QueuedBroadcast {
  readonly key: string | undefined;
  readonly message: GossipMessage;
  readonly size: number;
  readonly id: number;
  transmits: number;
}

/** Largest number of queued broadcasts; the most-transmitted are dropped beyond it. */
export const MAX_QUEUED_BROADCASTS = 4096;

/** The queue. */
export class BroadcastQueue {
  private items: QueuedBroadcast[] = [];
  private nextId = 0;

  /** Queues a message of `size` encoded bytes; a keyed message replaces the older one with that key. */
  enqueue(key: string | undefined, message: GossipMessage, size: number): void {
    if (key !== undefined) this.items = this.items.filter((b) => b.key !== key);
    this.items.push({ key, message, size, id: this.nextId++, transmits: 0 });
    if (this.items.length > MAX_QUEUED_BROADCASTS) {
      this.items.sort((a, b) => a.transmits - b.transmits || b.id - a.id);
      this.items.length = MAX_QUEUED_BROADCASTS;
    }
  }

  /** Removes the queued broadcast about `key`, if any. */
  invalidate(key: string): void {
    this.items = this.items.filter((b) => b.key !== key);
  }

  /** Number of queued broadcasts. */
  get length(): number {
    return this.items.length;
  }

  /**
   * Takes broadcasts that fit in `budget` bytes, counting one transmission each and dropping those
   * that reached `limit` transmissions.
   */
  take(budget: number, limit: number): GossipMessage[] {
    if (this.items.length === 0 || budget <= 0) return [];
    const ordered = [...this.items].sort((a, b) => a.transmits - b.transmits || b.id - a.id);
    const out: GossipMessage[] = [];
    let used = 0;
    for (const b of ordered) {
      if (used + b.size > budget) continue;
      used += b.size;
      out.push(b.message);
      b.transmits++;
    }
    if (out.length > 0) this.items = this.items.filter((b) => b.transmits < limit);
    return out;
  }
}
