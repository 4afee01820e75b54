/**
 * A manager entering Raft: it asks the leader to add it as a learner (RaftMembership.Join, following
 * "not the leader" answers), and waits until the leader has promoted it to a voter.
 */
import { randomInt } from "node:crypto";
import type { JoinRaftResponse__Output } from "../gen/swarm/membership/JoinRaftResponse.js";
import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, type TlsIdentityProvider } from "../ca/tls.js";
import { shiftPort } from "../lib/addr.js";
import { ErrorCode, SwarmError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { Manager } from "../manager/manager.js";
import { callUnary } from "../rpc/grpc.js";
import { leaderAddrOf } from "../rpc/leader.js";
import { protos } from "../rpc/services.js";

/** Default bound of the wait for promotion (below swarmctl's 60 s join timeout). */
export const PROMOTION_WAIT_MS = 30_000;

/** The node joined as a manager, but it was not promoted to a Raft voter in time; the join goes on. */
export class PromotionTimeoutError extends SwarmError {
  constructor(
    readonly waitedMs: number,
    readonly applied: number,
    readonly commit: number,
  ) {
    super(
      ErrorCode.Unavailable,
      `timeout was reached before this node became a voting manager (${Math.round(waitedMs / 1000)} s): it joined the swarm as a manager and is still catching up with the leader's log ` +
        `(applied ${applied} of ${commit} known committed entries); it keeps catching up in the background and the leader promotes it once it has; ` +
        "`swarmctl node ls` shows it as 'Catching up' until then",
      { fields: { waitedMs, applied, commit } },
    );
  }
}

/** A random Raft member id (the Raft server's proposal envelope carries ids as u32). */
export function newRaftId(): number {
  return randomInt(1, 2 ** 31);
}

/** Asks the leader (found from `remote`) to add this manager to Raft; returns the members and their Raft addresses. */
export async function joinRaft(remote: string, tls: TlsIdentityProvider, raftId: number, apiAddr: string): Promise<JoinRaftResponse__Output> {
  let target = remote;
  for (let attempt = 0; attempt < 5; attempt++) {
    const client = new protos.membership.RaftMembership(target, managerChannelCredentials(tls), MANAGER_TARGET_OPTIONS);
    try {
      return await callUnary<JoinRaftResponse__Output>((md, o, cb) => client.Join({ raftId, raftAddr: shiftPort(apiAddr, 1), apiAddr }, md, o, cb));
    } catch (err) {
      const leader = leaderAddrOf(err);
      if (leader === undefined) throw err;
      target = leader;
    } finally {
      client.close();
    }
  }
  throw new SwarmError(ErrorCode.Unavailable, "could not reach the raft leader to join");
}

/**
 * A manager joins Raft as a learner and the leader promotes it once its log has caught up: returns
 * when that happened, or fails after `waitMs` with an error that says the join goes on in the
 * background (as `docker swarm join` after its timeout).
 */
export async function waitUntilVoter(manager: () => Manager | undefined, raftId: number, waitMs: number, log: Logger): Promise<void> {
  const started = Date.now();
  for (;;) {
    const raft = manager()?.raft.status();
    if (raft?.confState.voters.includes(raftId) === true) {
      log.info({ raftId, waitedMs: Date.now() - started }, "this manager is a raft voter");
      return;
    }
    if (Date.now() - started >= waitMs) throw new PromotionTimeoutError(waitMs, raft?.applied ?? 0, raft?.commit ?? 0);
    await new Promise((r) => setTimeout(r, 100));
  }
}
