/**
 * The small pure modules the leader relies on: quorum arithmetic, progress states, the in-flight
 * window and ReadIndex bookkeeping.
 */
import { describe, expect, it } from "vitest";
import { Inflights } from "./inflights.js";
import { Progress, ProgressState } from "./progress.js";
import { VoteResult, committedIndex, majority, voteResult } from "./quorum.js";
import { ReadOnly } from "./readonly.js";
import { MessageType, newMessage } from "./types.js";

describe("quorum", () => {
  it("majority sizes", () => {
    expect([1, 2, 3, 4, 5].map(majority)).toEqual([1, 2, 2, 3, 3]);
  });

  it("the committed index is the highest index matched by a majority", () => {
    const match = new Map([
      [1, 10],
      [2, 7],
      [3, 3],
      [4, 9],
      [5, 1],
    ]);
    expect(committedIndex([1, 2, 3, 4, 5], (id) => match.get(id) ?? 0)).toBe(7);
    expect(committedIndex([1, 2], (id) => match.get(id) ?? 0)).toBe(7);
    expect(committedIndex([1], (id) => match.get(id) ?? 0)).toBe(10);
    expect(committedIndex([], () => 5)).toBe(0);
  });

  it("vote tallies: won, lost, pending", () => {
    const v = (entries: [number, boolean][]) => voteResult([1, 2, 3], new Map(entries));
    expect(v([[1, true]])).toBe(VoteResult.Pending);
    expect(v([[1, true], [2, true]])).toBe(VoteResult.Won);
    expect(v([[1, true], [2, false], [3, false]])).toBe(VoteResult.Lost);
    expect(v([[2, false], [3, false]])).toBe(VoteResult.Lost);
  });
});

describe("progress", () => {
  it("probe sends one append at a time; an ack moves it to replicate", () => {
    const pr = new Progress(5, 4, false);
    expect(pr.isPaused()).toBe(false);
    pr.probeSent = true;
    expect(pr.isPaused()).toBe(true);
    expect(pr.maybeUpdate(4)).toBe(true);
    expect(pr.isPaused()).toBe(false);
    pr.becomeReplicate();
    expect(pr.state).toBe(ProgressState.Replicate);
    expect(pr.next).toBe(5);
  });

  it("rejections: stale ones are ignored; in probe, next drops to the hint", () => {
    const pr = new Progress(10, 4, false);
    expect(pr.maybeDecrTo(5, 2)).toBe(false); // not the append we sent (next-1 = 9)
    expect(pr.maybeDecrTo(9, 3)).toBe(true);
    expect(pr.next).toBe(4);
    pr.match = 3;
    pr.becomeReplicate();
    pr.optimisticUpdate(20);
    expect(pr.maybeDecrTo(2, 0)).toBe(false); // ≤ match: stale
    expect(pr.maybeDecrTo(15, 0)).toBe(true);
    expect(pr.next).toBe(4);
  });

  it("snapshot state pauses until the snapshot is acknowledged, then probes after it", () => {
    const pr = new Progress(3, 4, false);
    pr.becomeSnapshot(50);
    expect(pr.isPaused()).toBe(true);
    pr.becomeProbe();
    expect(pr.next).toBe(51);
  });
});

describe("inflights", () => {
  it("fills up, frees acknowledged appends, and frees one on a heartbeat response", () => {
    const w = new Inflights(3);
    w.add(5, 10);
    w.add(7, 10);
    w.add(9, 10);
    expect(w.full()).toBe(true);
    w.freeLE(7);
    expect(w.count()).toBe(1);
    w.freeFirstOne();
    expect(w.count()).toBe(0);
  });
});

describe("readonly", () => {
  it("a quorum ack for a later request releases every earlier request too", () => {
    const ro = new ReadOnly();
    const req = (c: string) => newMessage({ type: MessageType.MSG_READ_INDEX, context: Buffer.from(c) });
    ro.addRequest(5, req("a"));
    ro.addRequest(6, req("b"));
    expect(ro.lastPendingRequestCtx()?.toString()).toBe("b");
    expect(ro.recvAck(2, Buffer.from("b"))?.has(2)).toBe(true);
    expect(ro.recvAck(2, Buffer.from("zzz"))).toBeUndefined();
    const done = ro.advance(Buffer.from("b"));
    expect(done.map((s) => [s.req.context.toString(), s.index])).toEqual([
      ["a", 5],
      ["b", 6],
    ]);
    expect(ro.size()).toBe(0);
  });
});
