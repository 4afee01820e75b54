import { describe, it, expect } from "vitest";
import { RequestBook } from "./requests.js";
import { type RaftServerError } from "./errors.js";

function track<T>(p: Promise<T>): { settled: () => unknown } {
  let out: unknown = "pending";
  p.then(
    (v) => (out = { ok: v }),
    (e: unknown) => (out = e),
  );
  return { settled: () => out };
}

describe("request book", () => {
  it("fails queued proposals with NoLeader (not submitted) and sent ones with Timeout (outcome unknown)", async () => {
    const book = new RequestBook<number>();
    const mk = (seq: number, sent: boolean, deadline: number) =>
      track(new Promise<number>((resolve, reject) => book.pending.set(seq, { resolve, reject, deadline, sent })));
    const queued = mk(1, false, 10_000);
    book.propQueue.push({ seq: 1, data: Buffer.alloc(0), since: 0 });
    const sent = mk(2, true, 500);
    const fine = mk(3, true, 10_000);
    book.sweep(1000, { leader: 0, noLeaderMs: 800, requestTimeoutMs: 500 });
    await Promise.resolve();
    const q = queued.settled() as RaftServerError;
    expect(q.code).toBe("RAFT_NO_LEADER");
    expect(q.unknownOutcome).toBe(false);
    const s = sent.settled() as RaftServerError;
    expect(s.code).toBe("RAFT_TIMEOUT");
    expect(s.unknownOutcome).toBe(true);
    expect(fine.settled()).toBe("pending");
    expect(book.propQueue).toEqual([]);
    book.pending.get(3)?.resolve(42);
    await Promise.resolve();
    expect(fine.settled()).toEqual({ ok: 42 });
  });

  it("serves reads once their index is applied, and re-queues unanswered ones after a leader change", async () => {
    const book = new RequestBook<number>();
    const r1 = track(new Promise<void>((resolve, reject) => book.readQueue.push({ resolve, reject, deadline: 1e9 })));
    book.readBatches.set("a", { waiters: book.readQueue, index: null });
    book.readQueue = [];
    book.requeueUnansweredReads();
    expect(book.readQueue.length).toBe(1);
    expect(book.readBatches.size).toBe(0);
    book.readBatches.set("b", { waiters: book.readQueue, index: 7 });
    book.readQueue = [];
    book.serveReads(6);
    await Promise.resolve();
    expect(r1.settled()).toBe("pending");
    book.serveReads(7);
    await Promise.resolve();
    expect(r1.settled()).toEqual({ ok: undefined });
  });
});
