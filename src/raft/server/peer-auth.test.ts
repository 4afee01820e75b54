import { describe, it, expect } from "vitest";
import { senderRefusal, type PeerAuthContext } from "./peer-auth.js";
import type { CallerIdentity } from "../../ca/tls.js";

// The store as a member sees it: n1, n2 are managers with raft ids; d4 was demoted (known, no raft id);
// j5 is a manager whose Join has not written its raft id yet (raft id 5 is already a learner).
const bindings = new Map<string, number | null | undefined>([["n1", 1], ["n2", 2], ["d4", null], ["j5", undefined]]);
const ctx: PeerAuthContext = {
  self: 1,
  members: new Set([1, 2, 3, 5]),
  directory: {
    raftIdOfNode: (n) => bindings.get(n),
    nodeOfRaftId: (r) => [...bindings].find(([, v]) => v === r)?.[0],
  },
};
const worker: CallerIdentity = { nodeId: "w", role: "worker", clusterId: "c" };
const manager = (nodeId: string): CallerIdentity => ({ nodeId, role: "manager", clusterId: "c" });

describe("senderRefusal", () => {
  it("accepts a manager speaking as its own raft id", () => {
    expect(senderRefusal(ctx, manager("n2"), 2)).toBeNull();
  });
  it("accepts an unbound member id from a manager the store does not know yet (a join in flight)", () => {
    expect(senderRefusal(ctx, manager("j5"), 5)).toBeNull();
  });
  it.each([
    ["no certificate", undefined, 2, "need a manager certificate"],
    ["a worker", worker, 2, "node w has role worker"],
    ["our own id", manager("n2"), 1, "this member's own id"],
    ["another member's id", manager("n2"), 3, "node n2 is raft id 2 but sent a message from raft id 3"],
    ["a removed member's id", manager("n2"), 7, "raft id 7, which is not a raft member"],
    ["a demoted manager", manager("d4"), 3, "node d4 is not a raft manager"],
    ["an unknown node taking a bound id", manager("j5"), 2, "raft id 2 belongs to node n2, not to node j5"],
  ])("refuses %s", (_name, caller, from, reason) => {
    expect(senderRefusal(ctx, caller, from)).toContain(reason);
  });
});
