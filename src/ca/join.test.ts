import { Server } from "@grpc/grpc-js";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalProposer, Store } from "../store/store.js";
import { createNodeKeyAndCsr, createRootCA, signNodeCertificate, verifyNodeCertificate, type RootCA } from "./certs.js";
import { clusterOf, NodeCertificateIssuer, newClusterObject, withRotatedToken } from "./issuer.js";
import { fetchPinnedCA, joinCluster, renewCertificate } from "./join.js";
import { addNodeCAService } from "./service.js";
import { Access, authorizeCall } from "../manager/authz/authz.js";
import { removeNode } from "../manager/controlapi/nodes.js";
import { serverCredentials, TlsIdentityProvider } from "./tls.js";
import { formatJoinToken } from "./tokens.js";

// A manager's NodeCA service on loopback with mTLS, and real joiners.
describe("joining a cluster through the NodeCA service", () => {
  let store: Store;
  let ca: RootCA;
  let server: Server;
  let addr = "";

  beforeAll(async () => {
    const proposer = new LocalProposer();
    store = new Store({ proposer });
    proposer.attach(store);
    ca = await createRootCA();
    const cluster = newClusterObject(ca, "cluster1");
    await store.update((tx) => tx.create("cluster", cluster));
    const mgr = await createNodeKeyAndCsr();
    const mgrCert = await signNodeCertificate(ca, mgr.csrPem, { nodeId: "mgr1", role: "manager", clusterId: "cluster1" });
    server = new Server();
    addNodeCAService(server, new NodeCertificateIssuer(store), (call) => authorizeCall(store, call, Access.Member));
    const provider = new TlsIdentityProvider({ caCertPem: ca.certPem, certPem: mgrCert, keyPem: mgr.keyPem });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", serverCredentials(provider), (err, p) => (err ? reject(err) : resolve(p))),
    );
    addr = `127.0.0.1:${port}`;
  });

  afterAll(() => server.forceShutdown());

  const tokens = () => store.view((tx) => clusterOf(tx).rootCa!.joinTokens!);

  it("a worker token yields a worker certificate and a node in the store", async () => {
    const joined = await joinCluster(addr, tokens().worker, { hostname: "h4", advertiseAddr: "10.0.0.4" });
    expect(joined.role).toBe("worker");
    expect(joined.clusterId).toBe("cluster1");
    expect(verifyNodeCertificate(joined.certPem, ca.certPem)).toMatchObject({ nodeId: joined.nodeId, role: "worker" });
    const node = store.view((tx) => tx.get("node", joined.nodeId));
    expect(node).toMatchObject({ role: "WORKER", description: { hostname: "h4" }, status: { addr: "10.0.0.4" } });
  });

  it("a manager token yields a manager certificate", async () => {
    const joined = await joinCluster(addr, tokens().manager, { hostname: "h2", advertiseAddr: "10.0.0.2" });
    expect(joined.role).toBe("manager");
    expect(store.view((tx) => tx.get("node", joined.nodeId))?.role).toBe("MANAGER");
  });

  it("refuses a wrong secret, and a token of another cluster before sending it", async () => {
    const wrong = formatJoinToken(ca.digest, randomBytes(16));
    await expect(joinCluster(addr, wrong, { hostname: "x", advertiseAddr: "10.0.0.9:2377" })).rejects.toThrow(/join token is not valid/);
    const other = await createRootCA();
    const foreign = formatJoinToken(other.digest, randomBytes(16));
    await expect(fetchPinnedCA(addr, foreign)).rejects.toThrow(/digest does not match the join token/);
    await expect(joinCluster(addr, foreign, { hostname: "x", advertiseAddr: "10.0.0.9:2377" })).rejects.toThrow(/digest does not match/);
  });

  it("refuses a join whose address would inject arguments into the overlay's commands; no node is made", async () => {
    const nodes = store.view((tx) => tx.list("node").length);
    await expect(joinCluster(addr, tokens().worker, { hostname: "x", advertiseAddr: "10.0.0.1 dev lo" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: 'addr: "10.0.0.1 dev lo" is not an IP address or IP:port',
    });
    expect(store.view((tx) => tx.list("node").length)).toBe(nodes);
  });

  it("refuses the old token after a rotation and accepts the new one", async () => {
    const old = tokens().worker;
    await store.update((tx) => tx.update("cluster", withRotatedToken(clusterOf(tx), "worker")));
    expect(tokens().worker).not.toBe(old);
    await expect(joinCluster(addr, old, { hostname: "x", advertiseAddr: "10.0.0.9:2377" })).rejects.toThrow(/may have been rotated/);
    await expect(joinCluster(addr, tokens().worker, { hostname: "h5", advertiseAddr: "10.0.0.9:2377" })).resolves.toMatchObject({ role: "worker" });
  });

  it("renews over mTLS with the role the store now holds (promotion at renewal)", async () => {
    const joined = await joinCluster(addr, tokens().worker, { hostname: "h6", advertiseAddr: "10.0.0.9:2377" });
    await store.update((tx) => {
      const n = structuredClone(tx.get("node", joined.nodeId)!);
      n.role = "MANAGER";
      tx.update("node", n);
    });
    const provider = new TlsIdentityProvider(joined);
    const renewed = await renewCertificate(addr, provider);
    expect(renewed.nodeId).toBe(joined.nodeId);
    expect(renewed.role).toBe("manager");
  });

  it("refuses renewal to a removed node, naming it, even with its still-valid certificate", async () => {
    const joined = await joinCluster(addr, tokens().worker, { hostname: "h7", advertiseAddr: "10.0.0.9:2377" });
    const provider = new TlsIdentityProvider(joined);
    await expect(renewCertificate(addr, provider)).resolves.toMatchObject({ nodeId: joined.nodeId, role: "worker" });
    await removeNode(store, joined.nodeId, true);
    await expect(renewCertificate(addr, provider)).rejects.toMatchObject({ code: "PERMISSION_DENIED", message: `node ${joined.nodeId} was removed from the cluster` });
  });

  it("refuses renewal without a certificate from this CA", async () => {
    const outsiderCa = await createRootCA();
    const k = await createNodeKeyAndCsr();
    const cert = await signNodeCertificate(outsiderCa, k.csrPem, { nodeId: "evil", role: "manager", clusterId: "cluster1" });
    // The outsider trusts our CA for the server but presents its own certificate.
    const provider = new TlsIdentityProvider({ caCertPem: ca.certPem, certPem: cert, keyPem: k.keyPem });
    await expect(renewCertificate(addr, provider)).rejects.toThrow(/this call needs a node certificate issued by the cluster CA/);
  });
});
