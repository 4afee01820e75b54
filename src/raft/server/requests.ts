/**
 * Bookkeeping of the requests a member is waiting on (no I/O): proposals (queued, then in flight until
 * this member applies them), read barriers (queued, then batched under one ReadIndex context) and
 * membership changes. Deadlines are swept on every tick; `failAll` ends everything at stop.
 */
import type { ConfChangeType, ConfState } from "../core/index.js";
import { RaftServerError, RaftServerErrorCode } from "./errors.js";

/** A proposal waiting for this member to apply it. */
export interface PendingProposal<R> {
  resolve(result: R): void;
  reject(err: Error): void;
  deadline: number;
  /** Sent to a leader (or stepped): its outcome is unknown if we give up. */
  sent: boolean;
}

/** A proposal not yet handed to the core or the leader. */
export interface QueuedProposal {
  readonly seq: number;
  readonly data: Buffer;
  readonly since: number;
}

/** A caller waiting for a read barrier. */
export interface ReadWaiter {
  resolve(): void;
  reject(err: Error): void;
  deadline: number;
}

/** Reads sharing one ReadIndex request; `index` is set once the leader confirmed it. */
export interface ReadBatch {
  readonly waiters: ReadWaiter[];
  index: number | null;
}

/** A caller waiting for a membership change to be applied. */
export interface ConfWaiter {
  readonly type: ConfChangeType;
  readonly nodeId: number;
  readonly resolve: (cs: ConfState) => void;
  readonly reject: (err: Error) => void;
  readonly deadline: number;
}

/** Limits used by {@link RequestBook.sweep}. */
export interface SweepLimits {
  /** Current leader (0 = none). */
  readonly leader: number;
  /** Queued proposals fail with NoLeader after this long without a leader. */
  readonly noLeaderMs: number;
  readonly requestTimeoutMs: number;
}

/** All requests a member is waiting on. */
export class RequestBook<R> {
  readonly pending = new Map<number, PendingProposal<R>>();
  propQueue: QueuedProposal[] = [];
  readQueue: ReadWaiter[] = [];
  readonly readBatches = new Map<string, ReadBatch>();
  confWaiters: ConfWaiter[] = [];

  /** Fails whatever passed its deadline. */
  sweep(now: number, l: SweepLimits): void {
    if (this.propQueue.length > 0 && l.leader === 0) {
      const keep: QueuedProposal[] = [];
      for (const q of this.propQueue) {
        if (now - q.since < l.noLeaderMs) {
          keep.push(q);
          continue;
        }
        const p = this.pending.get(q.seq);
        this.pending.delete(q.seq);
        p?.reject(new RaftServerError(RaftServerErrorCode.NoLeader, `raft: no leader elected within ${l.noLeaderMs} ms; proposal not submitted`));
      }
      this.propQueue = keep;
    }
    for (const [seq, p] of this.pending) {
      if (p.deadline > now) continue;
      this.pending.delete(seq);
      p.reject(
        new RaftServerError(RaftServerErrorCode.Timeout, `raft: proposal not applied within ${l.requestTimeoutMs} ms (outcome unknown)`, {
          unknownOutcome: p.sent,
          leader: l.leader,
        }),
      );
    }
    const expired = (w: ReadWaiter): boolean => {
      if (w.deadline > now) return false;
      w.reject(new RaftServerError(RaftServerErrorCode.Timeout, `raft: read not confirmed within ${l.requestTimeoutMs} ms`, { leader: l.leader }));
      return true;
    };
    this.readQueue = this.readQueue.filter((w) => !expired(w));
    for (const [ctx, b] of this.readBatches) {
      const left = b.waiters.filter((w) => !expired(w));
      if (left.length === 0) this.readBatches.delete(ctx);
      else b.waiters.splice(0, b.waiters.length, ...left);
    }
    this.confWaiters = this.confWaiters.filter((w) => {
      if (w.deadline > now) return true;
      w.reject(new RaftServerError(RaftServerErrorCode.Timeout, `raft: membership change for ${w.nodeId} not applied in time`, { unknownOutcome: true }));
      return false;
    });
  }

  /** Re-queues reads whose ReadIndex was not answered (after a leader change; reads are idempotent). */
  requeueUnansweredReads(): void {
    for (const [ctx, b] of this.readBatches) {
      if (b.index !== null) continue;
      this.readQueue.push(...b.waiters);
      this.readBatches.delete(ctx);
    }
  }

  /** Resolves the reads whose confirmed index is applied. */
  serveReads(applied: number): void {
    for (const [ctx, b] of this.readBatches) {
      if (b.index === null || b.index > applied) continue;
      this.readBatches.delete(ctx);
      for (const w of b.waiters) w.resolve();
    }
  }

  /** Resolves the callers waiting for this change. */
  confApplied(type: ConfChangeType, nodeId: number, cs: ConfState): void {
    this.confWaiters = this.confWaiters.filter((w) => {
      if (w.type !== type || w.nodeId !== nodeId) return true;
      w.resolve(cs);
      return false;
    });
  }

  /** Fails everything (stop, storage failure). */
  failAll(err: RaftServerError): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.propQueue = [];
    for (const w of this.readQueue) w.reject(err);
    this.readQueue = [];
    for (const b of this.readBatches.values()) for (const w of b.waiters) w.reject(err);
    this.readBatches.clear();
    for (const w of this.confWaiters) w.reject(err);
    this.confWaiters = [];
  }
}
