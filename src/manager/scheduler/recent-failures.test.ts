import { describe, expect, it } from "vitest";
import { RecentFailures } from "./recent-failures.js";
import { schedule } from "./scheduler.js";
import { testNode, testTask } from "./testing/fixtures.js";

describe("RecentFailures", () => {
  it("marks a node after the threshold within the window and forgets old failures", () => {
    const f = new RecentFailures(60_000, 3);
    f.record("web", "n1", 0);
    f.record("web", "n1", 10_000);
    expect(f.snapshot(10_000).get("web")).toBeUndefined();
    f.record("web", "n1", 20_000);
    expect([...(f.snapshot(20_000).get("web") ?? [])]).toEqual(["n1"]);
    // The first failure leaves the window at 60 s: two left, below the threshold.
    expect(f.snapshot(60_000).get("web")).toBeUndefined();
    f.forgetService("web");
    expect(f.snapshot(60_000).size).toBe(0);
  });

  it("feeds the scheduler so the marked node is ranked last", () => {
    const f = new RecentFailures(60_000, 1);
    f.record("web", "n1", 1_000);
    const r = schedule({
      nodes: [testNode("n1"), testNode("n2")],
      tasks: [testTask("t1", { serviceId: "web" })],
      recentFailures: f.snapshot(2_000),
    });
    expect(r.assignments).toEqual([{ taskId: "t1", nodeId: "n2" }]);
  });
});
