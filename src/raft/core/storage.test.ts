/**
 * MemoryStorage, the conf-change encoding, config validation and malformed inputs to the core.
 */
import { describe, expect, it } from "vitest";
import {
  CompactedError,
  ConfChangeError,
  ConfChangeType,
  MemoryStorage,
  MessageType,
  RaftConfigError,
  RaftNode,
  SnapOutOfDateError,
  StepLocalMessageError,
  UnavailableError,
  applyToConfState,
  bootstrapEntries,
  decodeConfChange,
  encodeConfChange,
  newEntry,
  newMessage,
  snapshotMeta,
} from "./index.js";

function storageWith(n: number): MemoryStorage {
  const s = new MemoryStorage();
  s.append(Array.from({ length: n }, (_, i) => newEntry({ term: i < 3 ? 1 : 2, index: i + 1, data: Buffer.from(`e${i + 1}`) })));
  return s;
}

describe("MemoryStorage", () => {
  it("serves entries, terms and bounds; out-of-range reads throw Compacted / Unavailable", () => {
    const s = storageWith(5);
    expect(s.firstIndex()).toBe(1);
    expect(s.lastIndex()).toBe(5);
    expect(s.entries(2, 4).map((e) => e.index)).toEqual([2, 3]);
    expect(s.term(0)).toBe(0);
    expect(s.term(4)).toBe(2);
    expect(() => s.term(6)).toThrow(UnavailableError);
    expect(() => s.entries(0, 2)).toThrow(CompactedError);
    expect(() => s.entries(2, 7)).toThrow(UnavailableError);
  });

  it("limits entries by bytes but always returns at least one", () => {
    const s = storageWith(5);
    expect(s.entries(1, 6, 1)).toHaveLength(1);
    expect(s.entries(1, 6, 2 * (24 + 2))).toHaveLength(2);
  });

  it("append overwrites a conflicting tail and ignores entries already compacted", () => {
    const s = storageWith(5);
    s.append([newEntry({ term: 3, index: 4 })]);
    expect(s.lastIndex()).toBe(4);
    expect(s.term(4)).toBe(3);
    s.createSnapshot(3, { voters: [1], learners: [] }, Buffer.from("snap"));
    s.compact(3);
    s.append([newEntry({ term: 1, index: 2 }), newEntry({ term: 1, index: 3 }), newEntry({ term: 3, index: 4 }), newEntry({ term: 3, index: 5 })]);
    expect(s.firstIndex()).toBe(4);
    expect(s.lastIndex()).toBe(5);
    expect(() => s.append([newEntry({ term: 3, index: 9 })])).toThrow(/missing log entry/);
  });

  it("snapshots and compaction: old snapshots are refused, compacted indexes are gone", () => {
    const s = storageWith(5);
    const snap = s.createSnapshot(4, { voters: [1, 2], learners: [3] }, Buffer.from("state"));
    expect(snapshotMeta(snap)).toMatchObject({ index: 4, term: 2 });
    expect(() => s.createSnapshot(4, { voters: [], learners: [] }, Buffer.alloc(0))).toThrow(SnapOutOfDateError);
    s.compact(4);
    expect(s.firstIndex()).toBe(5);
    expect(s.term(4)).toBe(2);
    expect(() => s.term(3)).toThrow(CompactedError);
    expect(() => s.compact(2)).toThrow(CompactedError);
    expect(s.initialState().confState).toEqual({ voters: [1, 2], learners: [3] });
    const other = new MemoryStorage();
    other.applySnapshot(snap);
    expect(other.firstIndex()).toBe(5);
    expect(other.lastIndex()).toBe(4);
    expect(() => other.applySnapshot(snap)).toThrow(SnapOutOfDateError);
  });
});

describe("conf change encoding", () => {
  it("round-trips every change type", () => {
    for (const type of Object.values(ConfChangeType)) {
      const cc = { type, nodeId: 123456789, context: Buffer.from("ctx") };
      expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
    }
  });

  it("rejects malformed encodings with a clear error", () => {
    expect(() => decodeConfChange(Buffer.from([1, 0]))).toThrow(/encoded length 2 is shorter than 10 bytes/);
    const bad = encodeConfChange({ type: ConfChangeType.CONF_ADD_VOTER, nodeId: 1, context: Buffer.alloc(0) });
    bad[0] = 7;
    expect(() => decodeConfChange(bad)).toThrow(/encoding version 7 is not 1/);
    bad[0] = 1;
    bad[1] = 9;
    expect(() => decodeConfChange(bad)).toThrow(/type code 9 is unknown/);
    const zero = Buffer.alloc(10);
    zero[0] = 1;
    expect(() => decodeConfChange(zero)).toThrow(ConfChangeError);
    expect(() => encodeConfChange({ type: ConfChangeType.CONF_ADD_VOTER, nodeId: 0, context: Buffer.alloc(0) })).toThrow(
      /nodeId 0 is not a positive integer/,
    );
  });

  it("applies single-server changes to a membership", () => {
    let cs = { voters: [1, 2, 3], learners: [] as number[] };
    cs = applyToConfState(cs, { type: ConfChangeType.CONF_ADD_LEARNER, nodeId: 4, context: Buffer.alloc(0) });
    expect(cs).toEqual({ voters: [1, 2, 3], learners: [4] });
    cs = applyToConfState(cs, { type: ConfChangeType.CONF_ADD_VOTER, nodeId: 4, context: Buffer.alloc(0) });
    expect(cs).toEqual({ voters: [1, 2, 3, 4], learners: [] });
    cs = applyToConfState(cs, { type: ConfChangeType.CONF_REMOVE_NODE, nodeId: 2, context: Buffer.alloc(0) });
    expect(cs).toEqual({ voters: [1, 3, 4], learners: [] });
    expect(bootstrapEntries([1, 2]).map((e) => [e.index, e.term, decodeConfChange(e.data).nodeId])).toEqual([
      [1, 1, 1],
      [2, 1, 2],
    ]);
  });
});

describe("RaftNode inputs", () => {
  const base = () => ({ storage: new MemoryStorage({ confState: { voters: [1, 2, 3], learners: [] } }), random: () => 0.5 });

  it("rejects invalid configs naming the field and value", () => {
    expect(() => new RaftNode({ ...base(), id: 0, electionTick: 10, heartbeatTick: 1 })).toThrow(/config\.id: 0 is not a positive integer/);
    expect(() => new RaftNode({ ...base(), id: 1, electionTick: 2, heartbeatTick: 2 })).toThrow(RaftConfigError);
    expect(() => new RaftNode({ ...base(), id: 1, electionTick: 10, heartbeatTick: 1, maxInflightMsgs: -1 })).toThrow(
      /config\.maxInflightMsgs: -1/,
    );
  });

  it("refuses local-only message types from the network", () => {
    const node = new RaftNode({ ...base(), id: 1, electionTick: 10, heartbeatTick: 1 });
    expect(() => node.step(newMessage({ type: MessageType.MSG_HUP, from: 2, to: 1 }))).toThrow(StepLocalMessageError);
    expect(() => node.step(newMessage({ type: MessageType.MSG_BEAT, from: 2, to: 1 }))).toThrow(/MSG_BEAT is local/);
  });

  it("ignores responses from nodes outside the membership", () => {
    const node = new RaftNode({ ...base(), id: 1, electionTick: 10, heartbeatTick: 1 });
    node.campaign();
    node.ready();
    node.step(newMessage({ type: MessageType.MSG_VOTE_RESP, from: 9, to: 1, term: 1 }));
    expect(node.raft.votes.has(9)).toBe(false);
  });

  it("refuses a hard state whose commit index is beyond the log (corrupted storage)", () => {
    const s = new MemoryStorage({ confState: { voters: [1], learners: [] } });
    s.setHardState({ term: 1, vote: 1, commit: 5 });
    expect(() => new RaftNode({ id: 1, storage: s, electionTick: 10, heartbeatTick: 1, random: () => 0 })).toThrow(
      /hard state commit 5 is outside \[0, 0\]/,
    );
  });
});

describe("Ready and the persistence barrier", () => {
  it("a vote is in the Ready's hard state (mustSync) together with the response that depends on it", () => {
    const node = new RaftNode({ id: 2, storage: new MemoryStorage({ confState: { voters: [1, 2, 3], learners: [] } }), electionTick: 10, heartbeatTick: 1, random: () => 0 });
    node.step(newMessage({ type: MessageType.MSG_VOTE, from: 1, to: 2, term: 1 }));
    const rd = node.ready();
    expect(rd.hardState).toEqual({ term: 1, vote: 1, commit: 0 });
    expect(rd.mustSync).toBe(true);
    expect(rd.messages).toEqual([]);
    expect(rd.messagesAfterPersist.map((m) => [m.type, m.reject])).toEqual([[MessageType.MSG_VOTE_RESP, false]]);
    node.advance(rd);
    expect(node.hasReady()).toBe(false);
  });

  it("a single-node leader commits its own entries only once they are persisted (advance)", () => {
    const storage = new MemoryStorage({ confState: { voters: [1], learners: [] } });
    const node = new RaftNode({ id: 1, storage, electionTick: 10, heartbeatTick: 1, random: () => 0 });
    node.campaign();
    let rd = node.ready();
    storage.append(rd.entries);
    expect(rd.softState?.raftState).toBe("leader");
    expect(rd.entries.map((e) => e.index)).toEqual([1]);
    expect(rd.committedEntries).toEqual([]);
    expect(node.status().hardState.commit).toBe(0);
    node.advance(rd);
    rd = node.ready();
    expect(rd.committedEntries.map((e) => e.index)).toEqual([1]);
    expect(rd.mustSync).toBe(false);
    node.advance(rd);
    node.propose(Buffer.from("x"));
    rd = node.ready();
    expect(rd.entries.map((e) => e.data.toString())).toEqual(["x"]);
    expect(rd.mustSync).toBe(true);
    storage.append(rd.entries);
    node.advance(rd);
    rd = node.ready();
    expect(rd.committedEntries.map((e) => e.data.toString())).toEqual(["x"]);
    node.advance(rd);
    expect(node.status().applied).toBe(2);
    expect(node.hasReady()).toBe(false);
  });

  it("a leader replicates before its own fsync but counts itself only after advance", () => {
    const storage = new MemoryStorage({ confState: { voters: [1, 2, 3], learners: [] } });
    const node = new RaftNode({ id: 1, storage, electionTick: 10, heartbeatTick: 1, random: () => 0, preVote: false });
    node.campaign();
    let rd = node.ready();
    // The Ready that makes us a candidate carries term and vote: its vote requests wait for the fsync.
    expect(rd.messages).toEqual([]);
    expect(rd.messagesAfterPersist.map((m) => [m.type, m.to])).toEqual([[MessageType.MSG_VOTE, 2], [MessageType.MSG_VOTE, 3]]);
    storage.setHardState(rd.hardState ?? { term: 0, vote: 0, commit: 0 });
    node.advance(rd);
    node.step(newMessage({ type: MessageType.MSG_VOTE_RESP, from: 2, to: 1, term: 1 }));
    rd = node.ready();
    storage.append(rd.entries);
    node.advance(rd);
    const ack = (from: number, index: number) => newMessage({ type: MessageType.MSG_APP_RESP, from, to: 1, term: 1, index });
    node.step(ack(2, 1));
    node.step(ack(3, 1));
    node.advance(node.ready());
    node.propose(Buffer.from("x"));
    rd = node.ready();
    // The append leaves at once (our term is durable) although entry 2 is not persisted yet.
    expect(rd.messages.filter((m) => m.type === MessageType.MSG_APP).map((m) => [m.to, m.entries.map((e) => e.index)])).toEqual([[2, [2]], [3, [2]]]);
    expect(rd.messagesAfterPersist).toEqual([]);
    // One follower's ack is not a quorum while our own write is still in flight.
    node.step(ack(2, 2));
    expect(node.status().hardState.commit).toBe(1);
    storage.append(rd.entries);
    node.advance(rd);
    expect(node.status().hardState.commit).toBe(2);
    // Both followers' acks commit without the leader's own (it may still be fsyncing).
    node.propose(Buffer.from("y"));
    rd = node.ready();
    node.step(ack(2, 3));
    node.step(ack(3, 3));
    expect(node.status().hardState.commit).toBe(3);
  });

  it("a single voter that wins a term sends nothing (not even appends to a learner) before the term is durable", () => {
    const storage = new MemoryStorage({ confState: { voters: [1], learners: [2] } });
    const node = new RaftNode({ id: 1, storage, electionTick: 10, heartbeatTick: 1, random: () => 0 });
    node.campaign();
    const rd = node.ready();
    expect(rd.softState?.raftState).toBe("leader");
    expect(rd.hardState?.term).toBe(1);
    // Sent before the fsync, a crash could restart us in term 0 and let us lead term 1 again with
    // another entry at the same index: the learner would hold a log that matches nobody's.
    expect(rd.messages).toEqual([]);
    // Before that Ready is advanced (pipelined), a proposal's appends also wait: the term is not durable.
    node.propose(Buffer.from("p"));
    const rd2 = node.ready();
    expect(rd2.messages).toEqual([]);
    expect(rd2.messagesAfterPersist.map((m) => [m.type, m.to])).toEqual([[MessageType.MSG_APP, 2]]);
    storage.setHardState(rd.hardState ?? { term: 0, vote: 0, commit: 0 });
    storage.append(rd.entries);
    node.advance(rd);
    storage.append(rd2.entries);
    node.advance(rd2);
    // Once the term is durable, appends leave before the entries' own fsync.
    node.step(newMessage({ type: MessageType.MSG_APP_RESP, from: 2, to: 1, term: 1, index: 2 }));
    node.propose(Buffer.from("q"));
    const rd3 = node.ready();
    expect(rd3.messages.filter((m) => m.type === MessageType.MSG_APP).map((m) => m.to)).toContain(2);
  });

  it("pipelined Readies: a second ready() before advance hands out only new work, in order", () => {
    const storage = new MemoryStorage({ confState: { voters: [1, 2, 3], learners: [] } });
    const follower = new RaftNode({ id: 2, storage, electionTick: 10, heartbeatTick: 1, random: () => 0 });
    const app = (index: number, entries: number[], commit: number) =>
      newMessage({ type: MessageType.MSG_APP, from: 1, to: 2, term: 1, index, logTerm: index === 0 ? 0 : 1, commit, entries: entries.map((i) => newEntry({ term: 1, index: i })) });
    follower.step(app(0, [1, 2], 0));
    const rd1 = follower.ready();
    expect(rd1.entries.map((e) => e.index)).toEqual([1, 2]);
    // The term changed in rd1: until it is advanced, nothing this node sends may leave early.
    follower.step(app(2, [3], 2));
    expect(follower.hasReady()).toBe(true);
    const rd2 = follower.ready();
    expect(rd2.entries.map((e) => e.index)).toEqual([3]);
    expect(rd2.committedEntries.map((e) => e.index)).toEqual([1, 2]);
    expect(rd2.messages).toEqual([]);
    expect(rd2.messagesAfterPersist.map((m) => [m.type, m.index])).toEqual([[MessageType.MSG_APP_RESP, 3]]);
    expect(follower.hasReady()).toBe(false);
    storage.setHardState(rd1.hardState ?? { term: 0, vote: 0, commit: 0 });
    storage.append(rd1.entries);
    follower.advance(rd1);
    storage.append(rd2.entries);
    follower.advance(rd2);
    expect(follower.status().applied).toBe(2);
    // With the term durable, a heartbeat response may leave before the next Ready is persisted.
    follower.step(newMessage({ type: MessageType.MSG_HEARTBEAT, from: 1, to: 2, term: 1, commit: 3 }));
    const rd3 = follower.ready();
    expect(rd3.messages.map((m) => m.type)).toEqual([MessageType.MSG_HEARTBEAT_RESP]);
    expect(rd3.committedEntries.map((e) => e.index)).toEqual([3]);
  });

  it("a commit index that advances alone is persisted without fsync (mustSync false)", () => {
    const storage = new MemoryStorage({ confState: { voters: [1, 2], learners: [] } });
    const follower = new RaftNode({ id: 2, storage, electionTick: 10, heartbeatTick: 1, random: () => 0 });
    follower.step(newMessage({ type: MessageType.MSG_APP, from: 1, to: 2, term: 1, index: 0, logTerm: 0, entries: [newEntry({ term: 1, index: 1 })] }));
    const rd = follower.ready();
    expect(rd.mustSync).toBe(true);
    storage.append(rd.entries);
    follower.advance(rd);
    follower.step(newMessage({ type: MessageType.MSG_HEARTBEAT, from: 1, to: 2, term: 1, commit: 1 }));
    const hb = follower.ready();
    expect(hb.hardState?.commit).toBe(1);
    expect(hb.mustSync).toBe(false);
    expect(hb.committedEntries.map((e) => e.index)).toEqual([1]);
  });

  it("a forwarded request that can no longer be routed is dropped without throwing", () => {
    const node = new RaftNode({ id: 2, storage: new MemoryStorage({ confState: { voters: [1, 2, 3], learners: [] } }), electionTick: 10, heartbeatTick: 1, random: () => 0 });
    // No leader known: a forwarded read and a transfer request are dropped, not thrown to the transport.
    node.step(newMessage({ type: MessageType.MSG_READ_INDEX, from: 3, to: 2, context: Buffer.from("r") }));
    node.step(newMessage({ type: MessageType.MSG_TRANSFER_LEADER, from: 3, to: 2 }));
    expect(node.ready().messages).toEqual([]);
    // A local read without a leader still tells the caller.
    expect(() => node.readIndex(Buffer.from("local"))).toThrow(/no-leader/);
  });

  it("maxCommittedSizePerReady spreads a long run of committed entries over several Readies", () => {
    const storage = new MemoryStorage({ confState: { voters: [1], learners: [] } });
    storage.append(Array.from({ length: 10 }, (_, i) => newEntry({ term: 1, index: i + 1, data: Buffer.alloc(100) })));
    storage.setHardState({ term: 1, vote: 1, commit: 10 });
    const node = new RaftNode({ id: 1, storage, electionTick: 10, heartbeatTick: 1, random: () => 0, maxCommittedSizePerReady: 300 });
    const sizes: number[] = [];
    while (node.hasReady()) {
      const rd = node.ready();
      sizes.push(rd.committedEntries.length);
      node.advance(rd);
    }
    expect(sizes).toEqual([2, 2, 2, 2, 2]);
    expect(node.status().applied).toBe(10);
  });
});
