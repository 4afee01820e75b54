// The managers' side of gossip key rotation: a new sending key with a higher Lamport time, and only
// the previous sending key kept (so a key two rotations old is handed to no node any more).
import { describe, expect, it } from "vitest";
import type { Cluster__Output } from "../gen/swarm/api/Cluster.js";
import { gossipKeysForNodes, withRotatedGossipKey } from "./key-rotation.js";

function cluster(): Cluster__Output {
  return { id: "c1", meta: null, spec: null, rootCa: null, gossipKeys: [{ subsystem: "gossip", algorithm: "aes-256-gcm", key: Buffer.alloc(32, 1), lamportTime: 1 }], gossipKeyLamportClock: 1, removedNodes: [] };
}

describe("gossip key rotation (managers)", () => {
  it("puts a fresh key first and keeps only the previous sending key", () => {
    let n = 2;
    const random = (len: number): Uint8Array => Buffer.alloc(len, n++);
    const once = withRotatedGossipKey(cluster(), random);
    expect(gossipKeysForNodes(once)).toEqual([Buffer.alloc(32, 2), Buffer.alloc(32, 1)]);
    expect(once.gossipKeyLamportClock).toBe(2);
    const twice = withRotatedGossipKey(once, random);
    expect(gossipKeysForNodes(twice)).toEqual([Buffer.alloc(32, 3), Buffer.alloc(32, 2)]);
    expect(twice.gossipKeys.map((k) => k.lamportTime).sort()).toEqual([2, 3]);
    expect(cluster().gossipKeys).toHaveLength(1); // the input is not modified
  });

  it("orders keys for nodes by Lamport time whatever the stored order", () => {
    const c = cluster();
    c.gossipKeys = [{ ...c.gossipKeys[0]!, lamportTime: 4 }, { subsystem: "gossip", algorithm: "aes-256-gcm", key: Buffer.alloc(32, 9), lamportTime: 7 }];
    expect(gossipKeysForNodes(c)[0]).toEqual(Buffer.alloc(32, 9));
    expect(gossipKeysForNodes(undefined)).toEqual([]);
  });
});
