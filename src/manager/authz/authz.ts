/**
 * Who may call what on a manager's cluster API (design/security.md, "Who may call what").
 *
 * A certificate alone proves only what the node *was* when it was signed: certificates live 90 days,
 * and removing or demoting a node does not take them back. So every manager-side entry point asks
 * the replicated store, not the certificate, what the caller is *now*:
 * - the caller presented a certificate signed by the cluster CA (TLS verified it);
 * - its node id is not on the cluster's removed list (`Cluster.removed_nodes`, SwarmKit's
 *   "blacklisted certificates"), written in the same Raft entry that deletes the node, so every
 *   manager refuses it the same way from the same log index on;
 * - the node exists in the store;
 * - for manager-only calls (control API, logs, RaftMembership.Join): its role and its desired role
 *   are both MANAGER — a node being demoted is refused from the moment `node demote` is committed,
 *   before the role manager has finished removing it from Raft — and its certificate names the
 *   manager role too (a node just promoted renews first).
 * {@link accessRefusal} is the pure core over a store view; {@link authorizeCall} the shell for gRPC.
 */
import type { Cluster__Output } from "../../gen/swarm/api/Cluster.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import { NodeRole } from "../../ca/certs.js";
import { callerIdentity, PermissionDeniedError, type AuthenticatedCall, type CallerIdentity } from "../../ca/tls.js";
import type { ReadTx, Store } from "../../store/store.js";

/** What an RPC requires of its caller. */
export const Access = {
  /** Any current member of the cluster (dispatcher, log publishing, certificate renewal). */
  Member: "member",
  /** A current manager (control API, logs, Raft membership). */
  Manager: "manager",
} as const;
/** One of {@link Access}. */
export type Access = (typeof Access)[keyof typeof Access];

/** The message for a call without a verified certificate. */
export const NO_CERTIFICATE = "this call needs a node certificate issued by the cluster CA";

/**
 * Why `caller` may not make a call that needs `need`, or null when it may. Pure over the store view,
 * so every manager at the same log index answers the same.
 */
export function accessRefusal(tx: ReadTx, caller: CallerIdentity, need: Access): string | null {
  const id = caller.nodeId;
  if (isRemoved(tx.list("cluster")[0], id)) return `node ${id} was removed from the cluster`;
  const node = tx.get("node", id);
  if (node === undefined) return `node ${id} is not a member of this cluster`;
  if (need === Access.Member) return null;
  if (node.role !== "MANAGER") return `node ${id} is a worker; this needs a manager`;
  if ((node.spec?.desiredRole ?? "WORKER") !== "MANAGER") return `node ${id} is being demoted to worker; this needs a manager`;
  if (caller.role !== NodeRole.Manager) return `node ${id} presented a worker certificate; this needs a manager certificate (it renews its certificate after a promotion)`;
  return null;
}

/**
 * The verified caller of `call` if it may make a call that needs `need`; otherwise throws
 * {@link PermissionDeniedError} naming the node and the reason.
 */
export function authorizeCall(store: Store, call: AuthenticatedCall, need: Access): CallerIdentity {
  const caller = callerIdentity(call);
  if (caller === undefined) throw new PermissionDeniedError(NO_CERTIFICATE);
  const why = store.view((tx) => accessRefusal(tx, caller, need));
  if (why !== null) throw new PermissionDeniedError(why);
  return caller;
}

/** Whether `nodeId` is on the cluster's removed list. */
export function isRemoved(cluster: Cluster__Output | undefined, nodeId: string): boolean {
  return cluster?.removedNodes.some((r) => r.nodeId === nodeId) ?? false;
}

/**
 * A copy of the cluster object with `node` on the removed list, and entries whose certificates have
 * expired by `now` dropped (TLS refuses an expired certificate by itself). An entry whose expiry is
 * unknown (0: the node's certificate was never recorded, as the first manager's) is kept.
 */
export function withRemovedNode(cluster: Cluster__Output, node: Node__Output, now: number): Cluster__Output {
  const next = structuredClone(cluster);
  const kept = next.removedNodes.filter((r) => r.nodeId !== node.id && (r.expiresAt === 0 || r.expiresAt > now));
  next.removedNodes = [...kept, { nodeId: node.id, removedAt: now, expiresAt: node.certificate?.expiresAt ?? 0 }];
  return next;
}
