import { beforeEach, describe, expect, it } from "vitest";
import { createRootCA, type RootCA } from "../../ca/certs.js";
import { clusterOf, newClusterObject } from "../../ca/issuer.js";
import type { CallerIdentity } from "../../ca/tls.js";
import { makeNode } from "../../store/objects.js";
import { LocalProposer, Store } from "../../store/store.js";
import { Access, accessRefusal, authorizeCall, NO_CERTIFICATE, withRemovedNode } from "./authz.js";

const DAY = 24 * 3600_000;
let ca: RootCA | undefined;

async function seeded(): Promise<Store> {
  const proposer = new LocalProposer();
  const store = new Store({ proposer });
  proposer.attach(store);
  ca ??= await createRootCA();
  await store.update((tx) => {
    tx.create("cluster", newClusterObject(ca!, "c1"));
    tx.create("node", makeNode({ id: "m1", role: "MANAGER", spec: { desiredRole: "MANAGER" } }));
    tx.create("node", makeNode({ id: "leaving", role: "MANAGER", spec: { desiredRole: "WORKER" } }));
    tx.create("node", makeNode({ id: "promoted", role: "MANAGER", spec: { desiredRole: "MANAGER" } }));
    tx.create("node", makeNode({ id: "w1", role: "WORKER", spec: { desiredRole: "WORKER" } }));
  });
  return store;
}

const as = (nodeId: string, role: "manager" | "worker" = "manager"): CallerIdentity => ({ nodeId, role, clusterId: "c1" });

describe("accessRefusal: what the store says the caller is now", () => {
  let store: Store;
  beforeEach(async () => {
    store = await seeded();
  });
  const refusal = (who: CallerIdentity, need: Access): string | null => store.view((tx) => accessRefusal(tx, who, need));

  it("lets a current manager make manager calls and any current member make member calls", () => {
    expect(refusal(as("m1"), Access.Manager)).toBeNull();
    expect(refusal(as("w1", "worker"), Access.Member)).toBeNull();
    expect(refusal(as("leaving"), Access.Member)).toBeNull();
  });

  it("refuses manager calls by the store's role, not the certificate's", () => {
    expect(refusal(as("w1"), Access.Manager)).toBe("node w1 is a worker; this needs a manager");
    expect(refusal(as("leaving"), Access.Manager)).toBe("node leaving is being demoted to worker; this needs a manager");
    expect(refusal(as("promoted", "worker"), Access.Manager)).toMatch(/^node promoted presented a worker certificate; this needs a manager certificate/);
  });

  it("refuses unknown nodes, and removed nodes with their own reason even while the record still exists", async () => {
    expect(refusal(as("ghost"), Access.Member)).toBe("node ghost is not a member of this cluster");
    await store.update((tx) => tx.update("cluster", withRemovedNode(clusterOf(tx), tx.get("node", "w1")!, 1000)));
    expect(store.view((tx) => tx.get("node", "w1"))).toBeDefined();
    expect(refusal(as("w1", "worker"), Access.Member)).toBe("node w1 was removed from the cluster");
    expect(refusal(as("w1"), Access.Manager)).toBe("node w1 was removed from the cluster");
  });

  it("authorizeCall refuses a call without a verified certificate before looking at the store", () => {
    expect(() => authorizeCall(store, { getAuthContext: () => ({}) }, Access.Member)).toThrow(NO_CERTIFICATE);
    expect(authorizeCall(store, { getAuthContext: () => ({ sslPeerCertificate: { subject: { CN: "m1", OU: "swarm-manager", O: "c1" } } as never }) }, Access.Manager)).toEqual(as("m1"));
  });
});

describe("withRemovedNode", () => {
  it("records the node with its certificate's expiry, once, and drops entries whose certificates expired", async () => {
    const store = await seeded();
    const cluster = store.view(clusterOf);
    const node = (id: string, expiresAt: number) => makeNode({ id, certificate: { expiresAt } });
    let next = withRemovedNode(cluster, node("a", 10 * DAY), 1 * DAY);
    next = withRemovedNode(next, node("b", 0), 2 * DAY);
    next = withRemovedNode(next, node("a", 12 * DAY), 3 * DAY);
    expect(next.removedNodes).toEqual([
      { nodeId: "b", removedAt: 2 * DAY, expiresAt: 0 },
      { nodeId: "a", removedAt: 3 * DAY, expiresAt: 12 * DAY },
    ]);
    next = withRemovedNode(next, node("c", 40 * DAY), 20 * DAY);
    expect(next.removedNodes.map((r) => r.nodeId)).toEqual(["b", "c"]);
    expect(cluster.removedNodes).toEqual([]);
  });
});
