/**
 * Raft paper §5.2 (leader election) and §5.4.1 (election restriction), driven through the in-memory
 * test network. Test names quote the rule they check.
 */
import { describe, expect, it } from "vitest";
import { Network, storageWithLog } from "../sim/network.js";
import { MemoryStorage, type Message, MessageType, RaftNode, StateType, newMessage } from "./index.js";

const ofType = (msgs: Message[], t: MessageType): Message[] => msgs.filter((m) => m.type === t);

describe("§5.2 leader election", () => {
  it("a follower that receives no communication for an election timeout becomes candidate, votes for itself and requests votes", () => {
    const net = Network.of([1, 2, 3]);
    const n1 = net.get(1);
    const timeout = n1.node.raft.randomizedElectionTimeout;
    for (let i = 0; i < timeout - 1; i++) n1.node.tick();
    expect(n1.node.raft.state).toBe(StateType.Follower);
    n1.node.tick();
    expect(n1.node.raft.state).toBe(StateType.Candidate);
    expect(n1.node.raft.term).toBe(1);
    expect(n1.node.raft.vote).toBe(1);
    const msgs = net.process(1);
    const votes = ofType(msgs, MessageType.MSG_VOTE);
    expect(votes.map((m) => m.to).sort()).toEqual([2, 3]);
    for (const v of votes) expect(v).toMatchObject({ term: 1, index: 0, logTerm: 0, from: 1 });
    // Term and vote were persisted in the same Ready that carried the requests.
    expect(n1.storage.getHardState()).toMatchObject({ term: 1, vote: 1 });
  });

  it("election timeouts are chosen randomly from [electionTimeout, 2 × electionTimeout)", () => {
    const seen: number[] = [];
    for (const r of [0, 0.25, 0.5, 0.999]) {
      const node = new RaftNode({
        id: 1,
        storage: new MemoryStorage({ confState: { voters: [1, 2, 3], learners: [] } }),
        electionTick: 10,
        heartbeatTick: 1,
        random: () => r,
      });
      seen.push(node.raft.randomizedElectionTimeout);
    }
    expect(seen).toEqual([10, 12, 15, 19]);
  });

  it("a candidate that receives votes from a majority becomes leader and sends AppendEntries to every server", () => {
    const net = Network.of([1, 2, 3, 4, 5]);
    net.isolate(4);
    net.isolate(5);
    net.campaign(1);
    expect(net.get(1).node.raft.state).toBe(StateType.Leader);
    expect(net.get(1).node.raft.term).toBe(1);
    const apps = net.trace.filter((m) => m.type === MessageType.MSG_APP && m.from === 1);
    expect(new Set(apps.map((m) => m.to))).toEqual(new Set([2, 3, 4, 5]));
    // The new leader's first entry is an empty entry of its term.
    expect(net.logTerms(1)).toEqual([1]);
  });

  it("a candidate that is refused by a majority returns to follower", () => {
    const net = Network.of([1, 2, 3]);
    // 2 and 3 have voted for someone else in term 1.
    for (const id of [2, 3]) net.get(id).node.step(newMessage({ type: MessageType.MSG_VOTE, from: 9, to: id, term: 1 }));
    net.process(2);
    net.process(3);
    net.campaign(1);
    expect(net.get(1).node.raft.state).toBe(StateType.Follower);
    expect(net.get(1).node.raft.term).toBe(1);
  });

  it("each server votes for at most one candidate in a given term, first-come-first-served", () => {
    const net = Network.of([1, 2, 3]);
    const n3 = net.get(3);
    n3.node.step(newMessage({ type: MessageType.MSG_VOTE, from: 1, to: 3, term: 1 }));
    let out = net.process(3);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: MessageType.MSG_VOTE_RESP, to: 1, reject: false, term: 1 });
    expect(n3.storage.getHardState()).toMatchObject({ term: 1, vote: 1 });
    n3.node.step(newMessage({ type: MessageType.MSG_VOTE, from: 2, to: 3, term: 1 }));
    out = net.process(3);
    expect(out[0]).toMatchObject({ type: MessageType.MSG_VOTE_RESP, to: 2, reject: true });
    // A repeated request from the candidate we voted for is granted again (idempotent).
    n3.node.step(newMessage({ type: MessageType.MSG_VOTE, from: 1, to: 3, term: 1 }));
    expect(net.process(3)[0]).toMatchObject({ to: 1, reject: false });
  });

  it("a candidate that receives AppendEntries from a leader with a term at least as large returns to follower", () => {
    const net = Network.of([1, 2, 3]);
    net.isolate(1);
    net.campaign(1);
    expect(net.get(1).node.raft.state).toBe(StateType.Candidate);
    net.get(1).node.step(newMessage({ type: MessageType.MSG_APP, from: 2, to: 1, term: 1, index: 0, logTerm: 0 }));
    expect(net.get(1).node.raft.state).toBe(StateType.Follower);
    expect(net.get(1).node.raft.lead).toBe(2);
  });

  it("a server that sees a larger term updates its term and becomes follower; requests with a stale term are rejected", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    const leader = net.get(1).node.raft;
    expect(leader.state).toBe(StateType.Leader);
    net.get(1).node.step(newMessage({ type: MessageType.MSG_APP, from: 3, to: 1, term: 5, index: 1, logTerm: 1 }));
    expect(leader.state).toBe(StateType.Follower);
    expect(leader.term).toBe(5);
    // A message from an older term gets no vote and does not change anything.
    net.process(1);
    net.get(1).node.step(newMessage({ type: MessageType.MSG_VOTE, from: 2, to: 1, term: 3, index: 9, logTerm: 9 }));
    expect(ofType(net.process(1), MessageType.MSG_VOTE_RESP)).toHaveLength(0);
    expect(leader.term).toBe(5);
  });

  it("after a split vote, candidates time out and start a new election with a higher term", () => {
    const net = Network.of([1, 2, 3, 4]);
    // 1 and 2 campaign at once: each gets its own vote and one other.
    net.cutLink(1, 2);
    net.cutLink(2, 1);
    net.get(1).node.campaign();
    net.get(2).node.campaign();
    const m1 = net.process(1);
    const m2 = net.process(2);
    net.send(...m1.filter((m) => m.to === 3), ...m2.filter((m) => m.to === 4));
    net.send(...m1.filter((m) => m.to === 4), ...m2.filter((m) => m.to === 3));
    expect(net.get(1).node.raft.state).toBe(StateType.Candidate);
    expect(net.get(2).node.raft.state).toBe(StateType.Candidate);
    net.recover();
    net.tick(1, net.get(1).node.raft.randomizedElectionTimeout);
    expect(net.get(1).node.raft.term).toBe(2);
    expect(net.get(1).node.raft.state).toBe(StateType.Leader);
  });

  it("a leader sends periodic heartbeats to maintain its authority", () => {
    const net = Network.of([1, 2, 3], { heartbeatTick: 2 });
    net.campaign(1);
    const before = net.trace.length;
    net.tick(1, 2);
    const beats = net.trace.slice(before).filter((m) => m.type === MessageType.MSG_HEARTBEAT);
    expect(beats.map((m) => m.to).sort()).toEqual([2, 3]);
    // Followers that hear heartbeats never time out.
    for (let i = 0; i < 50; i++) {
      net.tick(1);
      net.tick(2);
      net.tick(3);
    }
    expect(net.get(1).node.raft.state).toBe(StateType.Leader);
    expect(net.get(1).node.raft.term).toBe(1);
  });
});

describe("§5.4.1 election restriction", () => {
  // Voter's log: terms [1, 2] (last index 2, last term 2).
  const cases: { name: string; logTerm: number; index: number; grant: boolean }[] = [
    { name: "same last term, same length", logTerm: 2, index: 2, grant: true },
    { name: "same last term, longer", logTerm: 2, index: 3, grant: true },
    { name: "same last term, shorter", logTerm: 2, index: 1, grant: false },
    { name: "higher last term, shorter", logTerm: 3, index: 1, grant: true },
    { name: "lower last term, longer", logTerm: 1, index: 5, grant: false },
  ];
  for (const c of cases) {
    it(`a voter denies its vote if its own log is more up-to-date than the candidate's: ${c.name} → ${c.grant ? "granted" : "denied"}`, () => {
      const net = new Network();
      net.add(1, storageWithLog([1, 2, 3], [1, 2], 2));
      net.get(1).node.step(newMessage({ type: MessageType.MSG_VOTE, from: 2, to: 1, term: 3, index: c.index, logTerm: c.logTerm }));
      const resp = ofType(net.process(1), MessageType.MSG_VOTE_RESP);
      expect(resp).toHaveLength(1);
      expect(resp[0]?.reject).toBe(!c.grant);
    });
  }
});
