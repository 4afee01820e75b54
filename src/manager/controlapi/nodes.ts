/** Control API operations on nodes and the cluster object (the user-facing part of issue [4]). */
import type { NodeSpec } from "../../gen/swarm/api/NodeSpec.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Cluster__Output } from "../../gen/swarm/api/Cluster.js";
import type { ClusterSpec } from "../../gen/swarm/api/ClusterSpec.js";
import type { ListNodesRequest__Output } from "../../gen/swarm/control/ListNodesRequest.js";
import { ErrorCode, SwarmError, ValidationError } from "../../lib/errors.js";
import { validateClusterSpec, validateNodeSpec } from "../../spec/node-cluster-spec.js";
import type { Store } from "../../store/store.js";
import { StoreError, StoreErrorCode } from "../../store/errors.js";
import { clusterOf, withRotatedToken } from "../../ca/issuer.js";
import { withRemovedNode } from "../authz/authz.js";
import { withRotatedGossipKey } from "../../gossip/key-rotation.js";
import { resolveRef } from "./resolve.js";

type Availability = "ACTIVE" | "PAUSE" | "DRAIN";
type Role = "WORKER" | "MANAGER";

/** The name users see for a node: its annotations name, else its hostname. */
export function nodeName(node: Node__Output): string {
  return node.spec?.annotations?.name || node.description?.hostname || "";
}

/** Finds a node by id, hostname/name or unique id prefix. */
export function findNode(store: Store, ref: string): Node__Output {
  return store.view((tx) => resolveRef("node", tx.list("node"), ref, nodeName));
}

/** Lists nodes matching the filters (all when none). */
export function listNodes(store: Store, filters: ListNodesRequest__Output["filters"]): Node__Output[] {
  const nodes = store.view((tx) => tx.list("node"));
  if (filters == null) return nodes;
  return nodes.filter(
    (n) =>
      (filters.names.length === 0 || filters.names.includes(nodeName(n)) || filters.names.includes(n.description?.hostname ?? "")) &&
      (filters.idPrefixes.length === 0 || filters.idPrefixes.some((p) => n.id.startsWith(p))) &&
      (filters.roles.length === 0 || filters.roles.includes(n.role)) &&
      Object.entries(filters.labels).every(([k, v]) => n.spec?.annotations?.labels[k] === v),
  );
}

/** Replaces a node's spec if the caller read the current version. */
export async function updateNode(store: Store, ref: string, version: number, spec: NodeSpec | null | undefined): Promise<Node__Output> {
  if (spec == null) throw new ValidationError("spec", "is required");
  validateNodeSpec(spec);
  const availability = (spec.availability ?? "ACTIVE") as Availability;
  const role = (spec.desiredRole ?? "WORKER") as Role;
  const node = findNode(store, ref);
  const { version: applied } = await store.update((tx) => {
    const current = tx.get("node", node.id);
    if (current === undefined) throw new StoreError(StoreErrorCode.NotFound, `node ${ref} not found`);
    const next = structuredClone(current);
    next.meta = { ...(next.meta ?? { createdAt: 0, updatedAt: 0 }), version };
    next.spec = {
      annotations: { name: spec.annotations?.name ?? "", labels: { ...(spec.annotations?.labels ?? {}) } },
      availability,
      desiredRole: role,
    };
    tx.update("node", next);
  });
  return store.view((tx) => tx.get("node", node.id)) ?? failGone("node", node.id, applied);
}

/**
 * Removes a node. A manager must be demoted first; a node that is not down needs `force`
 * (Docker's rules, so an operator does not remove a live node by a typo). The same Raft entry puts
 * the node on the cluster's removed list, so from that index on every manager refuses its
 * certificate (../authz/authz.ts), and rotates the gossip key: the removed node knew it, and must not
 * be able to speak gossip after the grace.
 */
export async function removeNode(store: Store, ref: string, force: boolean, now: () => number = Date.now): Promise<void> {
  const node = findNode(store, ref);
  if (node.role === "MANAGER" || node.spec?.desiredRole === "MANAGER") {
    throw new SwarmError(ErrorCode.FailedPrecondition, `node ${node.id} is a cluster manager and a member of the Raft cluster: demote it before removing it`);
  }
  if (!force && node.status?.state === "READY") {
    throw new SwarmError(ErrorCode.FailedPrecondition, `node ${node.id} is not down and can't be removed (use --force to remove it anyway)`);
  }
  await store.update((tx) => {
    const current = tx.get("node", node.id) ?? node;
    tx.update("cluster", withRotatedGossipKey(withRemovedNode(clusterOf(tx), current, now())));
    tx.remove("node", node.id);
  });
}

/** The cluster object as shown to clients: never the CA's private key. */
export function redactCluster(cluster: Cluster__Output): Cluster__Output {
  const copy = structuredClone(cluster);
  if (copy.rootCa != null) copy.rootCa.caKeyPem = Buffer.alloc(0);
  copy.gossipKeys = [];
  return copy;
}

/** Updates the cluster spec and/or rotates join tokens. */
export async function updateCluster(
  store: Store,
  version: number,
  spec: ClusterSpec | null | undefined,
  rotation: { workerJoinToken: boolean; managerJoinToken: boolean; gossipKey?: boolean },
): Promise<Cluster__Output> {
  if (spec != null) validateClusterSpec(spec);
  const id = store.view((tx) => clusterOf(tx).id);
  await store.update((tx) => {
    let next = structuredClone(clusterOf(tx));
    if (version !== 0) next.meta = { ...(next.meta ?? { createdAt: 0, updatedAt: 0 }), version };
    if (spec != null) next.spec = structuredClone(spec) as typeof next.spec;
    if (rotation.workerJoinToken) next = withRotatedToken(next, "worker");
    if (rotation.managerJoinToken) next = withRotatedToken(next, "manager");
    if (rotation.gossipKey === true) next = withRotatedGossipKey(next);
    tx.update("cluster", next);
  });
  return store.view((tx) => tx.get("cluster", id)) ?? failGone("cluster", id, 0);
}

function failGone(kind: string, id: string, version: number): never {
  throw new SwarmError(ErrorCode.NotFound, `${kind} ${id} was removed concurrently (at version ${version})`);
}
