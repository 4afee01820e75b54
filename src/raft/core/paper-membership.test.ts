/**
 * Raft paper §6 (cluster membership changes), single-server changes applied when their entry is
 * applied, plus learners (non-voting members) and promotion.
 */
import { describe, expect, it } from "vitest";
import { Network } from "../sim/network.js";
import {
  ConfChangeType,
  DropReason,
  EntryType,
  MemoryStorage,
  MessageType,
  ProposalDroppedError,
  RaftNode,
  StateType,
  decodeConfChange,
  encodeConfChange,
  newEntry,
  newMessage,
} from "./index.js";

const cc = (type: ConfChangeType, nodeId: number) => ({ type, nodeId, context: Buffer.alloc(0) });

function dropReason(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProposalDroppedError) return err.reason;
    throw err;
  }
  return undefined;
}

describe("§6 cluster membership changes", () => {
  it("adding a voter: the new server replays the whole log, learns the membership and counts in the majority", () => {
    const net = Network.bootstrapped([1, 2, 3]);
    net.campaign(1);
    net.propose(1, "before");
    net.add(4, new MemoryStorage());
    net.proposeConfChange(1, cc(ConfChangeType.CONF_ADD_VOTER, 4));
    for (const id of [1, 2, 3, 4]) expect(net.get(id).confState.voters).toEqual([1, 2, 3, 4]);
    expect(net.logTerms(4)).toEqual(net.logTerms(1));
    expect(net.appliedData(4)).toEqual(["before"]);
    // With four voters a majority is three: the leader and the new server alone cannot commit.
    net.isolate(2);
    net.isolate(3);
    net.propose(1, "needs-three");
    expect(net.appliedData(1)).toEqual(["before"]);
    net.recover();
    net.tick(1);
    expect(net.appliedData(1)).toEqual(["before", "needs-three"]);
  });

  it("removing a follower: the majority shrinks and the removed server is no longer needed", () => {
    const net = Network.bootstrapped([1, 2, 3]);
    net.campaign(1);
    net.proposeConfChange(1, cc(ConfChangeType.CONF_REMOVE_NODE, 3));
    expect(net.get(1).confState.voters).toEqual([1, 2]);
    net.isolate(3);
    net.propose(1, "two-of-two");
    expect(net.appliedData(2)).toEqual(["two-of-two"]);
    expect(net.get(1).node.status().progress.has(3)).toBe(false);
  });

  it("removing the leader: it steps down once it applies the change, and the others elect a new leader", () => {
    const net = Network.bootstrapped([1, 2, 3]);
    net.campaign(1);
    net.proposeConfChange(1, cc(ConfChangeType.CONF_REMOVE_NODE, 1));
    expect(net.get(1).node.raft.state).toBe(StateType.Follower);
    expect(net.get(2).confState.voters).toEqual([2, 3]);
    net.campaign(1); // no longer a voter: does not campaign
    expect(net.get(1).node.raft.state).toBe(StateType.Follower);
    net.campaign(2);
    expect(net.get(2).node.raft.state).toBe(StateType.Leader);
    net.propose(2, "after");
    expect(net.appliedData(3)).toEqual(["after"]);
  });

  it("a learner receives the log but neither votes nor counts toward commit; it can be promoted to voter", () => {
    const net = Network.bootstrapped([1, 2, 3]);
    net.campaign(1);
    net.add(4, new MemoryStorage());
    net.proposeConfChange(1, cc(ConfChangeType.CONF_ADD_LEARNER, 4));
    expect(net.get(1).confState).toEqual({ voters: [1, 2, 3], learners: [4] });
    net.isolate(2);
    net.isolate(3);
    net.propose(1, "x");
    expect(net.logTerms(4)).toEqual(net.logTerms(1)); // replicated to the learner…
    expect(net.appliedData(1)).toEqual([]); // …but not committed: a learner is not part of the majority
    net.campaign(4);
    expect(net.get(4).node.raft.state).toBe(StateType.Follower); // learners never campaign
    net.recover();
    net.tick(1);
    expect(net.appliedData(4)).toEqual(["x"]);
    net.proposeConfChange(1, cc(ConfChangeType.CONF_ADD_VOTER, 4));
    expect(net.get(4).confState).toEqual({ voters: [1, 2, 3, 4], learners: [] });
    expect(net.get(4).node.raft.isLearner).toBe(false);
    expect(net.get(1).node.status().progress.get(4)?.isLearner).toBe(false);
  });

  it("a voter can be demoted to learner", () => {
    const net = Network.bootstrapped([1, 2, 3, 4]);
    net.campaign(1);
    net.proposeConfChange(1, cc(ConfChangeType.CONF_ADD_LEARNER, 4));
    expect(net.get(3).confState).toEqual({ voters: [1, 2, 3], learners: [4] });
    net.propose(1, "y");
    expect(net.appliedData(4)).toEqual(["y"]);
  });

  it("only one membership change at a time: a second one is refused until the first is applied", () => {
    const net = Network.bootstrapped([1, 2, 3]);
    net.campaign(1);
    net.add(4, new MemoryStorage());
    net.add(5, new MemoryStorage());
    net.isolate(2);
    net.isolate(3);
    net.proposeConfChange(1, cc(ConfChangeType.CONF_ADD_LEARNER, 4));
    expect(dropReason(() => net.get(1).node.proposeConfChange(cc(ConfChangeType.CONF_ADD_LEARNER, 5)))).toBe(
      DropReason.ConfChangePending,
    );
    net.recover();
    net.tick(1);
    expect(net.get(1).confState.learners).toEqual([4]);
    net.proposeConfChange(1, cc(ConfChangeType.CONF_ADD_LEARNER, 5));
    expect(net.get(1).confState.learners).toEqual([4, 5]);
  });

  it("a new leader proposes no membership change until it has applied an entry of its own term", () => {
    const net = Network.bootstrapped([1, 2, 3]);
    net.isolate(1);
    net.get(1).node.campaign();
    net.process(1);
    for (const from of [2, 3]) net.get(1).node.step(newMessage({ type: MessageType.MSG_VOTE_RESP, from, to: 1, term: 2 }));
    net.process(1);
    expect(net.get(1).node.raft.state).toBe(StateType.Leader);
    expect(dropReason(() => net.get(1).node.proposeConfChange(cc(ConfChangeType.CONF_REMOVE_NODE, 3)))).toBe(
      DropReason.ConfChangePending,
    );
    // Ordinary proposals are accepted meanwhile.
    expect(dropReason(() => net.get(1).node.propose(Buffer.from("ok")))).toBeUndefined();
    net.recover();
    net.tick(1);
    expect(dropReason(() => net.get(1).node.proposeConfChange(cc(ConfChangeType.CONF_REMOVE_NODE, 3)))).toBeUndefined();
  });

  it("a node does not campaign while a committed membership change is not yet applied", () => {
    const storage = new MemoryStorage({ confState: { voters: [1, 2, 3], learners: [] } });
    storage.append([newEntry({ term: 1, index: 1, type: EntryType.ENTRY_CONF_CHANGE, data: encodeConfChange(cc(ConfChangeType.CONF_REMOVE_NODE, 3)) })]);
    storage.setHardState({ term: 1, vote: 0, commit: 1 });
    const node = new RaftNode({ id: 1, storage, electionTick: 10, heartbeatTick: 1, random: () => 0, preVote: false });
    node.campaign();
    expect(node.raft.state).toBe(StateType.Follower);
    const rd = node.ready();
    expect(rd.messages).toEqual([]);
    for (const e of rd.committedEntries) node.applyConfChange(decodeConfChange(e.data));
    node.advance(rd);
    node.campaign();
    expect(node.raft.state).toBe(StateType.Candidate);
    expect(node.ready().messagesAfterPersist.map((m) => m.to)).toEqual([2]); // the new membership is {1, 2}
  });
});
