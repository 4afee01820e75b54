/**
 * Raft paper §5.3 (log replication, conflict repair), §5.4.2 (committing entries from previous
 * terms, Figure 8) and §5.5 (follower crashes, idempotent AppendEntries).
 */
import { describe, expect, it } from "vitest";
import { Network, storageWithLog } from "../sim/network.js";
import { MessageType, ProposalDroppedError, StateType, newEntry, newMessage } from "./index.js";

describe("§5.3 log replication", () => {
  it("the leader appends a command, replicates it, commits it once a majority stored it, and every server applies it", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    net.propose(1, "set x=1");
    for (const id of [1, 2, 3]) {
      expect(net.logTerms(id)).toEqual([1, 1]);
      expect(net.appliedData(id)).toEqual(["set x=1"]);
      expect(net.get(id).node.raft.raftLog.committed).toBe(2);
    }
  });

  it("an entry stored on a minority only is not committed; it commits once a majority has it", () => {
    const net = Network.of([1, 2, 3, 4, 5]);
    net.campaign(1);
    for (const id of [3, 4, 5]) net.isolate(id);
    net.propose(1, "a");
    expect(net.get(1).node.raft.raftLog.committed).toBe(1);
    expect(net.appliedData(1)).toEqual([]);
    net.recover();
    net.tick(1); // heartbeat → responses → the leader resends to the lagging followers
    expect(net.get(1).node.raft.raftLog.committed).toBe(2);
    for (const id of [1, 2, 3, 4, 5]) expect(net.appliedData(id)).toEqual(["a"]);
  });

  it("a follower refuses AppendEntries whose prevLogIndex/prevLogTerm it does not hold, with a hint", () => {
    const net = new Network();
    net.add(2, storageWithLog([1, 2, 3], [1, 1, 2], 3));
    // prev (3, 3) does not match our (3, 2).
    net.get(2).node.step(
      newMessage({ type: MessageType.MSG_APP, from: 1, to: 2, term: 3, index: 3, logTerm: 3, entries: [newEntry({ term: 3, index: 4 })] }),
    );
    const [resp] = net.process(2);
    expect(resp).toMatchObject({ type: MessageType.MSG_APP_RESP, reject: true, index: 3, rejectHint: 3, logTerm: 2 });
    expect(net.logTerms(2)).toEqual([1, 1, 2]);
    // prev (5, 3) is beyond our log: the hint points at our last index.
    net.get(2).node.step(newMessage({ type: MessageType.MSG_APP, from: 1, to: 2, term: 3, index: 5, logTerm: 3 }));
    expect(net.process(2)[0]).toMatchObject({ reject: true, index: 5, rejectHint: 3, logTerm: 2 });
  });

  // Figure 7: the leader of term 8 and six possible follower logs (a)–(f).
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const figure7: Record<string, number[]> = {
    a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
    b: [1, 1, 1, 4],
    c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    e: [1, 1, 1, 4, 4, 4, 4],
    f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  };
  for (const [name, followerLog] of Object.entries(figure7)) {
    it(`Figure 7 (${name}): the leader forces the follower's log to duplicate its own, deleting conflicting entries`, () => {
      const net = new Network();
      net.add(1, storageWithLog([1, 2, 3], leaderLog, 7));
      net.add(2, storageWithLog([1, 2, 3], followerLog, 7));
      net.add(3, storageWithLog([1, 2, 3], leaderLog, 7));
      net.campaign(1);
      expect(net.get(1).node.raft.state).toBe(StateType.Leader);
      expect(net.get(1).node.raft.term).toBe(8);
      net.propose(1, "after");
      const want = [...leaderLog, 8, 8];
      expect(net.logTerms(1)).toEqual(want);
      expect(net.logTerms(2)).toEqual(want);
      expect(net.get(2).node.raft.raftLog.committed).toBe(want.length);
    });
  }

  it("fast back-off: a follower with a long conflicting tail is repaired in a few round trips, not one per entry", () => {
    const leaderTerms = [1, ...Array.from({ length: 40 }, () => 4)];
    const followerTerms = [1, ...Array.from({ length: 60 }, () => 2)];
    const net = new Network();
    net.add(1, storageWithLog([1, 2, 3], leaderTerms, 4));
    net.add(2, storageWithLog([1, 2, 3], followerTerms, 4));
    net.add(3, storageWithLog([1, 2, 3], leaderTerms, 4));
    net.campaign(1);
    net.propose(1, "x");
    expect(net.logTerms(2)).toEqual(net.logTerms(1));
    const rejections = net.trace.filter((m) => m.type === MessageType.MSG_APP_RESP && m.from === 2 && m.reject);
    expect(rejections.length).toBeLessThanOrEqual(2);
  });

  it("batched appends: with a full in-flight window the leader stops sending until acknowledgements arrive", () => {
    const net = Network.of([1, 2, 3], { maxInflightMsgs: 2 });
    net.campaign(1);
    net.propose(1, "warm-up"); // follower 2 is now in the replicate state
    net.cutLink(2, 1); // acknowledgements from 2 are lost
    const before = net.trace.length;
    for (let i = 0; i < 10; i++) net.propose(1, `p${i}`);
    const apps = net.trace
      .slice(before)
      .filter((m) => m.type === MessageType.MSG_APP && m.from === 1 && m.to === 2 && m.entries.length > 0);
    expect(apps).toHaveLength(2);
    // Node 3 acknowledged everything, so the entries are committed anyway.
    expect(net.appliedData(3)).toHaveLength(11);
    net.recover();
    net.tick(1); // heartbeat response frees the window; the follower catches up
    expect(net.appliedData(2)).toEqual(net.appliedData(1));
  });

  it("maxSizePerMsg bounds the entries carried by one append (at least one entry is always sent)", () => {
    const net = Network.of([1, 2], { maxSizePerMsg: 64 });
    net.campaign(1);
    net.isolate(2);
    for (let i = 0; i < 6; i++) net.propose(1, "x".repeat(30));
    net.recover();
    const before = net.trace.length;
    net.tick(1);
    const apps = net.trace.slice(before).filter((m) => m.type === MessageType.MSG_APP && m.entries.length > 0);
    expect(apps.length).toBeGreaterThanOrEqual(3);
    for (const m of apps) expect(m.entries.length).toBeLessThanOrEqual(1);
    expect(net.appliedData(2)).toHaveLength(6);
  });

  it("a follower refuses client proposals with ProposalDroppedError naming the leader", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    let err: unknown;
    try {
      net.get(2).node.propose(Buffer.from("x"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProposalDroppedError);
    expect((err as ProposalDroppedError).leader).toBe(1);
    expect((err as ProposalDroppedError).code).toBe("RAFT_PROPOSAL_DROPPED");
  });
});

describe("§5.4.2 committing entries from previous terms", () => {
  it("Figure 8: a leader never commits an entry from a previous term by counting replicas", () => {
    // (b)/(c) of Figure 8: S1 led term 2 and stored index 2 on S1, S2; S5 led term 3 and stored
    // index 2 (term 3) only on itself. Now S1 is elected for term 4 by S2, S3, S4.
    const voters = [1, 2, 3, 4, 5];
    const net = new Network({ maxSizePerMsg: 1 });
    const s1 = storageWithLog(voters, [1, 2], 3);
    const s2 = storageWithLog(voters, [1, 2], 3);
    const s3 = storageWithLog(voters, [1], 3);
    const s4 = storageWithLog(voters, [1], 3);
    const s5 = storageWithLog(voters, [1, 3], 3);
    for (const s of [s1, s2, s3, s4, s5]) s.setHardState({ ...s.getHardState(), commit: 1 });
    [s1, s2, s3, s4, s5].forEach((s, i) => net.add(i + 1, s, 1));
    net.isolate(5);
    net.campaign(1);
    expect(net.get(1).node.raft.term).toBe(4);
    expect(net.get(1).node.raft.state).toBe(StateType.Leader);
    // Index 2 (term 2) reached S1, S2 and S3 before the term-4 entry did: a majority by count,
    // yet the leader must not announce commit index 2 — it jumps from 1 to 3 once index 3 (term 4) is on a majority.
    const commits = net.trace.filter((m) => m.from === 1 && (m.type === MessageType.MSG_APP || m.type === MessageType.MSG_HEARTBEAT)).map((m) => m.commit);
    expect(commits).not.toContain(2);
    expect(net.get(1).node.raft.raftLog.committed).toBe(3);
    // (e): with index 3 of term 4 committed, S5 can no longer win: its last term 3 is older.
    net.recover();
    net.isolate(1);
    net.campaign(5);
    expect(net.get(5).node.raft.state).not.toBe(StateType.Leader);
  });

  it("a leader only commits by counting replicas once an entry of its current term is replicated", () => {
    const net = new Network();
    for (const id of [1, 2, 3]) net.add(id, storageWithLog([1, 2, 3], [1, 2], 2));
    const r = net.get(1).node.raft;
    net.isolate(1);
    net.get(1).node.campaign();
    net.process(1);
    // Grant votes by hand so no append reaches the followers.
    for (const from of [2, 3]) net.get(1).node.step(newMessage({ type: MessageType.MSG_VOTE_RESP, from, to: 1, term: 3 }));
    net.process(1);
    expect(r.state).toBe(StateType.Leader);
    net.get(1).node.step(newMessage({ type: MessageType.MSG_APP_RESP, from: 2, to: 1, term: 3, index: 2 }));
    net.process(1);
    expect(r.raftLog.committed).toBe(0); // index 2 is of term 2: not committed by counting
    net.get(1).node.step(newMessage({ type: MessageType.MSG_APP_RESP, from: 2, to: 1, term: 3, index: 3 }));
    net.process(1);
    expect(r.raftLog.committed).toBe(3); // index 3 is of term 3: commits 1..3
  });
});

describe("§5.5 follower and candidate crashes", () => {
  it("AppendEntries is idempotent: a duplicated request leaves the log unchanged", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    net.propose(1, "a");
    const app = net.trace.find((m) => m.type === MessageType.MSG_APP && m.to === 2 && m.entries.length > 0);
    expect(app).toBeDefined();
    if (app === undefined) return;
    net.send(app, app);
    expect(net.logTerms(2)).toEqual([1, 1]);
    expect(net.appliedData(2)).toEqual(["a"]);
  });

  it("a crashed follower restarts from its persisted log and term, and catches up", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    net.propose(1, "a");
    net.isolate(3);
    net.propose(1, "b");
    const n3 = net.restart(3);
    expect(n3.node.raft.term).toBe(1);
    expect(n3.node.raft.raftLog.lastIndex()).toBe(2);
    net.recover();
    net.tick(1);
    expect(net.logTerms(3)).toEqual(net.logTerms(1));
    expect(net.appliedData(3)).toEqual(["a", "b"]);
  });
});
