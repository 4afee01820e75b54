import { once } from "node:events";
import { connect, createServer, type TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import {
  createNodeKeyAndCsr,
  createRootCA,
  identityFromPeerSubject,
  needsRenewal,
  parseNodeCertificate,
  signNodeCertificate,
  verifyNodeCertificate,
} from "./certs.js";
import { caDigest } from "./tokens.js";
import { X509Certificate } from "node:crypto";

describe("cluster CA", () => {
  it("issues node certificates whose subject carries id, role and cluster", async () => {
    const ca = await createRootCA();
    expect(ca.digest).toBe(caDigest(new X509Certificate(ca.certPem).raw));
    const { csrPem } = await createNodeKeyAndCsr();
    const certPem = await signNodeCertificate(ca, csrPem, { nodeId: "n1abc", role: "manager", clusterId: "c42" });
    const id = verifyNodeCertificate(certPem, ca.certPem);
    expect(id).toMatchObject({ nodeId: "n1abc", role: "manager", clusterId: "c42" });
    expect(parseNodeCertificate(certPem).role).toBe("manager");
  });

  it("refuses a certificate from another CA, an expired one, and a tampered CSR", async () => {
    const ca = await createRootCA();
    const other = await createRootCA();
    const { csrPem } = await createNodeKeyAndCsr();
    const foreign = await signNodeCertificate(other, csrPem, { nodeId: "n2", role: "worker", clusterId: "c1" });
    expect(() => verifyNodeCertificate(foreign, ca.certPem)).toThrow(/not issued by this cluster's CA/);

    const old = new Date(Date.now() - 10 * 24 * 3600_000);
    const expired = await signNodeCertificate(ca, csrPem, { nodeId: "n3", role: "worker", clusterId: "c1" }, { now: old, validityMs: 3600_000 });
    expect(() => verifyNodeCertificate(expired, ca.certPem)).toThrow(/expired at/);

    const body = csrPem.split("\n");
    const mid = Math.floor(body.length / 2);
    const line = body[mid] ?? "";
    body[mid] = (line[0] === "A" ? "B" : "A") + line.slice(1);
    await expect(signNodeCertificate(ca, body.join("\n"), { nodeId: "n4", role: "worker", clusterId: "c1" })).rejects.toThrow(/certificate request/);
    await expect(signNodeCertificate(ca, csrPem, { nodeId: "bad,CN=x", role: "worker", clusterId: "c1" })).rejects.toThrow(/nodeId: "bad,CN=x"/);
  });

  it("renews past 70% of the lifetime", async () => {
    const ca = await createRootCA();
    const { csrPem } = await createNodeKeyAndCsr();
    const now = new Date();
    const cert = await signNodeCertificate(ca, csrPem, { nodeId: "n5", role: "worker", clusterId: "c1" }, { now, validityMs: 100 * 3600_000 });
    const id = parseNodeCertificate(cert);
    expect(needsRenewal(id, new Date(now.getTime() + 50 * 3600_000))).toBe(false);
    expect(needsRenewal(id, new Date(now.getTime() + 71 * 3600_000))).toBe(true);
  });

  it("authenticates both ends of a real TLS connection and reads the peer's role", async () => {
    const ca = await createRootCA();
    const server = await createNodeKeyAndCsr();
    const client = await createNodeKeyAndCsr();
    const serverCert = await signNodeCertificate(ca, server.csrPem, { nodeId: "mgr1", role: "manager", clusterId: "c1" });
    const clientCert = await signNodeCertificate(ca, client.csrPem, { nodeId: "wrk1", role: "worker", clusterId: "c1" });
    const outsider = await createRootCA();
    const outsiderCert = await signNodeCertificate(outsider, client.csrPem, { nodeId: "evil", role: "manager", clusterId: "c1" });

    const seen: string[] = [];
    const srv = createServer({ key: server.keyPem, cert: serverCert, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (sock: TLSSocket) => {
      const id = identityFromPeerSubject(sock.getPeerCertificate().subject);
      seen.push(`${id.nodeId}/${id.role}`);
      sock.end("ok");
    });
    srv.on("tlsClientError", () => seen.push("rejected"));
    srv.listen(0, "127.0.0.1");
    await once(srv, "listening");
    const port = (srv.address() as AddressInfo).port;
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const s = connect({ host: "127.0.0.1", port, key: client.keyPem, cert: clientCert, ca: ca.certPem, servername: "mgr1" });
        let data = "";
        s.on("data", (d: Buffer) => (data += d.toString()));
        s.on("end", () => resolve(data));
        s.on("error", reject);
      });
      expect(reply).toBe("ok");
      expect(seen).toEqual(["wrk1/worker"]);

      const refused = await new Promise<boolean>((resolve) => {
        const s = connect({ host: "127.0.0.1", port, key: client.keyPem, cert: outsiderCert, ca: ca.certPem, servername: "mgr1" });
        s.on("data", () => resolve(false));
        s.on("error", () => resolve(true));
        s.on("end", () => resolve(true));
      });
      expect(refused).toBe(true);
    } finally {
      srv.close();
    }
  });
});
