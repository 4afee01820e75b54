/**
 * Raft paper §7 (log compaction): snapshots, InstallSnapshot to lagging followers, restart from a
 * snapshot.
 */
import { describe, expect, it } from "vitest";
import { Network, storageWithLog } from "../sim/network.js";
import { MessageType, StateType, newMessage, snapshotMeta } from "./index.js";

function compactLeader(net: Network, id: number): number {
  const n = net.get(id);
  const applied = n.node.status().applied;
  n.storage.createSnapshot(applied, n.confState, Buffer.from(JSON.stringify(net.appliedData(id))));
  n.storage.compact(applied);
  return applied;
}

describe("§7 log compaction", () => {
  it("a follower that fell behind the leader's compacted log receives InstallSnapshot, then the entries after it", () => {
    const net = Network.bootstrapped([1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    for (let i = 0; i < 5; i++) net.propose(1, `e${i}`);
    const snapIndex = compactLeader(net, 1);
    expect(net.get(1).node.raft.raftLog.firstIndex()).toBe(snapIndex + 1);
    net.recover();
    net.tick(1); // heartbeat → the response shows 3 behind → entries are gone → snapshot
    const snaps = net.trace.filter((m) => m.type === MessageType.MSG_SNAP && m.to === 3);
    expect(snaps).toHaveLength(1);
    const n3 = net.get(3);
    expect(snapshotMeta(n3.storage.snapshot()).index).toBe(snapIndex);
    expect(JSON.parse(n3.storage.snapshot().data.toString())).toEqual(["e0", "e1", "e2", "e3", "e4"]);
    expect(n3.confState.voters).toEqual([1, 2, 3]);
    net.propose(1, "after");
    expect(net.appliedData(3)).toEqual(["after"]);
    expect(net.get(1).node.status().progress.get(3)?.state).toBe("replicate");
  });

  it("a snapshot that is not ahead of the follower's commit index is ignored", () => {
    const net = Network.bootstrapped([1, 2, 3]);
    net.campaign(1);
    for (let i = 0; i < 3; i++) net.propose(1, `e${i}`);
    const leader = net.get(1);
    leader.storage.createSnapshot(4, leader.confState, Buffer.from("old"));
    const n2 = net.get(2);
    const before = net.logTerms(2);
    n2.node.step(newMessage({ type: MessageType.MSG_SNAP, from: 1, to: 2, term: 2, snapshot: leader.storage.snapshot() }));
    const [resp] = net.process(2);
    expect(resp).toMatchObject({ type: MessageType.MSG_APP_RESP, index: n2.node.raft.raftLog.committed });
    expect(net.logTerms(2)).toEqual(before);
    expect(snapshotMeta(n2.storage.snapshot()).index).toBe(0);
  });

  it("a snapshot whose last entry the follower already holds only advances its commit index", () => {
    const net = new Network();
    net.add(2, storageWithLog([1, 2, 3], [1, 1, 1, 1], 1));
    const snap = { data: Buffer.from("s"), metadata: { index: 3, term: 1, confState: { voters: [1, 2, 3], learners: [] } } };
    net.get(2).node.step(newMessage({ type: MessageType.MSG_SNAP, from: 1, to: 2, term: 1, snapshot: snap }));
    const [resp] = net.process(2);
    expect(resp).toMatchObject({ type: MessageType.MSG_APP_RESP, index: 3 });
    expect(net.get(2).node.raft.raftLog.committed).toBe(3);
    expect(net.logTerms(2)).toEqual([1, 1, 1, 1]); // entry 4 is kept
  });

  it("a node restarts from its snapshot plus the entries after it", () => {
    const net = Network.bootstrapped([1, 2, 3]);
    net.campaign(1);
    for (let i = 0; i < 3; i++) net.propose(1, `e${i}`);
    const snapIndex = compactLeader(net, 2);
    net.propose(1, "tail");
    const n2 = net.restart(2);
    expect(n2.node.raft.raftLog.firstIndex()).toBe(snapIndex + 1);
    expect(n2.node.raft.term).toBe(2);
    expect(n2.node.raft.voters).toEqual([1, 2, 3]);
    net.flush();
    // The state machine is rebuilt from the snapshot; entries after it are applied again, once.
    expect(net.appliedData(2)).toEqual(["e0", "e1", "e2", "tail"]);
  });

  it("a failed snapshot send returns the follower to probing, and the leader retries later", () => {
    const net = Network.bootstrapped([1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    for (let i = 0; i < 3; i++) net.propose(1, `e${i}`);
    compactLeader(net, 1);
    net.recover();
    net.cutLink(1, 3); // the snapshot (and everything else to 3) is lost
    // 3 rejects an append: its log ends at its last index, which the leader compacted away.
    const pr = net.get(1).node.status().progress.get(3);
    const last3 = net.get(3).node.raft.raftLog.lastIndex();
    net.get(1).node.step(
      newMessage({ type: MessageType.MSG_APP_RESP, from: 3, to: 1, term: 2, reject: true, index: (pr?.next ?? 1) - 1, rejectHint: last3, logTerm: 2 }),
    );
    net.send(...net.process(1));
    expect(net.trace.filter((m) => m.type === MessageType.MSG_SNAP && m.to === 3)).toHaveLength(1);
    expect(net.get(1).node.status().progress.get(3)?.state).toBe("snapshot");
    net.get(1).node.reportSnapshot(3, false);
    expect(net.get(1).node.status().progress.get(3)?.state).toBe("probe");
    net.recover();
    net.tick(1);
    expect(net.get(1).node.status().progress.get(3)?.state).toBe("replicate");
    expect(net.get(1).node.raft.state).toBe(StateType.Leader);
  });
});
