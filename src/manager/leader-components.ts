/**
 * Everything that runs only while this manager leads, assembled in one place: the role manager
 * (learner promotion, demotions), the reachability recorder, and the reconcilers — replicated and
 * global orchestrators, updater, rebalancer, scheduler, task reaper, network allocator (design/orchestrator.md).
 */
import type { Logger } from "../lib/logger.js";
import type { RaftServer } from "../raft/server/server.js";
import type { ApplyOutcome } from "../store/memory.js";
import type { Store } from "../store/store.js";
import { NetworkAllocator } from "./allocator/network-allocator.js";
import type { LeaderComponent } from "./leader/role.js";
import { GlobalOrchestrator } from "./orchestrator/global.js";
import { TaskReaper } from "./orchestrator/reaper.js";
import { ReplicatedOrchestrator } from "./orchestrator/replicated.js";
import { Updater } from "./orchestrator/update/updater.js";
import { Rebalancer } from "./orchestrator/rebalancer.js";
import { ReachabilityRecorder, type ReachabilityClock } from "./reachability.js";
import { RoleManager, type RoleManagerOptions } from "./roles.js";
import { SchedulerLoop } from "./scheduler/loop.js";

/** Options for {@link leaderReconcilers}. */
export interface LeaderReconcilerOptions {
  readonly clock?: () => number;
  /** See OrchestratorTuning.orphanAfterMs; default 0. */
  readonly orphanAfterMs?: number;
}

/**
 * The leader-only reconcilers in start order: replicated and global orchestrators, updater,
 * rebalancer, scheduler loop, task reaper, network allocator (node subnets, task addresses).
 */
export function leaderReconcilers(
  store: Store,
  logger: Logger,
  o: LeaderReconcilerOptions = {},
): [ReplicatedOrchestrator, GlobalOrchestrator, Updater, Rebalancer, SchedulerLoop, TaskReaper, NetworkAllocator] {
  const base = { store, clock: o.clock };
  return [
    new ReplicatedOrchestrator({ ...base, logger: logger.child({ component: "replicated-orchestrator" }), orphanAfterMs: o.orphanAfterMs }),
    new GlobalOrchestrator({ ...base, logger: logger.child({ component: "global-orchestrator" }), orphanAfterMs: o.orphanAfterMs }),
    new Updater({ ...base, logger: logger.child({ component: "updater" }) }),
    new Rebalancer({ ...base, logger: logger.child({ component: "rebalancer" }) }),
    new SchedulerLoop({ ...base, logger: logger.child({ component: "scheduler" }) }),
    new TaskReaper({ ...base, logger: logger.child({ component: "task-reaper" }) }),
    new NetworkAllocator({ ...base, logger: logger.child({ component: "network-allocator" }) }),
  ];
}

/** What {@link managerLeaderComponents} needs. */
export interface ManagerLeaderOptions {
  readonly store: Store;
  readonly raft: RaftServer<ApplyOutcome>;
  readonly clock: ReachabilityClock;
  readonly logger: Logger;
  readonly roles?: RoleManagerOptions;
  /** Run the reconcilers too (false: only membership bookkeeping, for Raft/store tests and benches). */
  readonly reconcilers: boolean;
}

/** The leader-only components of a manager, in start order. */
export function managerLeaderComponents(o: ManagerLeaderOptions): LeaderComponent[] {
  const log = o.logger.child({ component: "manager" });
  return [
    new RoleManager(o.store, o.raft, log, { silentAfterMs: o.clock.unreachableAfterMs, ...o.roles }),
    new ReachabilityRecorder(o.store, o.raft, o.clock, log),
    ...(o.reconcilers ? leaderReconcilers(o.store, o.logger) : []),
  ];
}
