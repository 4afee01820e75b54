import { describe, expect, it } from "vitest";
import { LocalProposer, Store, type Proposer } from "./store.js";
import { makeService, makeTask, makeNode } from "./objects.js";
import { StoreError } from "./errors.js";
import type { StoreEvent } from "./types.js";

function localStore(now = () => 1_000): Store {
  const proposer = new LocalProposer();
  const store = new Store({ proposer, now });
  proposer.attach(store);
  return store;
}

const web = (id = "svc1", name = "web") =>
  makeService({ id, spec: { annotations: { name }, replicated: { replicas: 3 } } });

describe("Store", () => {
  it("creates objects stamped with the apply index and the proposer's clock", async () => {
    const store = localStore(() => 42);
    const { version } = await store.update((tx) => tx.create("service", web()));
    const svc = store.view((tx) => tx.get("service", "svc1"));
    expect(version).toBe(1);
    expect(svc?.meta).toEqual({ version: 1, createdAt: 42, updatedAt: 42 });
    expect(svc?.spec?.annotations?.name).toBe("web");
    expect(Object.isFrozen(svc)).toBe(true);
  });

  it("refuses an update carrying a stale version, and applies nothing of that transaction", async () => {
    const store = localStore();
    await store.update((tx) => tx.create("service", web()));
    const read = structuredClone(store.view((tx) => tx.get("service", "svc1"))!);
    await store.update((tx) => {
      const s = structuredClone(tx.get("service", "svc1")!);
      s.spec!.replicated = { replicas: 5 };
      tx.update("service", s);
    });
    read.spec!.replicated = { replicas: 1 };
    const err = await store
      .update((tx) => {
        tx.create("task", makeTask({ id: "t1", serviceId: "svc1" }));
        tx.update("service", read);
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe("STORE_VERSION_CONFLICT");
    expect((err as StoreError).message).toMatch(/service svc1: update out of sequence \(read version 1, current 2\)/);
    expect(store.view((tx) => tx.get("task", "t1"))).toBeUndefined();
    expect(store.view((tx) => tx.get("service", "svc1"))?.spec?.replicated?.replicas).toBe(5);
  });

  it("keeps service names unique, also within one transaction", async () => {
    const store = localStore();
    await store.update((tx) => tx.create("service", web("a", "web")));
    await expect(store.update((tx) => tx.create("service", web("b", "web")))).rejects.toThrow(/service name "web" is already in use by service a/);
    await expect(store.update((tx) => { tx.create("service", web("c", "api")); tx.create("service", web("d", "api")); })).rejects.toThrow(/"api" is already in use by service c/);
    // Renaming frees the old name in the same transaction.
    await store.update((tx) => {
      const a = structuredClone(tx.get("service", "a")!);
      a.spec!.annotations!.name = "web2";
      tx.update("service", a);
      tx.create("service", web("e", "web"));
    });
    expect(store.view((tx) => tx.serviceByName("web"))?.id).toBe("e");
    expect(store.view((tx) => tx.serviceByName("web2"))?.id).toBe("a");
  });

  it("indexes tasks by service and node, following updates and removals", async () => {
    const store = localStore();
    await store.update((tx) => {
      tx.create("task", makeTask({ id: "t1", serviceId: "s1", nodeId: "n1" }));
      tx.create("task", makeTask({ id: "t2", serviceId: "s1", nodeId: "n2" }));
      tx.create("task", makeTask({ id: "t3", serviceId: "s2" }));
    });
    expect(store.view((tx) => tx.tasksOfService("s1").map((t) => t.id).sort())).toEqual(["t1", "t2"]);
    await store.update((tx) => {
      const t3 = structuredClone(tx.get("task", "t3")!);
      t3.nodeId = "n1";
      tx.update("task", t3);
      tx.remove("task", "t1");
    });
    expect(store.view((tx) => tx.tasksOnNode("n1").map((t) => t.id))).toEqual(["t3"]);
    expect(store.view((tx) => tx.tasksOfService("s1").map((t) => t.id))).toEqual(["t2"]);
  });

  it("streams create/update/remove events to watchers and viewAndWatch misses nothing", async () => {
    const store = localStore();
    await store.update((tx) => tx.create("node", makeNode({ id: "n1" })));
    const [nodes, watcher] = store.viewAndWatch((tx) => tx.list("node").length, { filter: (e) => e.kind === "node" });
    expect(nodes).toBe(1);
    await store.update((tx) => tx.create("node", makeNode({ id: "n2" })));
    await store.update((tx) => tx.create("task", makeTask({ id: "t1", serviceId: "s" })));
    await store.update((tx) => tx.remove("node", "n1"));
    const seen: string[] = [];
    for await (const e of watcher) {
      seen.push(`${e.type}:${e.object.id}@${e.version}`);
      if (seen.length === 2) watcher.close();
    }
    expect(seen).toEqual(["create:n2@2", "remove:n1@4"]);
  });

  it("closes a watcher that falls behind instead of buffering without bound", async () => {
    const store = localStore();
    const watcher = store.watch({ bufferSize: 2 });
    for (let i = 0; i < 3; i++) await store.update((tx) => tx.create("node", makeNode({ id: `n${i}` })));
    await expect(watcher.next()).rejects.toThrow(/fell 2 events behind/);
  });

  it("snapshots and restores the whole store", async () => {
    const a = localStore();
    await a.update((tx) => {
      tx.create("service", web());
      tx.create("task", makeTask({ id: "t1", serviceId: "svc1", nodeId: "n1", status: { state: "RUNNING" } }));
    });
    const b = localStore();
    b.restoreBytes(a.version, a.snapshotBytes());
    expect(b.version).toBe(1);
    expect(b.view((tx) => tx.get("task", "t1"))?.status?.state).toBe("RUNNING");
    expect(b.view((tx) => tx.tasksOnNode("n1")).length).toBe(1);
    expect(b.view((tx) => tx.serviceByName("web"))?.id).toBe("svc1");
    await expect(b.update((tx) => tx.create("service", web("x", "web")))).rejects.toThrow(/already in use/);
  });

  it("applies the same log identically on two replicas, refusals included", async () => {
    const log: Uint8Array[] = [];
    const recorder: Proposer & { store?: Store } = {
      async propose(data) {
        log.push(data);
        return recorder.store!.applyEntry(log.length, data);
      },
    };
    const leader = new Store({ proposer: recorder, now: () => 7 });
    recorder.store = leader;
    await leader.update((tx) => tx.create("service", web()));
    await leader.update((tx) => tx.create("service", web("dup", "web"))).catch(() => undefined);
    await leader.update((tx) => tx.create("task", makeTask({ id: "t", serviceId: "svc1" })));
    const follower = localStore();
    const events: StoreEvent[] = [];
    const w = follower.watch();
    log.forEach((entry, i) => follower.applyEntry(i + 1, entry));
    w.close();
    for await (const e of w) events.push(e);
    expect(follower.snapshotBytes()).toEqual(leader.snapshotBytes());
    expect(events.map((e) => `${e.type}:${e.object.id}`)).toEqual(["create:svc1", "create:t"]);
  });

  it("refuses malformed transactions and entries applied out of order", async () => {
    const store = localStore();
    await expect(store.update((tx) => tx.create("service", makeService({ id: "s" })))).rejects.toThrow(/spec.annotations.name is empty/);
    await expect(store.update((tx) => tx.create("task", makeTask({ id: "" })))).rejects.toThrow(/task without an id/);
    await expect(store.update((tx) => tx.remove("node", "ghost"))).rejects.toThrow(/node ghost not found/);
    const outcome = store.applyEntry(1, new Uint8Array());
    expect(outcome.ok).toBe(false);
    expect(() => store.applyEntry(99, Uint8Array.from([0xff, 0xff, 0xff]))).toThrow(/cannot decode swarm.store.StoreTransaction/);
  });
});

describe("Store.updateWithRetry", () => {
  it("re-reads and succeeds after a concurrent write made the first attempt stale", async () => {
    const proposer = new LocalProposer();
    const store = new Store({ proposer });
    proposer.attach(store);
    await store.update((tx) => tx.create("node", makeNode({ id: "n1", spec: { availability: "ACTIVE" } })));
    let runs = 0;
    await store.updateWithRetry((tx) => {
      runs++;
      const n = structuredClone(tx.get("node", "n1")!);
      if (runs === 1) {
        // A concurrent writer lands between this read and the commit.
        void store.update((t2) => {
          const m = structuredClone(t2.get("node", "n1")!);
          m.spec!.annotations = { name: "renamed", labels: {} };
          t2.update("node", m);
        });
      }
      n.status = { state: "READY", message: "", addr: "a" };
      tx.update("node", n);
    });
    expect(runs).toBe(2);
    const n1 = store.view((tx) => tx.get("node", "n1"))!;
    expect(n1.status?.state).toBe("READY");
    expect(n1.spec?.annotations?.name).toBe("renamed");
  });
});
