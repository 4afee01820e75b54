import { describe, expect, it } from "vitest";
import type { Node__Output } from "../gen/swarm/api/Node.js";
import { makeNode } from "../store/objects.js";
import { managerStatusColumn } from "./node.js";

const node = (managerStatus: Partial<NonNullable<Node__Output["managerStatus"]>> | null): Node__Output =>
  makeNode({ id: "n1", managerStatus: managerStatus === null ? null : { raftId: 7, addr: "10.0.0.1:2377", leader: false, learner: false, reachability: "REACHABLE", ...managerStatus } });

describe("node ls MANAGER STATUS", () => {
  it("shows Docker's values for voters and workers, and 'Catching up' for a reachable learner", () => {
    expect(managerStatusColumn(node(null))).toBe("");
    expect(managerStatusColumn(node({ raftId: 0 }))).toBe("");
    expect(managerStatusColumn(node({ leader: true }))).toBe("Leader");
    expect(managerStatusColumn(node({}))).toBe("Reachable");
    expect(managerStatusColumn(node({ reachability: "UNREACHABLE" }))).toBe("Unreachable");
    // A learner is not counted for quorum yet: never shown as a Reachable voter.
    expect(managerStatusColumn(node({ learner: true }))).toBe("Catching up");
    expect(managerStatusColumn(node({ learner: true, reachability: "UNREACHABLE" }))).toBe("Unreachable");
  });
});
