// The dispatcher's edge over real mTLS on loopback: a removed node's still-valid certificate gets
// nothing (no heartbeat answer, so no gossip key; no assignments; no routes), and the address a
// heartbeat reports is validated and rate-limited.
import { Server, status, type ClientReadableStream } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DispatcherClient } from "../gen/swarm/dispatcher/Dispatcher.js";
import type { HeartbeatResponse__Output } from "../gen/swarm/dispatcher/HeartbeatResponse.js";
import { createNodeKeyAndCsr, createRootCA, signNodeCertificate, type NodeRole, type RootCA } from "../ca/certs.js";
import { newClusterObject } from "../ca/issuer.js";
import { managerChannelCredentials, MANAGER_TARGET_OPTIONS, serverCredentials, TlsIdentityProvider } from "../ca/tls.js";
import { silentLogger, type Logger } from "../lib/logger.js";
import { callUnary } from "../rpc/grpc.js";
import { protos } from "../rpc/services.js";
import { makeNode } from "../store/objects.js";
import { LocalProposer, Store } from "../store/store.js";
import { removeNode } from "./controlapi/nodes.js";
import { Dispatcher } from "./dispatcher.js";

async function identity(ca: RootCA, nodeId: string, role: NodeRole): Promise<TlsIdentityProvider> {
  const k = await createNodeKeyAndCsr();
  const certPem = await signNodeCertificate(ca, k.csrPem, { nodeId, role, clusterId: "c1" });
  return new TlsIdentityProvider({ caCertPem: ca.certPem, certPem, keyPem: k.keyPem });
}

async function seeded(ca: RootCA): Promise<Store> {
  const proposer = new LocalProposer();
  const store = new Store({ proposer });
  proposer.attach(store);
  await store.update((tx) => {
    tx.create("cluster", newClusterObject(ca, "c1"));
    tx.create("node", makeNode({ id: "m1", role: "MANAGER", spec: { desiredRole: "MANAGER" }, status: { state: "READY", addr: "10.0.0.1:2377" } }));
    tx.create("node", makeNode({ id: "w5", role: "WORKER", spec: { desiredRole: "WORKER" }, status: { state: "READY", addr: "10.0.0.5:2377" } }));
    tx.create("node", makeNode({ id: "w6", role: "WORKER", spec: { desiredRole: "WORKER" }, status: { state: "READY", addr: "10.0.0.6:2377" } }));
  });
  return store;
}

/** A logger that keeps its lines (pino-compatible calls only as the dispatcher makes them). */
function recording(lines: string[]): Logger {
  const base = silentLogger();
  const keep = (level: string) => (obj: unknown, msg?: string) => {
    lines.push(`${level} ${msg ?? ""} ${JSON.stringify(obj)}`);
  };
  return Object.assign(Object.create(base) as Logger, { info: keep("info"), warn: keep("warn") });
}

/** The first message of a server stream, or its error. */
function firstOf<T>(stream: ClientReadableStream<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    stream.once("data", (m: T) => {
      resolve(m);
      stream.cancel();
    });
    stream.once("error", reject);
  });
}

describe("dispatcher over mTLS: removed nodes get nothing", () => {
  let ca: RootCA;
  let store: Store;
  const server = new Server();
  let w6: DispatcherClient;
  let w5: DispatcherClient;

  beforeAll(async () => {
    ca = await createRootCA();
    store = await seeded(ca);
    new Dispatcher({ store, periodMs: () => 5000, leadership: () => ({ isLeader: true, leaderAddr: "" }), managers: () => ["10.0.0.1:2377"], logger: silentLogger() }).addTo(server);
    const serverId = await identity(ca, "m1", "manager");
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", serverCredentials(serverId), (err, p) => (err ? reject(err) : resolve(p))));
    const addr = `127.0.0.1:${port}`;
    w6 = new protos.dispatcher.Dispatcher(addr, managerChannelCredentials(await identity(ca, "w6", "worker")), MANAGER_TARGET_OPTIONS);
    w5 = new protos.dispatcher.Dispatcher(addr, managerChannelCredentials(await identity(ca, "w5", "worker")), MANAGER_TARGET_OPTIONS);
  });
  afterAll(() => {
    w6.close();
    w5.close();
    server.forceShutdown();
  });

  const heartbeat = (c: DispatcherClient, addr: string) => callUnary<HeartbeatResponse__Output>((md, o, cb) => c.Heartbeat({ addr, hostname: "h" }, md, o, cb));

  it("answers a member's heartbeat with the gossip key; after `node rm` refuses it, its assignments and routes", async () => {
    const before = await heartbeat(w6, "10.0.0.6:2377");
    expect(before.gossipKeys).toHaveLength(1);
    expect((await firstOf(w6.Assignments({}))).type).toBe("COMPLETE");
    await removeNode(store, "w6", true);
    const removed = { code: "PERMISSION_DENIED", message: "node w6 was removed from the cluster" };
    await expect(heartbeat(w6, "10.0.0.6:2377")).rejects.toMatchObject(removed);
    await expect(firstOf(w6.Assignments({}))).rejects.toMatchObject({ code: status.PERMISSION_DENIED, details: removed.message });
    await expect(firstOf(w6.Routes({}))).rejects.toMatchObject({ code: status.PERMISSION_DENIED, details: removed.message });
    await expect(callUnary((md, o, cb) => w6.UpdateTaskStatus({ updates: [] }, md, o, cb))).rejects.toMatchObject(removed);
    // Still refused once the node's record is gone, by the removed list every manager replicates.
    expect(store.view((tx) => tx.get("node", "w6"))).toBeUndefined();
    expect(store.view((tx) => tx.list("cluster")[0]?.removedNodes.map((r) => r.nodeId))).toEqual(["w6"]);
  });

  it("refuses a heartbeat whose address would inject arguments, and leaves the node's address alone", async () => {
    const version = store.view((tx) => tx.get("node", "w5")!.meta!.version);
    await expect(heartbeat(w5, "10.0.0.1 dev lo")).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: 'addr: "10.0.0.1 dev lo" is not an IP address or IP:port' });
    const node = store.view((tx) => tx.get("node", "w5")!);
    expect(node.status?.addr).toBe("10.0.0.5:2377");
    expect(node.meta?.version).toBe(version);
  });
});

describe("Dispatcher.heartbeat address changes", () => {
  it("takes one change per node per interval, ignores (and logs) faster ones, then takes the next", async () => {
    const ca = await createRootCA();
    const store = await seeded(ca);
    let now = 1_000_000;
    const lines: string[] = [];
    const d = new Dispatcher({
      store,
      periodMs: () => 5000,
      leadership: () => ({ isLeader: true, leaderAddr: "" }),
      managers: () => [],
      logger: recording(lines),
      now: () => now,
      addrChangeIntervalMs: 60_000,
    });
    const addrOf = (id: string) => store.view((tx) => tx.get("node", id)?.status?.addr);
    await d.heartbeat("w5", "10.0.0.5:2377");
    expect(addrOf("w5")).toBe("10.0.0.5:2377");
    await d.heartbeat("w5", "10.0.0.50:2377");
    expect(addrOf("w5")).toBe("10.0.0.50:2377");
    now += 59_000;
    await d.heartbeat("w5", "10.0.0.51:2377");
    expect(addrOf("w5")).toBe("10.0.0.50:2377");
    expect(lines.filter((l) => l.includes("node address change ignored"))).toHaveLength(1);
    expect(lines.find((l) => l.includes("node address change ignored"))).toContain('"retryInMs":1000');
    // Another node is not held back by w5's change.
    await d.heartbeat("w6", "10.0.0.60:2377");
    expect(addrOf("w6")).toBe("10.0.0.60:2377");
    now += 1_000;
    await d.heartbeat("w5", "10.0.0.51:2377");
    expect(addrOf("w5")).toBe("10.0.0.51:2377");
    expect(lines.filter((l) => l.includes("node address changed")).map((l) => JSON.parse(l.slice(l.indexOf("{"))) as unknown)).toEqual([
      { nodeId: "w5", from: "10.0.0.5:2377", to: "10.0.0.50:2377" },
      { nodeId: "w6", from: "10.0.0.6:2377", to: "10.0.0.60:2377" },
      { nodeId: "w5", from: "10.0.0.50:2377", to: "10.0.0.51:2377" },
    ]);
  });
});
