import { describe, expect, it } from "vitest";
import { schedule } from "./scheduler.js";
import { testNode, testTask } from "./testing/fixtures.js";
import { waterFill } from "./placement-tree.js";
import { MinHeap } from "./heap.js";
import type { TaskSpec } from "../../gen/swarm/api/TaskSpec.js";

function spreadSpec(...labels: string[]): TaskSpec {
  return { container: { image: "x" }, placement: { preferences: labels.map((l) => ({ spread: { spreadDescriptor: l } })) } };
}

function pending(service: string, n: number, spec: TaskSpec) {
  return Array.from({ length: n }, (_, i) => testTask(`${service}-${i + 1}`, { serviceId: service, spec }));
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of items) out[key(i)] = (out[key(i)] ?? 0) + 1;
  return out;
}

describe("spread preferences", () => {
  // zone a has 4 nodes, zone b has 1: without a preference, nodes fill evenly (4:1);
  // with spread over zone, the two zones get equal shares.
  const zones = [
    ...["a1", "a2", "a3", "a4"].map((id) => testNode(id, { labels: { zone: "a" } })),
    testNode("b1", { labels: { zone: "b" } }),
  ];
  const zoneOf = (id: string): string => id.slice(0, 1);

  it("splits tasks evenly over label values first", () => {
    const r = schedule({ nodes: zones, tasks: pending("s", 6, spreadSpec("node.labels.zone")) });
    expect(countBy(r.assignments, (a) => zoneOf(a.nodeId))).toEqual({ a: 3, b: 3 });
    expect(countBy(r.assignments, (a) => a.nodeId)).toEqual({ a1: 1, a2: 1, a3: 1, b1: 3 });
  });

  it("without a preference fills the emptiest nodes instead", () => {
    const r = schedule({ nodes: zones, tasks: pending("s", 5, { container: { image: "x" } }) });
    expect(countBy(r.assignments, (a) => zoneOf(a.nodeId))).toEqual({ a: 4, b: 1 });
  });

  it("counts the service's existing tasks per value", () => {
    const existing = ["a1", "a2", "a3"].map((n, i) => testTask(`old${i}`, { serviceId: "s", nodeId: n }));
    const r = schedule({ nodes: zones, tasks: [...existing, ...pending("s", 5, spreadSpec("node.labels.zone"))] });
    // 3 already in a → 4 new in b first, then one more each: a 3+1=4, b 0+4=4.
    expect(countBy(r.assignments, (a) => zoneOf(a.nodeId))).toEqual({ a: 1, b: 4 });
  });

  it("puts nodes without the label in their own group", () => {
    const ns = [testNode("x1", { labels: { zone: "a" } }), testNode("y1"), testNode("y2")];
    const r = schedule({ nodes: ns, tasks: pending("s", 4, spreadSpec("node.labels.zone")) });
    expect(countBy(r.assignments, (a) => a.nodeId)).toEqual({ x1: 2, y1: 1, y2: 1 });
  });

  it("nests preferences in order (zone, then rack)", () => {
    const ns = [
      testNode("a-r1-1", { labels: { zone: "a", rack: "r1" } }),
      testNode("a-r1-2", { labels: { zone: "a", rack: "r1" } }),
      testNode("a-r1-3", { labels: { zone: "a", rack: "r1" } }),
      testNode("a-r2-1", { labels: { zone: "a", rack: "r2" } }),
      testNode("b-r3-1", { labels: { zone: "b", rack: "r3" } }),
      testNode("b-r3-2", { labels: { zone: "b", rack: "r3" } }),
    ];
    const r = schedule({ nodes: ns, tasks: pending("s", 8, spreadSpec("node.labels.zone", "node.labels.rack")) });
    const zone = countBy(r.assignments, (a) => a.nodeId.slice(0, 1));
    const rack = countBy(r.assignments, (a) => a.nodeId.slice(0, 4));
    expect(zone).toEqual({ a: 4, b: 4 });
    expect(rack).toEqual({ "a-r1": 2, "a-r2": 2, "b-r3": 4 });
  });

  it("spreads over engine labels too", () => {
    const ns = [testNode("n1", { engineLabels: { disk: "ssd" } }), testNode("n2", { engineLabels: { disk: "ssd" } }), testNode("n3", { engineLabels: { disk: "hdd" } })];
    const r = schedule({ nodes: ns, tasks: pending("s", 4, spreadSpec("engine.labels.disk")) });
    expect(countBy(r.assignments, (a) => a.nodeId)).toEqual({ n1: 1, n2: 1, n3: 2 });
  });

  it("hands the share of a full value to the others", () => {
    const spec: TaskSpec = { ...spreadSpec("node.labels.zone"), resources: { reservations: { memoryBytes: 1024 ** 3 } } };
    const ns = [testNode("a1", { labels: { zone: "a" }, memoryBytes: 1024 ** 3 }), testNode("b1", { labels: { zone: "b" } })];
    const r = schedule({ nodes: ns, tasks: pending("s", 4, spec) });
    expect(countBy(r.assignments, (a) => a.nodeId)).toEqual({ a1: 1, b1: 3 });
    expect(r.unschedulable).toEqual([]);
  });

  it("rejects an invalid spread descriptor with a field-named message", () => {
    const r = schedule({ nodes: [testNode("n1")], tasks: pending("s", 1, spreadSpec("zone")) });
    expect(r.unschedulable[0]?.message).toBe(
      'invalid placement: spec.task.placement.preferences[0].spread: unknown node attribute "zone" (expected one of node.labels.<key>, engine.labels.<key>)',
    );
  });
});

describe("waterFill", () => {
  it("raises the lowest branches first", () => {
    expect(waterFill([3, 0, 1], 4)).toEqual([0, 3, 1]);
    expect(waterFill([0, 0, 0], 4)).toEqual([2, 1, 1]);
    expect(waterFill([5, 5], 3)).toEqual([2, 1]);
    expect(waterFill([10, 0], 3)).toEqual([0, 3]);
    expect(waterFill([], 3)).toEqual([]);
    expect(waterFill([1, 2], 0)).toEqual([0, 0]);
  });

  it("always hands out exactly m and evens the totals (seeded)", () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 500; round++) {
      const counts = Array.from({ length: 1 + rand(6) }, () => rand(10));
      const m = rand(30);
      const share = waterFill(counts, m);
      expect(share.reduce((a, b) => a + b, 0)).toBe(m);
      const totals = counts.map((c, i) => c + (share[i] ?? 0));
      const receivers = totals.filter((_, i) => (share[i] ?? 0) > 0);
      // Every branch that received a task ends at most one above the lowest total.
      for (const t of receivers) expect(t).toBeLessThanOrEqual(Math.min(...totals) + 1);
    }
  });
});

describe("MinHeap", () => {
  it("pops in order after heapify and pushes", () => {
    const h = new MinHeap<number>((a, b) => a < b, [5, 3, 9, 1, 7]);
    h.push(4);
    h.push(0);
    const out: number[] = [];
    while (h.size > 0) out.push(h.pop() ?? -1);
    expect(out).toEqual([0, 1, 3, 4, 5, 7, 9]);
    expect(h.pop()).toBeUndefined();
    expect(h.peek()).toBeUndefined();
  });
});
