import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "./testing/harness.js";
import { MAX_WRITES_PER_TX, wantedRunning } from "./tasks.js";
import { reconcileReplicated } from "./replicated.js";

let h: Harness;
afterEach(async () => {
  await h.stop();
});

async function fiveNodes(): Promise<void> {
  for (let i = 1; i <= 5; i++) await h.addNode(`n${i}`);
}

const counts = (m: Map<string, number>): number[] => [...m.values()].sort();

describe("replicated orchestrator + scheduler loop", () => {
  it("spreads 5 replicas one per node, scales to 10 (2 each) and down to 2 on different nodes", async () => {
    h = new Harness();
    await fiveNodes();
    h.start();
    await h.createService("web", { replicated: { replicas: 5 } });
    await h.until("5 running", () => h.running("web").length === 5);
    expect(counts(h.perNode("web"))).toEqual([1, 1, 1, 1, 1]);
    expect(h.running("web").map((t) => Number(t.slot)).sort()).toEqual([1, 2, 3, 4, 5]);
    const first = h.running("web")[0]!;
    expect(first.status?.message).toBe("running");
    expect(first.spec?.container?.image).toBe("demo/web:1");
    expect(first.serviceAnnotations?.name).toBe("web");

    await h.scale("web", 10);
    await h.until("10 running", () => h.running("web").length === 10);
    expect(counts(h.perNode("web"))).toEqual([2, 2, 2, 2, 2]);

    await h.scale("web", 2);
    await h.until("2 wanted", () => h.tasks("web").filter(wantedRunning).length === 2 && h.running("web").length === 2);
    expect(counts(h.perNode("web"))).toEqual([1, 1]);
    await h.until("8 shut down", () => h.tasks("web").filter((t) => t.desiredState === "SHUTDOWN" && t.status?.state === "SHUTDOWN").length === 8);
  });

  it("scale down removes tasks from the most loaded nodes first", async () => {
    h = new Harness();
    await h.addNode("n1");
    h.start();
    // Opted out of rebalancing: the uneven start is what scale-down has to even out here.
    await h.createService("web", { annotations: { name: "web", labels: { "com.swarm.rebalance": "false" } }, replicated: { replicas: 3 } });
    await h.until("3 on n1", () => h.perNode("web").get("n1") === 3);
    await h.addNode("n2");
    await h.addNode("n3");
    await h.scale("web", 5);
    await h.until("5 running", () => h.running("web").length === 5);
    expect([...h.perNode("web")].sort()).toEqual([["n1", 3], ["n2", 1], ["n3", 1]]);
    await h.scale("web", 3);
    await h.until("3 wanted, 1 per node", () => h.tasks("web").filter(wantedRunning).length === 3 && h.perNode("web").size === 3 && h.running("web").length === 3);
  });

  it("replaces the tasks of a node that goes down on the other nodes and orphans the old ones", async () => {
    h = new Harness();
    await fiveNodes();
    h.start();
    await h.createService("web", { replicated: { replicas: 10 } });
    await h.until("10 running", () => h.running("web").length === 10);
    const onN3 = h.running("web").filter((t) => t.nodeId === "n3");
    expect(onN3).toHaveLength(2);
    await h.setNode("n3", (n) => (n.status!.state = "DOWN"));
    await h.until("10 running elsewhere", () => h.running("web").length === 10 && !h.perNode("web").has("n3"));
    expect(counts(h.perNode("web"))).toEqual([2, 3, 3, 2].sort());
    for (const old of onN3) {
      const t = h.tasks("web").find((x) => x.id === old.id)!;
      expect(t.desiredState).toBe("SHUTDOWN");
      expect(t.status?.state).toBe("ORPHANED");
      expect(t.status?.message).toBe("node down");
      // The replacement took over the slot.
      expect(h.running("web").some((x) => x.slot === old.slot)).toBe(true);
    }
  });

  it("with an orphan grace, tasks of a down node are replaced at once and orphaned after the grace", async () => {
    h = new Harness(60_000);
    await fiveNodes();
    h.start();
    await h.createService("web", { replicated: { replicas: 5 } });
    await h.until("5 running", () => h.running("web").length === 5);
    const old = h.running("web").find((t) => t.nodeId === "n4")!;
    await h.setNode("n4", (n) => (n.status!.state = "DOWN"));
    await h.until("replaced", () => h.running("web").length === 5 && !h.perNode("web").has("n4"));
    const state = () => h.tasks("web").find((t) => t.id === old.id)!.status?.state;
    await h.advance(59_999);
    expect(state()).toBe("RUNNING");
    await h.advance(1);
    expect(state()).toBe("ORPHANED");
  });

  it("drain moves the tasks off the node", async () => {
    h = new Harness();
    await fiveNodes();
    h.start();
    await h.createService("web", { replicated: { replicas: 5 } });
    await h.until("5 running", () => h.running("web").length === 5);
    await h.setNode("n2", (n) => (n.spec!.availability = "DRAIN"));
    await h.until("5 running, none on n2", () => h.running("web").length === 5 && !h.perNode("web").has("n2"));
    const old = h.tasks("web").filter((t) => t.nodeId === "n2");
    expect(old.every((t) => t.desiredState === "SHUTDOWN" && t.status?.state === "SHUTDOWN")).toBe(true);
  });

  it("leaves tasks PENDING with the scheduler's explanation when no node fits, and places them once one does", async () => {
    h = new Harness();
    await fiveNodes();
    h.start();
    await h.createService("db", { replicated: { replicas: 2 }, task: { container: { image: "db:1" }, placement: { constraints: ["node.labels.disk==ssd"] } } });
    await h.until("pending with message", () => h.tasks("db").length === 2 && h.tasks("db").every((t) => (t.status?.message ?? "").startsWith("no suitable node")));
    expect(h.tasks("db").every((t) => t.status?.state === "PENDING" && t.nodeId === "")).toBe(true);
    expect(h.tasks("db")[0]!.status?.message).toMatch(/constraint/);
    await h.addNode("ssd1", { labels: { disk: "ssd" } });
    await h.until("2 running on ssd1", () => h.running("db").length === 2 && h.perNode("db").get("ssd1") === 2);
  });

  it("removing a service shuts its tasks down and the reaper deletes them", async () => {
    h = new Harness();
    await fiveNodes();
    h.start();
    await h.createService("web", { replicated: { replicas: 3 } });
    await h.until("3 running", () => h.running("web").length === 3);
    await h.store.update((tx) => tx.remove("service", "web"));
    await h.until("tasks deleted", () => h.tasks("web").length === 0);
  });

  it("a service marked pendingDelete: its tasks are removed, then the service itself", async () => {
    h = new Harness();
    await fiveNodes();
    h.start();
    await h.createService("web", { replicated: { replicas: 3 } });
    await h.until("3 running", () => h.running("web").length === 3);
    await h.store.updateWithRetry((tx) => {
      const s = structuredClone(tx.get("service", "web")!);
      s.pendingDelete = true;
      tx.update("service", s);
    });
    await h.until("tasks and service deleted", () => h.tasks("web").length === 0 && h.store.view((tx) => tx.get("service", "web")) === undefined);
  });

  it("a node removed from the cluster: its tasks are orphaned and replaced", async () => {
    h = new Harness();
    await fiveNodes();
    h.start();
    await h.createService("web", { replicated: { replicas: 5 } });
    await h.until("5 running", () => h.running("web").length === 5);
    const old = h.running("web").find((t) => t.nodeId === "n5")!;
    await h.store.update((tx) => tx.remove("node", "n5"));
    await h.until("5 running without n5", () => h.running("web").length === 5 && !h.perNode("web").has("n5"));
    const t = h.tasks("web").find((x) => x.id === old.id)!;
    expect([t.desiredState, t.status?.state, t.status?.message]).toEqual(["SHUTDOWN", "ORPHANED", "node removed"]);
  });

  it("a restart delay started under one leader is honoured by the next", async () => {
    h = new Harness();
    await fiveNodes();
    h.start();
    await h.createService("web", { replicated: { replicas: 1 }, task: { container: { image: "w" }, restart: { condition: "ANY", delayMs: 3_000 } } });
    await h.until("1 running", () => h.running("web").length === 1);
    const failed = h.running("web")[0]!;
    await h.report(failed.id, "FAILED", "exit status 1");
    await h.advance(2_000);
    await h.newLeader();
    await h.advance(999);
    expect(h.tasks("web")).toHaveLength(1);
    await h.advance(1);
    await h.until("restarted", () => h.running("web").length === 1 && h.running("web")[0]!.id !== failed.id);
  });

  it("a fresh set of components (new leader) converges from the store alone", async () => {
    h = new Harness();
    await fiveNodes();
    h.start();
    await h.createService("web", { replicated: { replicas: 5 } });
    await h.until("5 running", () => h.running("web").length === 5);
    await h.stop();
    // While no leader runs: scale up and lose a node.
    await h.scale("web", 7);
    await h.setNode("n1", (n) => (n.status!.state = "DOWN"));
    await h.agentRound();
    expect(h.tasks("web").filter(wantedRunning)).toHaveLength(5);
    await h.newLeader();
    await h.until("7 running off n1", () => h.running("web").length === 7 && !h.perNode("web").has("n1"));
    expect(h.tasks("web").filter(wantedRunning)).toHaveLength(7);
  });
});

describe("reconcile loop", () => {
  it("watches again after a snapshot restore ends its watch, and stop() is safe twice", async () => {
    h = new Harness();
    await fiveNodes();
    h.start();
    await h.createService("web", { replicated: { replicas: 1 } });
    await h.until("1 running", () => h.running("web").length === 1);
    h.store.restoreBytes(h.store.version, h.store.snapshotBytes());
    await h.scale("web", 3);
    await h.until("3 running after restore", () => h.running("web").length === 3);
    await h.stop();
    await h.stop();
    await h.scale("web", 4);
    await h.agentRound();
    expect(h.tasks("web").filter(wantedRunning)).toHaveLength(3);
  });
});

describe("reconcileReplicated (pure pass)", () => {
  it("writes at most MAX_WRITES_PER_TX tasks per transaction and asks to run again at once", async () => {
    h = new Harness();
    await h.createService("big", { replicated: { replicas: 2_500 } });
    const tuning = { orphanAfterMs: 0, newId: (() => { let i = 0; return () => `t${++i}`; })() };
    const wakes: (number | undefined)[] = [];
    for (let pass = 0; pass < 4; pass++) {
      await h.store.update((tx) => wakes.push(reconcileReplicated(tx, h.now, tuning).wakeAt));
      wakes.push(h.tasks("big").length);
    }
    expect(wakes).toEqual([h.now, MAX_WRITES_PER_TX, h.now, 2 * MAX_WRITES_PER_TX, undefined, 2_500, undefined, 2_500]);
    expect(new Set(h.tasks("big").map((t) => Number(t.slot))).size).toBe(2_500);
  });
});
