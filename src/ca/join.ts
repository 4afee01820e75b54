/**
 * The joining side: pin the cluster CA by the digest in the join token, then obtain a node
 * certificate over a TLS connection verified with that CA; and renew a certificate over mTLS.
 */
import { credentials } from "@grpc/grpc-js";
import { X509Certificate } from "node:crypto";
import type { GetRootCACertificateResponse__Output } from "../gen/swarm/ca/GetRootCACertificateResponse.js";
import type { IssueNodeCertificateResponse__Output as Issued } from "../gen/swarm/ca/IssueNodeCertificateResponse.js";
import { ErrorCode, SwarmError } from "../lib/errors.js";
import { callUnary } from "../rpc/grpc.js";
import { createNodeKeyAndCsr, NodeRole } from "./certs.js";

import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, type TlsIdentity, type TlsIdentityProvider } from "./tls.js";
import { caDigest, parseJoinToken } from "./tokens.js";
import { protos } from "../rpc/services.js";

/** A node's identity after joining: TLS material plus who the cluster says it is. */
export interface JoinedIdentity extends TlsIdentity {
  readonly nodeId: string;
  readonly role: NodeRole;
  readonly clusterId: string;
}

/** The manager presented a CA that is not the one the token names. */
export class CaPinMismatchError extends SwarmError {
  constructor(addr: string) {
    super(ErrorCode.PermissionDenied, `the manager at ${addr} presented a CA certificate whose digest does not match the join token: wrong cluster, or someone in between`);
  }
}

/**
 * Fetches the root CA from a manager without trusting it, and accepts it only if its digest is the one
 * in the token. The returned PEM is then the only CA the joiner trusts.
 */
export async function fetchPinnedCA(addr: string, token: string, timeoutMs = 10_000): Promise<string> {
  const expected = parseJoinToken(token).caDigest;
  const insecureTls = credentials.createSsl(null, null, null, { rejectUnauthorized: false });
  const client = new protos.ca.NodeCA(addr, insecureTls, MANAGER_TARGET_OPTIONS);
  try {
    const res = await callUnary<GetRootCACertificateResponse__Output>((md, o, cb) => client.GetRootCACertificate({}, md, o, cb), timeoutMs);
    const pem = res.certificate.toString();
    let der: Uint8Array;
    try {
      der = new X509Certificate(pem).raw;
    } catch {
      throw new CaPinMismatchError(addr);
    }
    if (caDigest(der) !== expected) throw new CaPinMismatchError(addr);
    return pem;
  } finally {
    client.close();
  }
}

/** Joins a cluster through the manager at `addr`: pins the CA, proves the token, gets a certificate. */
export async function joinCluster(
  addr: string,
  token: string,
  node: { hostname: string; advertiseAddr: string },
  timeoutMs = 10_000,
): Promise<JoinedIdentity> {
  const caCertPem = await fetchPinnedCA(addr, token, timeoutMs);
  const { keyPem, csrPem } = await createNodeKeyAndCsr();
  const pinned = credentials.createSsl(Buffer.from(caCertPem));
  const client = new protos.ca.NodeCA(addr, pinned, MANAGER_TARGET_OPTIONS);
  try {
    const request = { csr: Buffer.from(csrPem), token, hostname: node.hostname, addr: node.advertiseAddr };
    const res = await callUnary<Issued>((md, o, cb) => client.IssueNodeCertificate(request, md, o, cb), timeoutMs);
    return joinedIdentity(res, keyPem, caCertPem);
  } finally {
    client.close();
  }
}

/** Renews this node's certificate over mTLS with its current identity; returns the new identity. */
export async function renewCertificate(addr: string, provider: TlsIdentityProvider, timeoutMs = 10_000): Promise<JoinedIdentity> {
  const { keyPem, csrPem } = await createNodeKeyAndCsr();
  const client = new protos.ca.NodeCA(addr, managerChannelCredentials(provider), MANAGER_TARGET_OPTIONS);
  try {
    const res = await callUnary<Issued>((md, o, cb) => client.RenewNodeCertificate({ csr: Buffer.from(csrPem) }, md, o, cb), timeoutMs);
    return joinedIdentity(res, keyPem, res.caCertificate.toString());
  } finally {
    client.close();
  }
}

function joinedIdentity(res: Issued, keyPem: string, caCertPem: string): JoinedIdentity {
  return {
    caCertPem,
    keyPem,
    certPem: res.certificate.toString(),
    nodeId: res.nodeId,
    role: res.role === "MANAGER" ? NodeRole.Manager : NodeRole.Worker,
    clusterId: res.clusterId,
  };
}
