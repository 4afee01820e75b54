/**
 * ReadIndex bookkeeping on the leader (Raft thesis §6.4): each read request records the commit index
 * at arrival; it becomes safe to serve once a heartbeat round carrying the request's context has been
 * acknowledged by a majority (proving we were still leader at that moment).
 */
import type { Message } from "./types.js";

/** A read request waiting for its heartbeat quorum. */
export interface ReadIndexStatus {
  readonly req: Message;
  readonly index: number;
  readonly acks: Set<number>;
}

/** Pending read-only requests, in arrival order. */
export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private readonly queue: string[] = [];

  /** Registers a request (its context must be unique) at commit index `index`. */
  addRequest(index: number, m: Message): void {
    const key = m.context.toString("hex");
    if (this.pending.has(key)) return;
    this.pending.set(key, { req: m, index, acks: new Set() });
    this.queue.push(key);
  }

  /** Records a heartbeat ack for the request with this context; returns its ack set (undefined if unknown). */
  recvAck(id: number, context: Buffer): ReadonlySet<number> | undefined {
    const rs = this.pending.get(context.toString("hex"));
    if (rs === undefined) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /**
   * Dequeues the request with this context and every request queued before it (an ack for a later
   * heartbeat also confirms leadership for earlier requests).
   */
  advance(context: Buffer): ReadIndexStatus[] {
    const key = context.toString("hex");
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const keys = this.queue.splice(0, at + 1);
    const out: ReadIndexStatus[] = [];
    for (const k of keys) {
      const rs = this.pending.get(k);
      if (rs !== undefined) out.push(rs);
      this.pending.delete(k);
    }
    return out;
  }

  /** Context of the newest pending request, if any. */
  lastPendingRequestCtx(): Buffer | undefined {
    const k = this.queue[this.queue.length - 1];
    return k === undefined ? undefined : this.pending.get(k)?.req.context;
  }

  size(): number {
    return this.queue.length;
  }
}
