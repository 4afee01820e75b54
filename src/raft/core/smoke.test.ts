import { describe, expect, it } from "vitest";
import { Network } from "../sim/network.js";
import { StateType } from "./index.js";

describe("raft smoke", () => {
  it("elects a leader and replicates a proposal to all", () => {
    const net = Network.of([1, 2, 3]);
    net.campaign(1);
    expect(net.get(1).node.status().softState.raftState).toBe(StateType.Leader);
    net.propose(1, "hello");
    for (const id of [1, 2, 3]) expect(net.appliedData(id)).toEqual(["hello"]);
  });
});
