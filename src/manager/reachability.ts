/**
 * MANAGER STATUS "Reachable/Unreachable" from Raft, not from heartbeats: the leader calls a manager
 * reachable while it keeps hearing from it (any Raft message within `unreachableAfterMs`; with the
 * default 50 ms heartbeats that is ~20 missed rounds). The leader is the only member that talks to every
 * other one, so followers show what the leader last recorded in the store (the recorder below writes
 * transitions only), except for themselves and the leader they hear from.
 */
import type { Node__Output } from "../gen/swarm/api/Node.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { RaftServer } from "../raft/server/server.js";
import type { ApplyOutcome } from "../store/memory.js";
import type { Store } from "../store/store.js";
import type { LeaderComponent } from "./leader/role.js";

/** A manager's reachability as the API shows it. */
export type Reachability = "REACHABLE" | "UNREACHABLE";

/** What the live view needs to know about this member's Raft. */
export interface ReachabilityClock {
  /** Date.now() when this member last became leader (0 if it is not the leader). */
  leaderSince(): number;
  /** Silence after which a member is unreachable (ms). */
  readonly unreachableAfterMs: number;
}

/** What reachability reads from a Raft member (read-only). */
export type RaftActivityView = Pick<RaftServer, "status" | "peerActivity">;

/** The live reachability of the manager with Raft id `raftId` (stored value: what the leader recorded). */
export function liveReachability(raft: RaftActivityView, clock: ReachabilityClock, raftId: number, stored: Reachability, now = Date.now()): Reachability {
  const status = raft.status();
  if (!status.members.has(raftId)) return "UNREACHABLE";
  if (raftId === status.id) return "REACHABLE";
  const heard = (): number | null => raft.peerActivity().find((p) => p.id === raftId)?.lastHeardAgoMs ?? null;
  if (status.isLeader) {
    const ago = heard();
    if (ago !== null && ago < clock.unreachableAfterMs) return "REACHABLE";
    // A new leader has not heard from everyone yet: keep the recorded value for a moment.
    return now - clock.leaderSince() < clock.unreachableAfterMs ? stored : "UNREACHABLE";
  }
  if (raftId === status.leader) {
    const ago = heard();
    return ago !== null && ago < clock.unreachableAfterMs ? "REACHABLE" : "UNREACHABLE";
  }
  return stored;
}

/** Leader only: records reachability transitions in the store so every manager shows the leader's view. */
export class ReachabilityRecorder implements LeaderComponent {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly store: Store,
    private readonly raft: RaftServer<ApplyOutcome>,
    private readonly clock: ReachabilityClock,
    private readonly log: Logger,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.record(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass: writes the managers whose live reachability differs from the stored one (one transaction). */
  async record(): Promise<void> {
    if (this.busy || !this.raft.status().isLeader) return;
    this.busy = true;
    try {
      const changed = this.store.view((tx) => tx.list("node")).flatMap((n) => {
        const ms = n.managerStatus;
        if (ms == null || ms.raftId === 0) return [];
        const stored = storedReachability(n);
        const live = liveReachability(this.raft, this.clock, ms.raftId, stored);
        return live === stored ? [] : [{ id: n.id, live }];
      });
      if (changed.length === 0) return;
      await this.store.updateWithRetry((tx) => {
        for (const { id, live } of changed) {
          const current = tx.get("node", id);
          if (current?.managerStatus == null) continue;
          const next = structuredClone(current);
          next.managerStatus = { ...current.managerStatus, reachability: live };
          tx.update("node", next);
        }
      });
      this.log.info({ changed }, "manager reachability changed");
    } catch (err) {
      this.log.debug({ err: errorMessage(err) }, "could not record manager reachability; will retry");
    } finally {
      this.busy = false;
    }
  }
}

/** The reachability the store holds for a manager node. */
export function storedReachability(node: Node__Output): Reachability {
  return node.managerStatus?.reachability === "UNREACHABLE" ? "UNREACHABLE" : "REACHABLE";
}
