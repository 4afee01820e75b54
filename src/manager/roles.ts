/**
 * The role manager (leader only): makes a node's observed role follow `spec.desiredRole`.
 * Promotion: the node's role becomes MANAGER; the node notices at its next heartbeat, renews its
 * certificate (now with the manager OU), starts a manager and asks to join Raft. Demotion: the leader
 * first removes the node from Raft — refused when it would leave fewer than one manager or break the
 * quorum of the remaining ones — then sets the role to WORKER; the node renews as a worker and stops
 * its manager.
 */
import type { Node__Output } from "../gen/swarm/api/Node.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { RaftServer } from "../raft/server/server.js";
import type { ApplyOutcome } from "../store/memory.js";
import type { Store } from "../store/store.js";
import type { LeaderComponent } from "./leader.js";

/** Reconciles node roles with their desired roles. */
export class RoleManager implements LeaderComponent {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly store: Store,
    private readonly raft: RaftServer<ApplyOutcome>,
    private readonly log: Logger,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.reconcile(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass: promotes and demotes nodes whose role differs from the desired one. */
  async reconcile(): Promise<void> {
    if (this.busy || !this.raft.status().isLeader) return;
    this.busy = true;
    try {
      const nodes = this.store.view((tx) => tx.list("node"));
      for (const node of nodes) {
        const desired = node.spec?.desiredRole ?? "WORKER";
        if (desired === node.role) continue;
        if (desired === "MANAGER") await this.setRole(node, "MANAGER");
        else await this.demote(node, nodes);
      }
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, "role change failed; will retry");
    } finally {
      this.busy = false;
    }
  }

  private async demote(node: Node__Output, nodes: readonly Node__Output[]): Promise<void> {
    const raftId = node.managerStatus?.raftId ?? 0;
    const status = this.raft.status();
    if (raftId !== 0 && status.members.has(raftId)) {
      const managers = nodes.filter((n) => n.role === "MANAGER").length;
      if (managers <= 1) {
        this.log.warn({ nodeId: node.id }, "refusing to demote the last manager");
        return;
      }
      if (raftId === status.id) {
        // The leader demotes itself: hand leadership to another member first; the next leader finishes.
        const other = [...status.members.keys()].find((id) => id !== status.id);
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
