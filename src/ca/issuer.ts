/**
 * The manager side of joining: the cluster object's CA and join tokens, and issuing/renewing node
 * certificates against the store. The gRPC service (service.ts) is a thin shell over this.
 */
import { randomBytes } from "node:crypto";
import type { Cluster__Output } from "../gen/swarm/api/Cluster.js";
import { ErrorCode, SwarmError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { makeCluster, makeNode } from "../store/objects.js";
import type { ReadTx, Store } from "../store/store.js";
import { loadRootCA, NodeRole, parseNodeCertificate, signNodeCertificate, type RootCA } from "./certs.js";
import { formatJoinToken, parseJoinToken, secretsEqual } from "./tokens.js";

/** A join was refused: wrong token, other cluster, rotated token. */
export class JoinRefusedError extends SwarmError {
  constructor(message: string) {
    super(ErrorCode.PermissionDenied, message);
  }
}

/** What a node gets back when it joins or renews. */
export interface IssuedCertificate {
  readonly nodeId: string;
  readonly certPem: string;
  readonly caCertPem: string;
  readonly role: NodeRole;
  readonly clusterId: string;
}

/** The cluster object created by `init`: the CA, fresh join tokens, default settings. */
export function newClusterObject(ca: RootCA, clusterId: string = newId(), random: (n: number) => Uint8Array = randomBytes): Cluster__Output {
  return makeCluster({
    id: clusterId,
    spec: { annotations: { name: "default" } },
    rootCa: {
      caKeyPem: Buffer.from(ca.keyPem),
      caCertPem: Buffer.from(ca.certPem),
      caCertDigest: ca.digest,
      joinTokens: { worker: formatJoinToken(ca.digest, random(16)), manager: formatJoinToken(ca.digest, random(16)) },
    },
    gossipKeys: [{ subsystem: "gossip", algorithm: "aes-256-gcm", key: Buffer.from(random(32)), lamportTime: 1 }],
    gossipKeyLamportClock: 1,
  });
}

/** A copy of the cluster object with a new join token for `role` (the old one stops working). */
export function withRotatedToken(cluster: Cluster__Output, role: NodeRole, random: (n: number) => Uint8Array = randomBytes): Cluster__Output {
  const next = structuredClone(cluster);
  const rootCa = next.rootCa;
  if (rootCa?.joinTokens == null) throw new SwarmError(ErrorCode.FailedPrecondition, "cluster has no join tokens to rotate");
  rootCa.joinTokens[role] = formatJoinToken(rootCa.caCertDigest, random(16));
  return next;
}

/** The single cluster object, or an error saying the swarm is not initialized. */
export function clusterOf(tx: ReadTx): Cluster__Output {
  const cluster = tx.list("cluster")[0];
  if (cluster === undefined) throw new SwarmError(ErrorCode.FailedPrecondition, "this node is not part of an initialized swarm");
  return cluster;
}

/** The cluster's root CA (with its key) from the cluster object. */
export function rootCAOf(cluster: Cluster__Output): RootCA {
  const rootCa = cluster.rootCa;
  if (rootCa == null) throw new SwarmError(ErrorCode.FailedPrecondition, "cluster object has no root CA");
  return loadRootCA(rootCa.caCertPem.toString(), rootCa.caKeyPem.toString());
}

/** Checks a join token against the cluster: returns the role it grants or says why it is refused. */
export function roleForToken(cluster: Cluster__Output, token: string): NodeRole {
  const parsed = parseJoinToken(token);
  const rootCa = cluster.rootCa;
  if (rootCa == null) throw new SwarmError(ErrorCode.FailedPrecondition, "cluster object has no root CA");
  if (parsed.caDigest !== rootCa.caCertDigest) {
    throw new JoinRefusedError("join token is for a different cluster (its CA digest does not match this cluster's CA)");
  }
  const secretOf = (t: string | undefined): string => (t === undefined || t === "" ? "" : parseJoinToken(t).secret);
  if (secretsEqual(parsed.secret, secretOf(rootCa.joinTokens?.manager))) return NodeRole.Manager;
  if (secretsEqual(parsed.secret, secretOf(rootCa.joinTokens?.worker))) return NodeRole.Worker;
  throw new JoinRefusedError("join token is not valid: it may have been rotated; ask a manager for `swarmctl join-token worker|manager`");
}

/** Options for {@link NodeCertificateIssuer}. */
export interface IssuerOptions {
  /** Lifetime of node certificates (default 90 days, as Docker's). */
  readonly certValidityMs?: number;
  readonly now?: () => Date;
}

/** Issues and renews node certificates, recording nodes in the store. */
export class NodeCertificateIssuer {
  private readonly validityMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly store: Store,
    options: IssuerOptions = {},
  ) {
    this.validityMs = options.certValidityMs ?? 90 * 24 * 3600_000;
    this.now = options.now ?? (() => new Date());
  }

  /** The root CA certificate (PEM). */
  caCertPem(): string {
    return this.store.view((tx) => clusterOf(tx).rootCa?.caCertPem.toString() ?? "");
  }

  /** Admits a new node: checks the token, signs the CSR, creates the node object. */
  async issue(request: { csrPem: string; token: string; hostname: string; addr: string }): Promise<IssuedCertificate> {
    const cluster = this.store.view(clusterOf);
    const role = roleForToken(cluster, request.token);
    const nodeId = newId();
    const ca = rootCAOf(cluster);
    const certPem = await signNodeCertificate(ca, request.csrPem, { nodeId, role, clusterId: cluster.id }, { now: this.now(), validityMs: this.validityMs });
    const expiresAt = parseNodeCertificate(certPem).notAfter.getTime();
    const protoRole = role === NodeRole.Manager ? "MANAGER" : "WORKER";
    await this.store.update((tx) =>
      tx.create(
        "node",
        makeNode({
          id: nodeId,
          spec: { desiredRole: protoRole, availability: "ACTIVE" },
          description: { hostname: request.hostname },
          status: { state: "UNKNOWN", addr: request.addr },
          role: protoRole,
          certificate: { role: protoRole, state: "ISSUED", certificate: Buffer.from(certPem), cn: nodeId, expiresAt },
        }),
      ),
    );
    return { nodeId, certPem, caCertPem: ca.certPem, role, clusterId: cluster.id };
  }

  /** Signs a new CSR for an existing node with its current role in the store. */
  async renew(nodeId: string, csrPem: string): Promise<IssuedCertificate> {
    const { cluster, node } = this.store.view((tx) => ({ cluster: clusterOf(tx), node: tx.get("node", nodeId) }));
    if (node === undefined) throw new JoinRefusedError(`node ${nodeId} is not a member of this cluster (was it removed?)`);
    const role = node.role === "MANAGER" ? NodeRole.Manager : NodeRole.Worker;
    const ca = rootCAOf(cluster);
    const certPem = await signNodeCertificate(ca, csrPem, { nodeId, role, clusterId: cluster.id }, { now: this.now(), validityMs: this.validityMs });
    const expiresAt = parseNodeCertificate(certPem).notAfter.getTime();
    await this.store.update((tx) => {
      const current = tx.get("node", nodeId);
      if (current === undefined) return;
      const next = structuredClone(current);
      next.certificate = { ...(next.certificate ?? { csr: Buffer.alloc(0), err: "" }), role: node.role, state: "ISSUED", certificate: Buffer.from(certPem), cn: nodeId, expiresAt };
      tx.update("node", next);
    });
    return { nodeId, certPem, caCertPem: ca.certPem, role, clusterId: cluster.id };
  }
}
