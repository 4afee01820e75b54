/** `swarmctl init`: a new cluster's identity (root CA, ids, the first manager's certificate) and its first objects. */
import { hostname } from "node:os";
import { createNodeKeyAndCsr, createRootCA, signNodeCertificate, type RootCA } from "../ca/certs.js";
import { newClusterObject } from "../ca/issuer.js";
import type { TlsIdentity } from "../ca/tls.js";
import { newId } from "../lib/ids.js";
import type { Store } from "../store/store.js";
import { makeNode } from "../store/objects.js";
import { newRaftId } from "./manager-join.js";

/** What a new swarm starts from. */
export interface SwarmIdentity {
  readonly ca: RootCA;
  readonly clusterId: string;
  readonly nodeId: string;
  readonly raftId: number;
  readonly tls: TlsIdentity;
}

/** Creates a root CA and the first manager's identity and certificate. */
export async function createSwarmIdentity(): Promise<SwarmIdentity> {
  const ca = await createRootCA();
  const clusterId = newId();
  const nodeId = newId();
  const k = await createNodeKeyAndCsr();
  const certPem = await signNodeCertificate(ca, k.csrPem, { nodeId, role: "manager", clusterId });
  return { ca, clusterId, nodeId, raftId: newRaftId(), tls: { caCertPem: ca.certPem, certPem, keyPem: k.keyPem } };
}

/** Cluster settings given to `init`. */
export interface InitSettings {
  readonly advertiseAddr: string;
  /** Dispatcher heartbeat period; 0 = default. */
  readonly heartbeatMs: number;
  /** `--default-addr-pool` CIDRs; empty = default. */
  readonly addrPool: readonly string[];
}

/** Writes the cluster object (CA, tokens, settings) and the first manager's node object. */
export async function seedSwarm(store: Store, id: SwarmIdentity, s: InitSettings): Promise<void> {
  const cluster = newClusterObject(id.ca, id.clusterId);
  const base = cluster.spec ?? { annotations: null };
  if (s.heartbeatMs > 0) cluster.spec = { ...base, dispatcher: { heartbeatPeriodMs: s.heartbeatMs } } as typeof cluster.spec;
  if (s.addrPool.length > 0) cluster.spec = { ...(cluster.spec ?? base), defaultAddrPool: [...s.addrPool] } as typeof cluster.spec;
  await store.update((tx) => {
    tx.create("cluster", cluster);
    tx.create(
      "node",
      makeNode({
        id: id.nodeId,
        spec: { desiredRole: "MANAGER", availability: "ACTIVE" },
        description: { hostname: hostname() },
        status: { state: "READY", addr: s.advertiseAddr },
        role: "MANAGER",
        managerStatus: { raftId: id.raftId, addr: s.advertiseAddr, leader: true, reachability: "REACHABLE" },
      }),
    );
  });
}
