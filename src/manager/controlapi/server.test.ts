import { credentials, Server, ServerCredentials, status } from "@grpc/grpc-js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ControlClient } from "../../gen/swarm/control/Control.js";
import type { ListNodesResponse__Output } from "../../gen/swarm/control/ListNodesResponse.js";
import type { UpdateNodeResponse__Output } from "../../gen/swarm/control/UpdateNodeResponse.js";
import type { GetClusterResponse__Output } from "../../gen/swarm/control/GetClusterResponse.js";
import type { UpdateClusterResponse__Output } from "../../gen/swarm/control/UpdateClusterResponse.js";
import { callUnary } from "../../rpc/grpc.js";
import { makeNode, makeTask } from "../../store/objects.js";
import type { WatchMessage__Output } from "../../gen/swarm/control/WatchMessage.js";
import { LocalProposer, Store } from "../../store/store.js";
import { createNodeKeyAndCsr, createRootCA, signNodeCertificate, type NodeRole, type RootCA } from "../../ca/certs.js";
import { clusterOf, newClusterObject } from "../../ca/issuer.js";
import { gossipKeysForNodes } from "../../gossip/key-rotation.js";
import { managerChannelCredentials, MANAGER_TARGET_OPTIONS, serverCredentials, TlsIdentityProvider } from "../../ca/tls.js";
import { addControlService, localSocket, managersOnly } from "./server.js";
import { protos } from "../../rpc/services.js";

async function identity(ca: RootCA, nodeId: string, role: NodeRole): Promise<TlsIdentityProvider> {
  const k = await createNodeKeyAndCsr();
  const certPem = await signNodeCertificate(ca, k.csrPem, { nodeId, role, clusterId: "c1" });
  return new TlsIdentityProvider({ caCertPem: ca.certPem, certPem, keyPem: k.keyPem });
}

function bind(server: Server, addr: string, creds: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(addr, creds, (err, port) => (err ? reject(err) : resolve(port))));
}

describe("Control API over mTLS and the unix socket", () => {
  let store: Store;
  let ca: RootCA;
  const tcp = new Server();
  const local = new Server();
  let tcpAddr = "";
  let dir = "";
  let manager: ControlClient;
  let worker: ControlClient;
  let unix: ControlClient;

  beforeAll(async () => {
    const proposer = new LocalProposer();
    store = new Store({ proposer });
    proposer.attach(store);
    ca = await createRootCA();
    await store.update((tx) => {
      tx.create("cluster", newClusterObject(ca, "c1"));
      tx.create("node", makeNode({ id: "aaa111", description: { hostname: "h1" }, role: "MANAGER", spec: { desiredRole: "MANAGER" }, status: { state: "READY" } }));
      tx.create("node", makeNode({ id: "bbb222", description: { hostname: "h4" }, role: "WORKER", status: { state: "READY" } }));
      tx.create("node", makeNode({ id: "bbb333", description: { hostname: "h5" }, role: "WORKER", status: { state: "DOWN" } }));
    });
    addControlService(tcp, store, managersOnly(store));
    addControlService(local, store, localSocket);
    const serverId = await identity(ca, "aaa111", "manager");
    tcpAddr = `127.0.0.1:${await bind(tcp, "127.0.0.1:0", serverCredentials(serverId))}`;
    dir = mkdtempSync(join(tmpdir(), "swarm-ctl-"));
    await bind(local, `unix://${dir}/swarmd.sock`, ServerCredentials.createInsecure());
    manager = new protos.control.Control(tcpAddr, managerChannelCredentials(await identity(ca, "aaa111", "manager")), MANAGER_TARGET_OPTIONS);
    worker = new protos.control.Control(tcpAddr, managerChannelCredentials(await identity(ca, "bbb222", "worker")), MANAGER_TARGET_OPTIONS);
    unix = new protos.control.Control(`unix://${dir}/swarmd.sock`, credentials.createInsecure());
  });

  afterAll(() => {
    for (const c of [manager, worker, unix]) c.close();
    tcp.forceShutdown();
    local.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = (c: ControlClient) => callUnary<ListNodesResponse__Output>((md, o, cb) => c.ListNodes({}, md, o, cb));

  it("lists nodes for a manager certificate and over the local socket", async () => {
    expect((await list(manager)).nodes.map((n) => n.description?.hostname).sort()).toEqual(["h1", "h4", "h5"]);
    expect((await list(unix)).nodes).toHaveLength(3);
  });

  it("refuses a worker certificate with PERMISSION_DENIED", async () => {
    await expect(list(worker)).rejects.toMatchObject({ code: "PERMISSION_DENIED", message: "node bbb222 is a worker; this needs a manager" });
  });

  it("refuses a demoted manager's and a removed node's still-valid manager certificates, naming the node", async () => {
    await store.update((tx) => {
      tx.create("node", makeNode({ id: "ccc444", description: { hostname: "h6" }, role: "MANAGER", spec: { desiredRole: "MANAGER" }, status: { state: "DOWN" } }));
    });
    const former = new protos.control.Control(tcpAddr, managerChannelCredentials(await identity(ca, "ccc444", "manager")), MANAGER_TARGET_OPTIONS);
    try {
      expect((await list(former)).nodes).toHaveLength(4);
      const node = store.view((tx) => tx.get("node", "ccc444"))!;
      await callUnary((md, o, cb) => unix.UpdateNode({ nodeId: "ccc444", nodeVersion: node.meta!.version, spec: { ...node.spec!, desiredRole: "WORKER" } }, md, o, cb));
      await expect(list(former)).rejects.toMatchObject({ code: "PERMISSION_DENIED", message: "node ccc444 is being demoted to worker; this needs a manager" });
      await store.update((tx) => tx.update("node", { ...structuredClone(tx.get("node", "ccc444")!), role: "WORKER" }));
      await expect(list(former)).rejects.toMatchObject({ code: "PERMISSION_DENIED", message: "node ccc444 is a worker; this needs a manager" });
      await callUnary((md, o, cb) => unix.RemoveNode({ nodeId: "ccc444" }, md, o, cb));
      await expect(list(former)).rejects.toMatchObject({ code: "PERMISSION_DENIED", message: "node ccc444 was removed from the cluster" });
      const cluster = store.view((tx) => tx.list("cluster")[0]!);
      expect(cluster.removedNodes.map((r) => r.nodeId)).toEqual(["ccc444"]);
      expect(store.view((tx) => tx.list("node")).map((n) => n.id).sort()).toEqual(["aaa111", "bbb222", "bbb333"]);
    } finally {
      former.close();
    }
  });

  it("updates availability and labels with the version read, refuses a stale version", async () => {
    const node = (await list(unix)).nodes.find((n) => n.id === "bbb222")!;
    const spec = { ...node.spec!, availability: "DRAIN" as const, annotations: { name: "", labels: { zone: "a" } } };
    const res = await callUnary<UpdateNodeResponse__Output>((md, o, cb) => unix.UpdateNode({ nodeId: "h4", nodeVersion: node.meta!.version, spec }, md, o, cb));
    expect(res.node?.spec).toMatchObject({ availability: "DRAIN", annotations: { labels: { zone: "a" } } });
    await expect(
      callUnary((md, o, cb) => unix.UpdateNode({ nodeId: "bbb222", nodeVersion: node.meta!.version, spec }, md, o, cb)),
    ).rejects.toThrow(/update out of sequence/);
    await expect(
      callUnary((md, o, cb) => unix.UpdateNode({ nodeId: "bbb222", nodeVersion: res.node!.meta!.version, spec: { ...spec, availability: 7 as never } }, md, o, cb)),
    ).rejects.toThrow(/spec.availability/);
  });

  it("resolves ambiguous prefixes with a clear error", async () => {
    await expect(callUnary((md, o, cb) => unix.GetNode({ nodeId: "bbb" }, md, o, cb))).rejects.toThrow(/node "bbb" is ambiguous: 2 ids start with it/);
    await expect(callUnary((md, o, cb) => unix.GetNode({ nodeId: "zzz" }, md, o, cb))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("removes only down workers unless forced; managers must be demoted first", async () => {
    await expect(callUnary((md, o, cb) => unix.RemoveNode({ nodeId: "h1", force: true }, md, o, cb))).rejects.toThrow(/demote it before removing it/);
    await expect(callUnary((md, o, cb) => unix.RemoveNode({ nodeId: "bbb222" }, md, o, cb))).rejects.toThrow(/is not down and can't be removed/);
    const keysBefore = gossipKeysForNodes(store.view(clusterOf));
    await callUnary((md, o, cb) => unix.RemoveNode({ nodeId: "bbb333" }, md, o, cb));
    expect((await list(unix)).nodes.map((n) => n.id).sort()).toEqual(["aaa111", "bbb222"]);
    // The removed node knew the gossip key: a new one sends, the old one is only the previous key.
    const keysAfter = gossipKeysForNodes(store.view(clusterOf));
    expect(keysAfter).toHaveLength(2);
    expect(keysAfter[0]?.equals(keysBefore[0]!)).toBe(false);
    expect(keysAfter[1]?.equals(keysBefore[0]!)).toBe(true);
  });

  it("never returns the CA key, and rotates a join token", async () => {
    const got = await callUnary<GetClusterResponse__Output>((md, o, cb) => manager.GetCluster({}, md, o, cb));
    expect(got.cluster?.rootCa?.caKeyPem.length).toBe(0);
    expect(got.cluster?.rootCa?.caCertPem.toString()).toContain("BEGIN CERTIFICATE");
    const before = got.cluster!.rootCa!.joinTokens!;
    const rotated = await callUnary<UpdateClusterResponse__Output>((md, o, cb) =>
      unix.UpdateCluster({ clusterVersion: got.cluster!.meta!.version, rotation: { workerJoinToken: true } }, md, o, cb),
    );
    expect(rotated.cluster?.rootCa?.joinTokens?.worker).not.toBe(before.worker);
    expect(rotated.cluster?.rootCa?.joinTokens?.manager).toBe(before.manager);
    expect(rotated.cluster?.rootCa?.caKeyPem.length).toBe(0);
  });

  it("rotates the gossip key on demand, and never shows gossip keys to clients", async () => {
    const before = gossipKeysForNodes(store.view(clusterOf));
    const got = await callUnary<GetClusterResponse__Output>((md, o, cb) => manager.GetCluster({}, md, o, cb));
    const rotated = await callUnary<UpdateClusterResponse__Output>((md, o, cb) =>
      manager.UpdateCluster({ clusterVersion: got.cluster!.meta!.version, rotation: { gossipKey: true } }, md, o, cb),
    );
    expect(rotated.cluster?.gossipKeys).toEqual([]);
    const after = gossipKeysForNodes(store.view(clusterOf));
    expect(after[0]?.equals(before[0]!)).toBe(false);
    expect(after[1]?.equals(before[0]!)).toBe(true);
    expect(store.view(clusterOf).gossipKeyLamportClock).toBeGreaterThan(1);
    await expect(callUnary((md, o, cb) => worker.UpdateCluster({ clusterVersion: 0, rotation: { gossipKey: true } }, md, o, cb))).rejects.toThrow(/is a worker; this needs a manager/);
    expect(gossipKeysForNodes(store.view(clusterOf))).toEqual(after);
  });

  /** Reads a Watch stream until `until` says stop; returns what arrived. */
  async function watch(c: ControlClient, req: { kinds?: string[]; serviceId?: string }, until: (seen: WatchMessage__Output[]) => boolean, whileOpen?: () => Promise<void>): Promise<WatchMessage__Output[]> {
    const stream = c.Watch(req);
    const seen: WatchMessage__Output[] = [];
    let started = false;
    try {
      for await (const m of stream as AsyncIterable<WatchMessage__Output>) {
        seen.push(m);
        const listed = m.action === "SNAPSHOT" && m.object === undefined;
        if (listed && !started && whileOpen !== undefined) {
          started = true;
          await whileOpen();
        }
        if (until(seen)) break;
      }
    } finally {
      stream.cancel();
    }
    return seen;
  }

  it("Watch: lists the matching objects, marks the end of the listing, then streams changes with their versions", async () => {
    const seen = await watch(
      manager,
      { kinds: ["node"] },
      (s) => s.some((m) => m.action === "UPDATE"),
      () => store.updateWithRetry((tx) => {
        const n = structuredClone(tx.get("node", "bbb222")!);
        n.status = { ...n.status!, message: "watched" };
        tx.update("node", n);
      }).then(() => undefined),
    );
    const listing = seen.filter((m) => m.action === "SNAPSHOT" && m.node != null).map((m) => m.node!.id).sort();
    expect(listing).toEqual(["aaa111", "bbb222"]);
    const end = seen.findIndex((m) => m.action === "SNAPSHOT" && m.object === undefined);
    expect(end).toBe(2);
    const update = seen[end + 1]!;
    expect(update).toMatchObject({ action: "UPDATE", object: "node", node: { id: "bbb222", status: { message: "watched" } } });
    expect(update.version).toBe(update.node!.meta!.version);
  });

  it("Watch: task events for one service only; cluster objects redacted; bad kinds and worker certificates refused", async () => {
    const seen = await watch(unix, { kinds: ["task", "cluster"], serviceId: "svc-a" }, (s) => s.some((m) => m.action === "CREATE" && m.task != null), async () => {
      await store.update((tx) => {
        tx.create("task", makeTask({ id: "tb1", serviceId: "svc-b" }));
        tx.create("task", makeTask({ id: "ta1", serviceId: "svc-a" }));
      });
    });
    expect(seen.filter((m) => m.task != null).map((m) => m.task!.id)).toEqual(["ta1"]);
    const cluster = seen.find((m) => m.cluster != null)?.cluster;
    expect(cluster?.rootCa?.caKeyPem.length).toBe(0);
    expect(cluster?.rootCa?.caCertPem.toString()).toContain("BEGIN CERTIFICATE");
    await expect(watch(unix, { kinds: ["secret"] }, () => true)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: 'kinds: "secret" is not one of cluster, node, service, task' });
    await expect(watch(worker, {}, () => true)).rejects.toMatchObject({ code: status.PERMISSION_DENIED, details: "node bbb222 is a worker; this needs a manager" });
  });
});
