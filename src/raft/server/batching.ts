/**
 * Hands a member's queued requests to Raft, once per loop turn: every queued proposal goes into ONE
 * MSG_PROP (stepped locally on the leader, sent to the leader otherwise, held while the connection to
 * the leader is down) and every queued read into ONE ReadIndex request, whose context (member id,
 * nonce, sequence) names the batch of waiters the answer serves.
 */
import type { RaftTransport } from "../transport/transport.js";
import { type RaftNode, newEntry, newMessage } from "../core/index.js";
import type { Logger } from "../../lib/logger.js";
import { errorMessage } from "../../lib/errors.js";
import { RaftServerError, RaftServerErrorCode } from "./errors.js";
import type { RequestBook } from "./requests.js";

/** What proposals travel over when this member does not lead. */
export type LeaderLink = Pick<RaftTransport, "peerReady" | "send">;

/** The loop's counters that batching adds to. */
export interface BatchCounters {
  batches: number;
  proposalsBatched: number;
}

/** What the batcher works with. */
export interface BatcherParts<R> {
  readonly id: number;
  readonly nonce: number;
  readonly node: RaftNode;
  readonly req: RequestBook<R>;
  readonly log: Logger;
  readonly counters: BatchCounters;
}

/** Turns the queues of a RequestBook into one proposal message and one ReadIndex request. */
export class RequestBatcher<R> {
  private readSeq = 0;

  constructor(private readonly p: BatcherParts<R>) {}

  /** Sends the queued proposals as one batch to `leader` (0: none known; nothing is sent). */
  flushProposals(leader: number, isLeader: boolean, link: LeaderLink): void {
    const { req, counters } = this.p;
    if (req.propQueue.length === 0 || leader === 0) return;
    // Hold proposals while the leader's connection is down (it probably died): sending them would lose
    // them; held ones go to the next leader (or to this one when it reconnects).
    if (!isLeader && !link.peerReady(leader)) return;
    const batch = req.propQueue;
    req.propQueue = [];
    counters.batches++;
    counters.proposalsBatched += batch.length;
    const m = newMessage({
      type: "MSG_PROP",
      from: this.p.id,
      entries: batch.map((q) => newEntry({ term: 0, index: 0, data: q.data })),
    });
    for (const q of batch) {
      const p = req.pending.get(q.seq);
      if (p !== undefined) p.sent = true;
    }
    if (isLeader) {
      try {
        this.p.node.step(m);
      } catch (err) {
        for (const q of batch) {
          const p = req.pending.get(q.seq);
          req.pending.delete(q.seq);
          p?.reject(new RaftServerError(RaftServerErrorCode.NoLeader, `raft: proposal dropped: ${errorMessage(err)}`, { leader, cause: err }));
        }
      }
    } else {
      link.send([{ ...m, to: leader }]);
    }
  }

  /** Asks for one ReadIndex covering the queued reads (retried next turn if the core refuses). */
  flushReads(leader: number): void {
    const { req } = this.p;
    if (req.readQueue.length === 0 || leader === 0) return;
    const ctx = Buffer.allocUnsafe(12);
    ctx.writeUInt32LE(this.p.id, 0);
    ctx.writeUInt32LE(this.p.nonce, 4);
    ctx.writeUInt32LE(this.readSeq++ >>> 0, 8);
    try {
      this.p.node.readIndex(ctx);
    } catch (err) {
      this.p.log.debug({ err: errorMessage(err) }, "raft: read index refused; will retry");
      return;
    }
    req.readBatches.set(ctx.toString("hex"), { waiters: req.readQueue, index: null });
    req.readQueue = [];
  }
}
