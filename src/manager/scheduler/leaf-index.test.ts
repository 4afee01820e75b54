import { describe, expect, it } from "vitest";
import { LeafIndex } from "./leaf-index.js";
import { addTaskToNode, newNodeInfo } from "./node-info.js";
import { testNode } from "./testing/fixtures.js";

describe("LeafIndex", () => {
  const infos = () => ["a", "b", "c", "d"].map((id, i) => newNodeInfo(testNode(id), i));

  it("hands out nodes by (total tasks, input order), skipping rejected ones, and restores them", () => {
    const nodes = infos();
    const [a, b, c, d] = nodes;
    if (!a || !b || !c || !d) throw new Error("fixture");
    addTaskToNode(a, "s", 0, 0, []);
    addTaskToNode(a, "s", 0, 0, []);
    addTaskToNode(c, "s", 0, 0, []);
    const index = new LeafIndex(nodes);
    expect(index.take(2, (n) => n.id !== "b").map((n) => n.id)).toEqual(["d", "c"]);
    // Taken (and rejected) nodes stay out until restore.
    expect(index.take(5, () => true).map((n) => n.id)).toEqual(["a"]);
    index.restore();
    expect(index.take(5, () => true).map((n) => n.id)).toEqual(["b", "d", "c", "a"]);
  });

  it("refreshes entries of nodes whose totals changed elsewhere", () => {
    const nodes = infos();
    const index = new LeafIndex(nodes);
    // Another group (another template) places on b and a while this index is at rest.
    const [a, b] = nodes;
    if (!a || !b) throw new Error("fixture");
    addTaskToNode(b, "x", 0, 0, []);
    addTaskToNode(a, "x", 0, 0, []);
    addTaskToNode(a, "x", 0, 0, []);
    expect(index.take(4, () => true).map((n) => n.id)).toEqual(["c", "d", "b", "a"]);
    index.restore();
    expect(index.take(1, () => true).map((n) => n.id)).toEqual(["c"]);
    expect(index.members.size).toBe(4);
  });
});
