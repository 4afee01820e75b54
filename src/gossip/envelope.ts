/**
 * Replay protection for gossip packets (pure: no sockets, no clock).
 *
 * Encryption proves a packet was sealed by a key holder, not that it is new: anyone on the path can
 * capture a datagram and send it again later (a "dead" or "suspect" accusation, a stale push-pull).
 * So every packet carries an envelope inside the encrypted part — the sender's name, its epoch (the
 * sender's start time) and a sequence number — and each receiver keeps, per sender, the highest
 * sequence seen and a bitmap of the {@link REPLAY_WINDOW} numbers below it (the IPsec/DTLS
 * anti-replay window). A packet is accepted once; a repeat, one older than the window, or one from an
 * older epoch than the sender's current one is dropped and counted.
 *
 * Invariants: per sender, epochs only grow; within an epoch a sequence number is accepted at most
 * once; the state per sender is O(1) and the number of senders tracked is bounded.
 */
import type { Packet, Packet__Output } from "../gen/swarm/gossip/Packet.js";

/** How far below the newest sequence number a late packet is still accepted (reordering, TCP vs UDP). */
export const REPLAY_WINDOW = 1024;
/** Senders tracked at most; the least recently heard is forgotten first (only key holders can add). */
export const MAX_TRACKED_SENDERS = 4096;

/** Verdict on one incoming envelope. */
export type ReplayVerdict =
  | "accepted"
  /** No sender or sequence number: not sealed by a current member's stack. */
  | "missing"
  /** The exact (sender, epoch, seq) was accepted before. */
  | "replayed"
  /** Older than the window, or from an epoch older than the sender's current one. */
  | "stale";

/** Stamps outgoing packets with this member's envelope. */
export class PacketSealer {
  private seq = 0;

  /** `epoch` must grow across restarts of the same member (its start time in ms). */
  constructor(
    readonly sender: string,
    readonly epoch: number,
  ) {}

  /** A copy of `packet` with the next sequence number. */
  stamp(packet: Packet): Packet {
    this.seq++;
    return { ...packet, sender: this.sender, epoch: this.epoch, seq: this.seq };
  }
}

interface Window {
  epoch: number;
  /** Highest sequence number accepted. */
  top: number;
  /** Bit i set ⇔ top − i was accepted (bit 0 = top). */
  seen: bigint;
}

const WINDOW_MASK = (1n << BigInt(REPLAY_WINDOW)) - 1n;

/** Per-sender sliding windows of accepted sequence numbers. */
export class ReplayGuard {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly maxSenders = MAX_TRACKED_SENDERS) {}

  /** Decides on `packet`'s envelope and records it when accepted. */
  check(packet: Packet__Output): ReplayVerdict {
    return this.accept(packet.sender, packet.epoch, packet.seq);
  }

  /** Decides on one (sender, epoch, seq) and records it when accepted. */
  accept(sender: string, epoch: number, seq: number): ReplayVerdict {
    if (sender === "" || seq < 1) return "missing";
    const w = this.windows.get(sender);
    if (w === undefined || epoch > w.epoch) {
      this.remember(sender, { epoch, top: seq, seen: 1n });
      return "accepted";
    }
    if (epoch < w.epoch) return "stale";
    if (seq > w.top) {
      const shift = seq - w.top;
      w.seen = shift >= REPLAY_WINDOW ? 1n : ((w.seen << BigInt(shift)) | 1n) & WINDOW_MASK;
      w.top = seq;
      this.touch(sender, w);
      return "accepted";
    }
    const age = w.top - seq;
    if (age >= REPLAY_WINDOW) return "stale";
    const bit = 1n << BigInt(age);
    if ((w.seen & bit) !== 0n) return "replayed";
    w.seen |= bit;
    return "accepted";
  }

  /** Senders currently tracked. */
  get size(): number {
    return this.windows.size;
  }

  private remember(sender: string, w: Window): void {
    this.windows.delete(sender);
    this.windows.set(sender, w);
    if (this.windows.size > this.maxSenders) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
  }

  /** Map order = recency: a sender heard from moves to the end. */
  private touch(sender: string, w: Window): void {
    this.windows.delete(sender);
    this.windows.set(sender, w);
  }
}
