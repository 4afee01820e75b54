/**
 * The role manager (leader only): makes a node's observed role follow `spec.desiredRole`, and makes a
 * manager a voting Raft member only once it has caught up.
 *
 * Promotion: the node's role becomes MANAGER; the node notices at its next heartbeat, renews its
 * certificate (now with the manager OU), asks to join Raft — the leader adds it as a LEARNER (it
 * replicates but neither votes nor counts for quorum) — and starts its manager. Each pass then looks at
 * every learner whose node should be a manager: once the leader replicates to it in streaming state and
 * its match index reached the commit index the leader had at the previous pass (it lags by less than
 * one pass of writes), the leader proposes CONF_ADD_VOTER. A learner that does not catch up within
 * `promotionTimeoutMs` is logged (and retried: a learner costs the quorum nothing). Because the
 * decision reads only the store and the Raft configuration, whoever leads finishes a promotion that a
 * former leader started.
 *
 * Demotion: the leader first removes the node from Raft — refused when it is the last voter; a leader
 * demoting itself hands leadership to another voter first — then sets the role to WORKER; the node
 * renews as a worker and stops its manager. A learner is removed at once (quorum does not need it).
 * A learner no node refers to (its joiner failed between the Raft change and the store write) is removed
 * after `orphanGraceMs`.
 */
import type { Node__Output } from "../gen/swarm/api/Node.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { RaftServer } from "../raft/server/server.js";
import type { ApplyOutcome } from "../store/memory.js";
import type { Store } from "../store/store.js";
import type { LeaderComponent } from "./leader/role.js";

/** Tuning of the role manager (defaults in brackets). */
export interface RoleManagerOptions {
  /** Pass period [500 ms]. */
  readonly intervalMs?: number;
  /** A learner still behind after this long is reported in the log [30 s]. */
  readonly promotionTimeoutMs?: number;
  /** A learner that no node refers to is removed after this long [30 s]. */
  readonly orphanGraceMs?: number;
  /** A learner not heard from for this long is not promoted [1 s]. */
  readonly silentAfterMs?: number;
  readonly now?: () => number;
}

/** What the leader tracks about one learner it is catching up. */
interface LearnerWatch {
  /** When this leader first saw it as a learner. */
  readonly since: number;
  /** The leader's commit index at the previous pass. */
  commitSeen: number;
  /** When it was last reported as not catching up (0 = never). */
  warnedAt: number;
}

/** Why a learner is not promoted yet, or null if it may be. */
export function learnerLag(
  progress: { readonly match: number; readonly state: string } | undefined,
  lastHeardAgoMs: number | null,
  commitSeen: number,
  silentAfterMs: number,
): string | null {
  if (progress === undefined) return "no replication progress on this leader yet";
  if (lastHeardAgoMs === null || lastHeardAgoMs >= silentAfterMs) return lastHeardAgoMs === null ? "not heard from yet" : `silent for ${lastHeardAgoMs} ms`;
  if (progress.state !== "replicate") return `replication is in ${progress.state} state`;
  if (progress.match < commitSeen) return `log at ${progress.match}, ${commitSeen - progress.match} entries behind the commit index of the previous check (${commitSeen})`;
  return null;
}

/** Reconciles node roles with their desired roles, and promotes caught-up learners to voters. */
export class RoleManager implements LeaderComponent {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly learners = new Map<number, LearnerWatch>();
  private readonly o: Required<RoleManagerOptions>;

  constructor(
    private readonly store: Store,
    private readonly raft: RaftServer<ApplyOutcome>,
    private readonly log: Logger,
    options: RoleManagerOptions = {},
  ) {
    this.o = {
      intervalMs: options.intervalMs ?? 500,
      promotionTimeoutMs: options.promotionTimeoutMs ?? 30_000,
      orphanGraceMs: options.orphanGraceMs ?? 30_000,
      silentAfterMs: options.silentAfterMs ?? 1_000,
      now: options.now ?? Date.now,
    };
  }

  start(): void {
    this.timer = setInterval(() => void this.reconcile(), this.o.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass: promotes and demotes nodes whose role differs from the desired one, then promotes learners. */
  async reconcile(): Promise<void> {
    if (this.busy || !this.raft.status().isLeader) return;
    this.busy = true;
    try {
      const nodes = this.store.view((tx) => tx.list("node"));
      for (const node of nodes) {
        const desired = node.spec?.desiredRole ?? "WORKER";
        if (desired === node.role) continue;
        if (desired === "MANAGER") await this.setRole(node, "MANAGER");
        else await this.demote(node);
      }
      await this.catchUpLearners(this.store.view((tx) => tx.list("node")));
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, "role change failed; will retry");
    } finally {
      this.busy = false;
    }
  }

  /** Promotes at most one caught-up learner per pass (Raft takes one membership change at a time). */
  private async catchUpLearners(nodes: readonly Node__Output[]): Promise<void> {
    const status = this.raft.status();
    const learners = status.confState.learners;
    for (const id of [...this.learners.keys()]) if (!learners.includes(id)) this.learners.delete(id);
    if (learners.length === 0) return;
    const now = this.o.now();
    const activity = new Map(this.raft.peerActivity().map((p) => [p.id, p]));
    for (const raftId of learners) {
      let watch = this.learners.get(raftId);
      if (watch === undefined) {
        watch = { since: now, commitSeen: status.commit, warnedAt: 0 };
        this.learners.set(raftId, watch);
        continue; // judge it against this pass's commit index at the next pass
      }
      const node = nodes.find((n) => n.managerStatus?.raftId === raftId);
      if (node === undefined) {
        if (now - watch.since >= this.o.orphanGraceMs) {
          this.log.warn({ raftId, forMs: now - watch.since }, "removing a raft learner that no node refers to (its join did not complete)");
          await this.raft.removeMember(raftId);
          this.learners.delete(raftId);
          return;
        }
        continue;
      }
      if ((node.spec?.desiredRole ?? "WORKER") !== "MANAGER") continue; // being demoted: reconcile removes it
      const a = activity.get(raftId);
      const lag = learnerLag(a?.progress, a?.lastHeardAgoMs ?? null, watch.commitSeen, this.o.silentAfterMs);
      if (lag === null) {
        this.log.info({ nodeId: node.id, raftId, match: a?.progress?.match, commit: status.commit, catchUpMs: now - watch.since }, "learner caught up: promoting it to a raft voter");
        await this.raft.promoteMember(raftId);
        this.learners.delete(raftId);
        this.log.info({ nodeId: node.id, raftId }, "manager promoted to a raft voter");
        return;
      }
      watch.commitSeen = status.commit;
      if (now - watch.since >= this.o.promotionTimeoutMs && now - watch.warnedAt >= this.o.promotionTimeoutMs) {
        watch.warnedAt = now;
        this.log.warn(
          { nodeId: node.id, raftId, forMs: now - watch.since, lag, commit: status.commit, lastIndex: status.lastIndex },
          "manager is still a raft learner: it has not caught up with the leader's log; it is not counted for quorum and is promoted once it catches up",
        );
      }
    }
  }

  private async demote(node: Node__Output): Promise<void> {
    const raftId = node.managerStatus?.raftId ?? 0;
    const status = this.raft.status();
    const { voters, learners } = status.confState;
    if (raftId !== 0 && learners.includes(raftId)) {
      this.log.info({ nodeId: node.id, raftId }, "demoting: removing the learner from raft");
      await this.raft.removeMember(raftId);
    } else if (raftId !== 0 && voters.includes(raftId)) {
      const otherVoters = voters.filter((id) => id !== raftId);
      if (otherVoters.length === 0) {
        this.log.warn({ nodeId: node.id }, "refusing to demote the last voting manager");
        return;
      }
      if (raftId === status.id) {
        // The leader demotes itself: hand leadership to another voter first; the next leader finishes.
        const other = otherVoters[0];
        if (other !== undefined) this.raft.transferLeadership(other);
        return;
      }
      this.log.info({ nodeId: node.id, raftId }, "demoting: removing the node from raft");
      await this.raft.removeMember(raftId);
    }
    await this.setRole(node, "WORKER");
  }

  private async setRole(node: Node__Output, role: "MANAGER" | "WORKER"): Promise<void> {
    await this.store.updateWithRetry((tx) => {
      const current = tx.get("node", node.id);
      if (current === undefined) return;
      const next = structuredClone(current);
      next.role = role;
      if (role === "WORKER") next.managerStatus = null;
      tx.update("node", next);
    });
    this.log.info({ nodeId: node.id, role }, "node role changed");
  }
}
