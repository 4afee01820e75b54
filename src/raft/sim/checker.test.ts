/**
 * The simulator's own machinery: the PRNG is deterministic, a seed replays exactly, and the safety
 * checker flags each kind of violation when fed one.
 */
import { describe, expect, it } from "vitest";
import { EntryType, RaftNode, StateType, newEntry } from "../core/index.js";
import { InvariantViolation, SafetyChecker } from "./invariants.js";
import { storageWithLog } from "./network.js";
import { Prng } from "../../lib/prng.js";
import { runSimulation } from "./simulator.js";

function raftWith(terms: number[], term: number) {
  return new RaftNode({ id: 1, storage: storageWithLog([1, 2, 3], terms, term), electionTick: 10, heartbeatTick: 1, random: () => 0 }).raft;
}

const violation = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvariantViolation) return err.invariant;
    throw err;
  }
  return "none";
};

describe("Prng", () => {
  it("is deterministic per seed and roughly uniform", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(new Prng(43).next()).not.toBe(xs[0]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe("simulator", () => {
  it("replays a seed exactly (same history, same statistics)", () => {
    const a = runSimulation({ seed: 7, ticks: 150 });
    const b = runSimulation({ seed: 7, ticks: 150 });
    expect(b.history).toEqual(a.history);
    expect(b.stats).toEqual(a.stats);
    expect(a.stats.delivered).toBeGreaterThan(0);
  });
});

describe("SafetyChecker", () => {
  it("flags two leaders in one term (election safety)", () => {
    const c = new SafetyChecker();
    const r1 = raftWith([1], 2);
    const r2 = raftWith([1], 2);
    r1.state = StateType.Leader;
    r2.state = StateType.Leader;
    c.checkNode(1, r1);
    expect(violation(() => c.checkNode(2, r2))).toBe("election safety");
  });

  it("flags different entries at the same index and term (log matching)", () => {
    const c = new SafetyChecker();
    const r = raftWith([1, 1], 1);
    c.appended(1, r, [newEntry({ term: 1, index: 2, data: Buffer.from("a") })]);
    expect(violation(() => c.appended(2, r, [newEntry({ term: 1, index: 2, data: Buffer.from("b") })]))).toBe("log matching");
  });

  it("flags different entries applied at one index (state machine safety) and gaps", () => {
    const c = new SafetyChecker();
    c.appliedEntry(1, newEntry({ term: 1, index: 1, data: Buffer.from("a") }), 1, new Map());
    expect(violation(() => c.appliedEntry(2, newEntry({ term: 1, index: 1, data: Buffer.from("b") }), 1, new Map()))).toBe(
      "state machine safety",
    );
    expect(violation(() => c.appliedEntry(3, newEntry({ term: 1, index: 2, type: EntryType.ENTRY_NORMAL }), 1, new Map()))).toBe(
      "state machine safety",
    );
  });

  it("flags a leader missing a committed entry of an earlier term (leader completeness)", () => {
    const c = new SafetyChecker();
    c.appliedEntry(1, newEntry({ term: 1, index: 1 }), 2, new Map());
    c.appliedEntry(1, newEntry({ term: 1, index: 2 }), 2, new Map()); // committed by term 2 at the latest
    const leader = raftWith([1], 3);
    leader.state = StateType.Leader;
    expect(violation(() => c.checkNode(2, leader))).toBe("leader completeness");
  });

  it("does not require an entry from a leader elected before the (later) term that committed it (Figure 8)", () => {
    const c = new SafetyChecker();
    const stale = raftWith([1], 3); // elected in term 3 without index 2
    stale.state = StateType.Leader;
    c.checkNode(2, stale);
    // Index 2 (written in term 1) is committed in term 4 by another leader: no violation for the term-3 leader.
    c.appliedEntry(1, newEntry({ term: 1, index: 1 }), 4, new Map([[2, stale]]));
    c.appliedEntry(1, newEntry({ term: 1, index: 2 }), 4, new Map([[2, stale]]));
    expect(violation(() => c.checkNode(2, stale))).toBe("none");
  });

  it("flags a commit index going backwards", () => {
    const c = new SafetyChecker();
    const r = raftWith([1, 1, 1], 1);
    r.raftLog.committed = 3;
    c.checkNode(1, r);
    r.raftLog.committed = 2;
    expect(violation(() => c.checkNode(1, r))).toBe("commit monotonicity");
    c.persistedHardState(1, 5);
    expect(violation(() => c.persistedHardState(1, 4))).toBe("commit monotonicity");
  });
});
