/**
 * Beyond the paper's core: PreVote and CheckQuorum (thesis §9.6), the leader lease, ReadIndex
 * (thesis §6.4) and leadership transfer (thesis §3.10).
 */
import { describe, expect, it } from "vitest";
import { Network } from "../sim/network.js";
import { DropReason, MessageType, ProposalDroppedError, StateType, newMessage } from "./index.js";

const ctx = (s: string) => Buffer.from(s);

describe("PreVote", () => {
  it("a partitioned node does not inflate its term, and rejoins without deposing the leader", () => {
    const net = Network.of([1, 2, 3], { preVote: true });
    net.campaign(1);
    net.isolate(3);
    for (let i = 0; i < 100; i++) net.tick(3);
    expect(net.get(3).node.raft.term).toBe(1); // pre-votes never got a majority: term unchanged
    expect(net.get(3).node.raft.state).toBe(StateType.PreCandidate);
    net.recover();
    net.tick(1);
    expect(net.get(1).node.raft.state).toBe(StateType.Leader);
    expect(net.get(1).node.raft.term).toBe(1);
    expect(net.get(3).node.raft.state).toBe(StateType.Follower);
  });

  it("without PreVote the same partitioned node bumps its term and disrupts the leader on return", () => {
    const net = Network.of([1, 2, 3], { preVote: false });
    net.campaign(1);
    net.isolate(3);
    for (let i = 0; i < 100; i++) net.tick(3);
    expect(net.get(3).node.raft.term).toBeGreaterThan(1);
    net.recover();
    net.tick(3, 30);
    expect(net.get(1).node.raft.term).toBeGreaterThan(1);
  });

  it("a pre-candidate with an up-to-date log wins the pre-vote and then the real election", () => {
    const net = Network.of([1, 2, 3], { preVote: true });
    net.campaign(2);
    expect(net.get(2).node.raft.state).toBe(StateType.Leader);
    expect(net.get(2).node.raft.term).toBe(1);
    expect(net.trace.some((m) => m.type === MessageType.MSG_PRE_VOTE)).toBe(true);
  });
});

describe("CheckQuorum and the leader lease", () => {
  it("a leader that does not hear from a majority for an election timeout steps down", () => {
    const net = Network.of([1, 2, 3], { checkQuorum: true });
    net.campaign(1);
    net.isolate(1);
    net.tick(1, 10); // first round: followers were active before the partition
    expect(net.get(1).node.raft.state).toBe(StateType.Leader);
    net.tick(1, 10);
    expect(net.get(1).node.raft.state).toBe(StateType.Follower);
    expect(() => net.get(1).node.propose(Buffer.from("x"))).toThrow(ProposalDroppedError);
  });

  it("followers that heard from their leader within the election timeout ignore vote requests", () => {
    const net = Network.of([1, 2, 3], { checkQuorum: true });
    net.campaign(1);
    const n2 = net.get(2);
    n2.node.step(newMessage({ type: MessageType.MSG_VOTE, from: 3, to: 2, term: 5, index: 9, logTerm: 9 }));
    expect(net.process(2).filter((m) => m.type === MessageType.MSG_VOTE_RESP)).toHaveLength(0);
    expect(n2.node.raft.term).toBe(1);
    expect(n2.node.raft.lead).toBe(1);
  });

  it("a stale leader learns the newer term from a follower's response and steps down", () => {
    const net = Network.of([1, 2, 3], { checkQuorum: true });
    net.campaign(1);
    net.isolate(1);
    // 2 and 3 elect 2 after their lease on 1 expired.
    for (let i = 0; i < 30; i++) {
      net.tick(2);
      net.tick(3);
    }
    const newLeader = [2, 3].find((id) => net.get(id).node.raft.state === StateType.Leader);
    expect(newLeader).toBeDefined();
    net.recover();
    net.tick(1); // 1 still thinks it leads and heartbeats; the answer carries the newer term
    expect(net.get(1).node.raft.state).toBe(StateType.Follower);
    expect(net.get(1).node.raft.term).toBe(net.get(newLeader ?? 0).node.raft.term);
    net.tick(newLeader ?? 0); // the new leader's heartbeat tells 1 who leads
    expect(net.get(1).node.raft.lead).toBe(newLeader);
  });
});

describe("ReadIndex", () => {
  it("the leader answers a read after a heartbeat round confirms it still leads", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    net.propose(1, "a");
    const before = net.trace.length;
    net.get(1).node.readIndex(ctx("r1"));
    net.send(...net.process(1));
    const beats = net.trace.slice(before).filter((m) => m.type === MessageType.MSG_HEARTBEAT && m.context.equals(ctx("r1")));
    expect(beats).toHaveLength(2);
    expect(net.get(1).readStates).toEqual([{ index: 2, requestCtx: ctx("r1") }]);
  });

  it("a leader cut off from the majority never answers the read", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    net.isolate(1);
    net.get(1).node.readIndex(ctx("r2"));
    net.send(...net.process(1));
    net.tick(1, 3);
    expect(net.get(1).readStates).toEqual([]);
  });

  it("a follower's read is forwarded to the leader and answered with the leader's commit index", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    net.propose(1, "a");
    net.propose(1, "b");
    net.get(3).node.readIndex(ctx("f1"));
    net.send(...net.process(3));
    expect(net.get(3).readStates).toEqual([{ index: 3, requestCtx: ctx("f1") }]);
  });

  it("a new leader answers no read before it commits an entry of its own term", () => {
    const net = Network.of([1, 2, 3]);
    net.isolate(1);
    net.get(1).node.campaign();
    net.process(1);
    for (const from of [2, 3]) net.get(1).node.step(newMessage({ type: MessageType.MSG_VOTE_RESP, from, to: 1, term: 1 }));
    net.process(1);
    expect(net.get(1).node.raft.state).toBe(StateType.Leader);
    net.get(1).node.readIndex(ctx("early"));
    net.process(1);
    expect(net.get(1).readStates).toEqual([]);
    net.recover();
    net.tick(1); // the empty entry commits, the queued read proceeds
    expect(net.get(1).readStates).toEqual([{ index: 1, requestCtx: ctx("early") }]);
  });

  it("without a known leader a read is refused with ProposalDroppedError", () => {
    const net = Network.of([1, 2, 3]);
    expect(() => net.get(2).node.readIndex(ctx("x"))).toThrow(ProposalDroppedError);
  });
});

describe("leadership transfer", () => {
  it("transfers to an up-to-date follower at once with TimeoutNow; the target wins the next term", () => {
    const net = Network.of([1, 2, 3], { checkQuorum: true });
    net.campaign(1);
    net.propose(1, "a");
    net.get(1).node.transferLeadership(2);
    net.send(...net.process(1));
    expect(net.trace.some((m) => m.type === MessageType.MSG_TIMEOUT_NOW && m.to === 2)).toBe(true);
    expect(net.get(2).node.raft.state).toBe(StateType.Leader);
    expect(net.get(2).node.raft.term).toBe(2);
    expect(net.get(1).node.raft.state).toBe(StateType.Follower);
  });

  it("catches a lagging target up first, and refuses proposals while the transfer is in progress", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    net.propose(1, "a");
    net.cutLink(1, 3);
    net.get(1).node.transferLeadership(3);
    net.send(...net.process(1));
    expect(net.get(1).node.raft.leadTransferee).toBe(3);
    let reason: string | undefined;
    try {
      net.get(1).node.propose(Buffer.from("b"));
    } catch (err) {
      if (err instanceof ProposalDroppedError) reason = err.reason;
    }
    expect(reason).toBe(DropReason.TransferInProgress);
    net.recover();
    net.tick(1);
    expect(net.get(3).node.raft.state).toBe(StateType.Leader);
    expect(net.appliedData(3)).toEqual(["a"]);
  });

  it("an unfinished transfer is aborted after an election timeout and the leader serves again", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    net.get(1).node.transferLeadership(3);
    net.send(...net.process(1));
    net.tick(1, 10);
    expect(net.get(1).node.raft.leadTransferee).toBe(0);
    net.propose(1, "after-abort");
    expect(net.appliedData(2)).toEqual(["after-abort"]);
  });

  it("a follower forwards a transfer request to the leader", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    net.get(3).node.transferLeadership(3);
    net.send(...net.process(3));
    expect(net.get(3).node.raft.state).toBe(StateType.Leader);
  });
});
