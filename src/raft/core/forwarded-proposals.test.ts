/**
 * Proposals that arrive from the network (MSG_PROP forwarded to the leader): a member's normal
 * proposal is appended; a non-member's is dropped; a membership change is refused whoever sends it
 * (they come only from the leader's own RawNode.proposeConfChange). Dropped means: nothing appended,
 * membership unchanged.
 */
import { describe, expect, it } from "vitest";
import { Network } from "../sim/network.js";
import { encodeConfChange } from "./confchange.js";
import { EntryType, MessageType, newEntry, newMessage, type Entry } from "./index.js";

function leaderOf3(): Network {
  const net = Network.of([1, 2, 3]);
  net.campaign(1);
  return net;
}

function forward(net: Network, from: number, entries: Entry[]): void {
  net.get(1).node.step(newMessage({ type: MessageType.MSG_PROP, from, to: 1, term: net.get(1).node.raft.term, entries }));
}

const addVoter9 = (): Entry => newEntry({ term: 0, index: 0, type: EntryType.ENTRY_CONF_CHANGE, data: encodeConfChange({ type: "CONF_ADD_VOTER", nodeId: 9, context: Buffer.alloc(0) }) });
const normal = (s: string): Entry => newEntry({ term: 0, index: 0, data: Buffer.from(s) });

describe("proposals forwarded over the network", () => {
  it("a member's normal proposal is appended", () => {
    const net = leaderOf3();
    const before = net.get(1).node.raft.raftLog.lastIndex();
    forward(net, 2, [normal("x")]);
    expect(net.get(1).node.raft.raftLog.lastIndex()).toBe(before + 1);
  });

  it("a non-member's proposal is dropped", () => {
    const net = leaderOf3();
    const before = net.get(1).node.raft.raftLog.lastIndex();
    forward(net, 99, [normal("x")]);
    expect(net.get(1).node.raft.raftLog.lastIndex()).toBe(before);
  });

  it.each([
    ["a member", 2],
    ["a non-member", 99],
  ])("a membership change from %s is refused entirely, with the normal entries beside it", (_who, from) => {
    const net = leaderOf3();
    const before = net.get(1).node.raft.raftLog.lastIndex();
    forward(net, from, [normal("x"), addVoter9()]);
    net.flush();
    expect(net.get(1).node.raft.raftLog.lastIndex()).toBe(before);
    expect([...net.get(1).node.raft.progress.keys()].sort()).toEqual([1, 2, 3]);
  });

  it("the leader's own membership change still goes through", () => {
    const net = leaderOf3();
    const log = net.get(1).node.raft.raftLog;
    const before = log.lastIndex();
    net.proposeConfChange(1, { type: "CONF_ADD_VOTER", nodeId: 4, context: Buffer.alloc(0) });
    expect(log.lastIndex()).toBe(before + 1);
    expect(log.slice(before + 1, before + 2).map((e) => e.type)).toEqual([EntryType.ENTRY_CONF_CHANGE]);
  });
});
