/**
 * RaftMembership.Join: a manager asks the leader to add it to Raft as a learner. Everything is checked
 * before Raft is touched, because a learner at once receives a snapshot holding the CA key: the caller
 * must be a current manager by the store (authz/authz.ts: it exists, is not removed, its role and
 * desired role are MANAGER), and the Raft id it asks for must not be another node's.
 */
import type { RaftMembershipHandlers } from "../gen/swarm/membership/RaftMembership.js";
import { ErrorCode, SwarmError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { DropReason, ProposalDroppedError } from "../raft/core/index.js";
import type { RaftServer } from "../raft/server/server.js";
import { NotLeaderError } from "../rpc/leader.js";
import { unaryHandler } from "../rpc/grpc.js";
import type { ApplyOutcome } from "../store/memory.js";
import type { Store } from "../store/store.js";
import { Access, authorizeCall } from "./authz/authz.js";

/** How long the Join handler retries while another membership change is still being applied. */
const JOIN_CONF_CHANGE_RETRY_MS = 10_000;

/** The RaftMembership service of a manager. */
export function membershipHandlers(raft: RaftServer<ApplyOutcome>, store: Store, leaderApiAddr: () => string, log: Logger): RaftMembershipHandlers {
  return {
    Join: unaryHandler(async (req, call) => {
      const caller = authorizeCall(store, call, Access.Manager);
      if (!raft.status().isLeader) throw new NotLeaderError(leaderApiAddr());
      if (!Number.isSafeInteger(req.raftId) || req.raftId <= 0) throw new SwarmError(ErrorCode.InvalidArgument, `raftId: ${req.raftId} is not a positive integer`);
      const owner = store.view((tx) => tx.list("node").find((n) => n.id !== caller.nodeId && n.managerStatus?.raftId === req.raftId));
      if (owner !== undefined) throw new SwarmError(ErrorCode.PermissionDenied, `raftId: ${req.raftId} is the raft id of node ${owner.id}, not of node ${caller.nodeId}`);
      // A joiner starts as a LEARNER: it replicates the log (a snapshot, then appends) without voting or
      // counting for quorum, so the leader keeps committing and CheckQuorum cannot depose it while the
      // newcomer starts up and catches up. The role manager promotes it to voter once it has caught up.
      if (!raft.status().members.has(req.raftId)) {
        log.info({ nodeId: caller.nodeId, raftId: req.raftId, raftAddr: req.raftAddr }, "adding manager to raft as a learner");
        await addLearnerWhenFree(raft, req.raftId, req.raftAddr);
      }
      // The store names the member before the joiner starts, so whoever leads can finish its promotion.
      await store.updateWithRetry((tx) => {
        const node = tx.get("node", caller.nodeId);
        if (node === undefined) return;
        const next = structuredClone(node);
        next.managerStatus = { raftId: req.raftId, addr: req.apiAddr, leader: false, learner: false, reachability: "REACHABLE" };
        tx.update("node", next);
      });
      return { members: [...raft.status().members].map(([raftId, raftAddr]) => ({ raftId, raftAddr })) };
    }),
  };
}

/** Adds a learner, waiting (bounded) while an earlier membership change is still pending. */
async function addLearnerWhenFree(raft: RaftServer<ApplyOutcome>, raftId: number, raftAddr: string): Promise<void> {
  const deadline = Date.now() + JOIN_CONF_CHANGE_RETRY_MS;
  for (;;) {
    try {
      await raft.addMember(raftId, raftAddr, { learner: true });
      return;
    } catch (err) {
      const pending = err instanceof Error && err.cause instanceof ProposalDroppedError && err.cause.reason === DropReason.ConfChangePending;
      if (!pending || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
