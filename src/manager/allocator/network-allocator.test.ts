import { describe, expect, it } from "vitest";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import { silentLogger } from "../../lib/logger.js";
import { makeTask } from "../../store/objects.js";
import { LocalProposer, Store } from "../../store/store.js";
import { testNode } from "../scheduler/testing/fixtures.js";
import { buildRoutes } from "../routes.js";
import { isAssignable } from "../dispatcher.js";
import { allocateNetworks, NetworkAllocator } from "./network-allocator.js";

function store(): Store {
  const proposer = new LocalProposer();
  const s = new Store({ proposer });
  proposer.attach(s);
  return s;
}

function task(id: string, nodeId: string, state: "PENDING" | "ASSIGNED" | "RUNNING" | "FAILED" = "ASSIGNED"): Task__Output {
  return makeTask({ id, serviceId: "svc", nodeId, desiredState: "RUNNING", status: { state, timestamp: 1 }, spec: { container: { image: "demo/web:1" } } });
}

describe("network allocator", () => {
  it("gives each node a subnet from the cluster pool (avoiding underlay addresses) and each placed task an address", async () => {
    const s = store();
    await s.update((tx) => {
      tx.create("cluster", { id: "c", spec: { defaultAddrPool: ["10.213.0.0/23"], subnetSize: 24 } } as never);
      tx.create("node", { ...testNode("n1"), status: { state: "READY", message: "", addr: "10.213.0.11:2377" } });
      tx.create("node", testNode("n2"));
      tx.create("task", task("t1", "n1"));
      tx.create("task", task("t2", "n1"));
      tx.create("task", task("t3", "")); // not placed yet
    });
    expect(isAssignable(s.view((tx) => tx.get("task", "t1")!))).toBe(false); // held back until addressed
    await s.update((tx) => void allocateNetworks(tx));
    const v = s.view((tx) => ({ n1: tx.get("node", "n1")!, n2: tx.get("node", "n2")!, t1: tx.get("task", "t1")!, t2: tx.get("task", "t2")!, t3: tx.get("task", "t3")! }));
    expect(v.n1.taskSubnet).toBe("10.213.1.0/24"); // 10.213.0.0/24 holds n1's underlay address
    expect(v.n2.taskSubnet).toBe(""); // pool exhausted
    expect(v.t1.networks).toEqual([{ networkId: "overlay", addresses: ["10.213.1.2/24"], gateway: "10.213.1.1" }]);
    expect(v.t2.networks[0]?.addresses).toEqual(["10.213.1.3/24"]);
    expect(v.t3.networks).toEqual([]);
    expect(isAssignable(v.t1)).toBe(true);
    // A second pass changes nothing.
    let changed = -1;
    await s.update((tx) => void (changed = allocateNetworks(tx)));
    expect(changed).toBe(0);
  });

  it("as a leader loop, addresses a task created later; the routes map lists routable tasks only", async () => {
    const s = store();
    await s.update((tx) => {
      tx.create("node", { ...testNode("n1"), status: { state: "READY", message: "", addr: "192.168.5.1:2377" } });
      tx.create("service", { id: "svc", spec: { annotations: { name: "web" }, endpoint: { ports: [{ publishedPort: 8080, targetPort: 80 }] } }, endpoint: { ports: [{ publishedPort: 8080, targetPort: 80 }] } } as never);
    });
    const loop = new NetworkAllocator({ store: s, logger: silentLogger() });
    loop.start();
    try {
      await s.update((tx) => tx.create("task", task("t1", "n1")));
      const deadline = Date.now() + 5000;
      while (s.view((tx) => tx.get("task", "t1")!.networks.length) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(s.view((tx) => tx.get("task", "t1")!.networks[0]?.addresses)).toEqual(["10.0.0.2/24"]);
      expect(s.view((tx) => buildRoutes(tx)).services?.[0]?.backends).toEqual([]); // not RUNNING yet
      await s.updateWithRetry((tx) => {
        const t = structuredClone(tx.get("task", "t1")!);
        t.status = { ...t.status!, state: "RUNNING", health: "HEALTH_STARTING" };
        tx.update("task", t);
      });
      expect(s.view((tx) => buildRoutes(tx)).services?.[0]?.backends).toEqual([]); // health check not passed yet
      await s.updateWithRetry((tx) => {
        const t = structuredClone(tx.get("task", "t1")!);
        t.status = { ...t.status!, health: "HEALTHY" };
        tx.update("task", t);
      });
      const routes = s.view((tx) => buildRoutes(tx));
      expect(routes.peers).toEqual([{ nodeId: "n1", addr: "192.168.5.1", taskSubnet: "10.0.0.0/24" }]);
      expect(routes.services?.[0]?.backends).toEqual([{ taskId: "t1", nodeId: "n1", addr: "10.0.0.2" }]);
      await s.updateWithRetry((tx) => {
        const t = structuredClone(tx.get("task", "t1")!);
        t.desiredState = "SHUTDOWN";
        tx.update("task", t);
      });
      expect(s.view((tx) => buildRoutes(tx)).services?.[0]?.backends).toEqual([]); // stopping: out of the mesh at once
    } finally {
      await loop.stop();
    }
  });
});
