import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../lib/logger.js";
import { LocalProposer, Store } from "../../store/store.js";
import { testNode, testTask } from "./testing/fixtures.js";
import { recentFailuresOf, SchedulerLoop } from "./loop.js";

let loop: SchedulerLoop | undefined;
afterEach(async () => {
  await loop?.stop();
  loop = undefined;
});

function setup(): { store: Store; now: { t: number } } {
  const now = { t: 1_000_000 };
  const proposer = new LocalProposer();
  const store = new Store({ proposer, now: () => now.t });
  proposer.attach(store);
  loop = new SchedulerLoop({ store, logger: silentLogger(), clock: () => now.t });
  return { store, now };
}

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("scheduler loop", () => {
  it("assigns a batch of pending tasks in one transaction, spread over the nodes", async () => {
    const { store } = setup();
    await store.update((tx) => {
      for (let i = 1; i <= 4; i++) tx.create("node", testNode(`n${i}`));
      for (let i = 1; i <= 12; i++) tx.create("task", testTask(`t${i}`, { serviceId: "web", slot: i }));
    });
    loop!.start();
    const tasks = () => store.view((tx) => tx.list("task"));
    await until("all assigned", () => tasks().every((t) => t.status?.state === "ASSIGNED"));
    const versions = new Set(tasks().map((t) => t.meta?.version));
    expect(versions.size).toBe(1);
    expect(tasks().every((t) => t.status?.message === "scheduled" && t.status.timestamp === 1_000_000)).toBe(true);
    const perNode = new Map<string, number>();
    for (const t of tasks()) perNode.set(t.nodeId, (perNode.get(t.nodeId) ?? 0) + 1);
    expect([...perNode.values()]).toEqual([3, 3, 3, 3]);
  });

  it("explains unplaceable tasks once (no rewrite loop) and places them when a node fits", async () => {
    const { store } = setup();
    const big = { container: { image: "x" }, resources: { reservations: { memoryBytes: 64 * 1024 ** 3 } } };
    await store.update((tx) => {
      tx.create("node", testNode("small"));
      tx.create("task", testTask("t1", { serviceId: "db", spec: big }));
      // A global task pre-assigned to a node that cannot hold it.
      tx.create("task", testTask("g1", { serviceId: "mon", nodeId: "small", state: "PENDING", spec: big }));
    });
    loop!.start();
    const task = (id: string) => store.view((tx) => tx.get("task", id))!;
    await until("explained", () => task("t1").status?.message !== "" && task("g1").status?.message !== "");
    expect(task("t1").status?.message).toBe("no suitable node (insufficient memory on 1 node)");
    expect(task("g1").status?.message).toMatch(/^no suitable node/);
    expect(task("t1").status?.state).toBe("PENDING");
    const version = store.version;
    await loop!.reconcile();
    await loop!.reconcile();
    expect(store.version).toBe(version);
    await store.update((tx) => tx.create("node", testNode("large", { memoryBytes: 128 * 1024 ** 3 })));
    await until("placed on large", () => task("t1").status?.state === "ASSIGNED");
    expect(task("t1").nodeId).toBe("large");
    expect(task("g1").status?.state).toBe("PENDING");
  });

  it("derives nodes with recent failures of a service from failed tasks in the store", () => {
    const failed = (id: string, nodeId: string, at: number) => {
      const t = testTask(id, { serviceId: "web", nodeId, state: "FAILED" });
      return { ...t, meta: { version: 1, createdAt: at, updatedAt: at } };
    };
    const tasks = [...[1, 2, 3, 4, 5].map((i) => failed(`a${i}`, "bad", 1_000 + i)), failed("b1", "ok", 1_000)];
    expect(recentFailuresOf(tasks, 2_000).get("web")).toEqual(new Set(["bad"]));
    expect(recentFailuresOf(tasks, 1_000 + 10 * 60_000).get("web")).toBeUndefined();
  });
});
