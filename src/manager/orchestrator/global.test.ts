import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "./testing/harness.js";
import { wantedRunning } from "./tasks.js";

let h: Harness;
afterEach(async () => {
  await h.stop();
});

const nodesOf = (serviceId: string): string[] => [...h.perNode(serviceId).keys()].sort();

describe("global orchestrator", () => {
  it("runs one task per eligible node and follows joins, drains and node loss", async () => {
    h = new Harness();
    for (const id of ["n1", "n2", "n3"]) await h.addNode(id);
    h.start();
    await h.createService("mon", { global: {} });
    await h.until("one per node", () => nodesOf("mon").join() === "n1,n2,n3");
    expect([...h.perNode("mon").values()]).toEqual([1, 1, 1]);
    expect(h.running("mon").every((t) => Number(t.slot) === 0)).toBe(true);

    await h.addNode("n4");
    await h.until("n4 joined", () => nodesOf("mon").join() === "n1,n2,n3,n4");

    await h.setNode("n2", (n) => (n.spec!.availability = "DRAIN"));
    await h.until("n2 drained", () => nodesOf("mon").join() === "n1,n3,n4" && h.tasks("mon").filter((t) => t.nodeId === "n2").every((t) => t.status?.state === "SHUTDOWN"));

    await h.setNode("n4", (n) => (n.status!.state = "DOWN"));
    await h.until("n4 orphaned", () => h.tasks("mon").some((t) => t.nodeId === "n4" && t.status?.state === "ORPHANED"));
    expect(nodesOf("mon")).toEqual(["n1", "n3"]);

    // PAUSE keeps the task; back to ACTIVE and READY brings tasks back.
    await h.setNode("n1", (n) => (n.spec!.availability = "PAUSE"));
    await h.setNode("n2", (n) => (n.spec!.availability = "ACTIVE"));
    await h.setNode("n4", (n) => (n.status!.state = "READY"));
    await h.until("back on n2 and n4", () => nodesOf("mon").join() === "n1,n2,n3,n4");
    expect(h.tasks("mon").filter(wantedRunning)).toHaveLength(4);
  });

  it("honours constraints and follows label changes", async () => {
    h = new Harness();
    await h.addNode("a1", { labels: { zone: "a" } });
    await h.addNode("b1", { labels: { zone: "b" } });
    await h.addNode("a2", { labels: { zone: "a" } });
    h.start();
    await h.createService("agent", { global: {}, task: { container: { image: "agent:1" }, placement: { constraints: ["node.labels.zone==a"] } } });
    await h.until("on zone a", () => nodesOf("agent").join() === "a1,a2");
    await h.setNode("b1", (n) => (n.spec!.annotations!.labels = { zone: "a" }));
    await h.setNode("a2", (n) => (n.spec!.annotations!.labels = { zone: "c" }));
    await h.until("follows labels", () => nodesOf("agent").join() === "a1,b1");
    expect(h.tasks("agent").filter((t) => t.nodeId === "a2").every((t) => t.desiredState === "SHUTDOWN")).toBe(true);
  });

  it("restarts a failed task on the same node after the delay", async () => {
    h = new Harness();
    await h.addNode("n1");
    await h.addNode("n2");
    h.start();
    await h.createService("mon", { global: {}, task: { container: { image: "mon:1" }, restart: { condition: "ON_FAILURE", delayMs: 2_000 } } });
    await h.until("2 running", () => h.running("mon").length === 2);
    const t = h.running("mon").find((x) => x.nodeId === "n1")!;
    await h.report(t.id, "FAILED", "exit status 2");
    await h.advance(1_999);
    expect(h.tasks("mon").filter((x) => x.nodeId === "n1")).toHaveLength(1);
    await h.advance(1);
    await h.until("restarted on n1", () => h.running("mon").some((x) => x.nodeId === "n1" && x.id !== t.id));
  });

  it("removing a global service removes its tasks", async () => {
    h = new Harness();
    await h.addNode("n1");
    h.start();
    await h.createService("mon", { global: {} });
    await h.until("running", () => h.running("mon").length === 1);
    await h.store.update((tx) => tx.remove("service", "mon"));
    await h.until("deleted", () => h.tasks("mon").length === 0);
  });
});
