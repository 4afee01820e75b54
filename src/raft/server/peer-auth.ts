/**
 * Who may speak on the Raft port, and as whom (pure).
 *
 * The TLS handshake already refused clients without a certificate from the cluster CA. Here each
 * message's `from` is bound to the certificate's node: Raft itself trusts `from` blindly (a forged
 * `from` can vote, ack entries that were never stored, or play leader), so a member may only speak as
 * its own Raft id. The binding node id ↔ Raft id lives in the replicated store (the node's
 * managerStatus.raftId, written by RaftMembership.Join and cleared on demotion; a removed node is
 * deleted), reached through a {@link PeerDirectory}.
 *
 * The store can lag behind Raft: a learner is added to Raft before Join writes its Raft id into the
 * store, and a member that was down misses later joins. So a caller the store does not know at all is
 * let through only for a Raft id that is a member here and that no known node owns — the window of a
 * join still in flight. A node the store knows as a non-manager (demoted), a removed member's id, and
 * anybody else's id are refused.
 */
import type { CallerIdentity } from "../../ca/tls.js";

/** What the store says about node ids and Raft ids (implemented over the store by the manager). */
export interface PeerDirectory {
  /**
   * The Raft id bound to `nodeId`: a number for a manager with a Raft id, null for a node this
   * member knows that is not one (a worker, a demoted manager), undefined for a node it does not know.
   */
  raftIdOfNode(nodeId: string): number | null | undefined;
  /** The node bound to `raftId`, or undefined when no known node is. */
  nodeOfRaftId(raftId: number): string | undefined;
}

/** What this member knows when a message arrives. */
export interface PeerAuthContext {
  /** This member's Raft id. */
  readonly self: number;
  /** Current Raft members (voters and learners) as this member applied them. */
  readonly members: ReadonlySet<number> | ReadonlyMap<number, unknown>;
  readonly directory: PeerDirectory;
}

/**
 * Why a message from `caller` claiming to come from `from` must be refused, or null when it may pass.
 * Messages refused here never reach the core.
 */
export function senderRefusal(ctx: PeerAuthContext, caller: CallerIdentity | undefined, from: number): string | null {
  if (caller === undefined) return "raft peers need a manager certificate issued by the cluster CA";
  if (caller.role !== "manager") return `node ${caller.nodeId} has role ${caller.role}; raft peers need role manager`;
  if (from === ctx.self) return `node ${caller.nodeId} sent a message from raft id ${from}, which is this member's own id`;
  // Membership first: a removed or demoted member's id is out of Raft before its store record changes.
  // (The store binding is written after the membership change it follows, so a bound id is a member on
  // any replica that applied the binding.)
  if (!ctx.members.has(from)) return `node ${caller.nodeId} sent a message from raft id ${from}, which is not a raft member`;
  const bound = ctx.directory.raftIdOfNode(caller.nodeId);
  if (typeof bound === "number") return bound === from ? null : `node ${caller.nodeId} is raft id ${bound} but sent a message from raft id ${from}`;
  if (bound === null) return `node ${caller.nodeId} is not a raft manager (no raft id in the cluster store)`;
  const owner = ctx.directory.nodeOfRaftId(from);
  if (owner !== undefined) return `raft id ${from} belongs to node ${owner}, not to node ${caller.nodeId}`;
  // A member whose binding the store has not applied yet (a join in flight, or this member lags).
  return null;
}
