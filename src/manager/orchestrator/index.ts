/** The leader's reconcilers (see design/orchestrator.md). */
import type { Logger } from "../../lib/logger.js";
import type { Store } from "../../store/store.js";
import { SchedulerLoop } from "../scheduler/loop.js";
import { GlobalOrchestrator } from "./global.js";
import { ReplicatedOrchestrator } from "./replicated.js";
import { TaskReaper } from "./reaper.js";
import { Updater } from "./update/updater.js";
import { NetworkAllocator } from "../allocator/network-allocator.js";

export { ReconcileLoop, type ReconcilerOptions, type PassResult } from "./loop.js";
export { ReplicatedOrchestrator, reconcileReplicated } from "./replicated.js";
export { GlobalOrchestrator, reconcileGlobal } from "./global.js";
export { TaskReaper, reap } from "./reaper.js";
export { SchedulerLoop } from "../scheduler/loop.js";
export { Updater, reconcileUpdates, planUpdate, UPDATE_UP_LABEL } from "./update/index.js";
export { restartDecision, RESTART_HISTORY_LABEL, type OrchestratorTuning } from "./tasks.js";

/** Options for {@link leaderReconcilers}. */
export interface LeaderReconcilerOptions {
  readonly clock?: () => number;
  /** See OrchestratorTuning.orphanAfterMs; default 0. */
  readonly orphanAfterMs?: number;
}

/**
 * The leader-only reconcilers in start order: replicated and global orchestrators, updater, scheduler
 * loop, task reaper, network allocator (node subnets, task addresses). Pass to the manager's
 * `leaderComponents`.
 */
export function leaderReconcilers(store: Store, logger: Logger, o: LeaderReconcilerOptions = {}): [ReplicatedOrchestrator, GlobalOrchestrator, Updater, SchedulerLoop, TaskReaper, NetworkAllocator] {
  const base = { store, clock: o.clock };
  return [
    new ReplicatedOrchestrator({ ...base, logger: logger.child({ component: "replicated-orchestrator" }), orphanAfterMs: o.orphanAfterMs }),
    new GlobalOrchestrator({ ...base, logger: logger.child({ component: "global-orchestrator" }), orphanAfterMs: o.orphanAfterMs }),
    new Updater({ ...base, logger: logger.child({ component: "updater" }) }),
    new SchedulerLoop({ ...base, logger: logger.child({ component: "scheduler" }) }),
    new TaskReaper({ ...base, logger: logger.child({ component: "task-reaper" }) }),
    new NetworkAllocator({ ...base, logger: logger.child({ component: "network-allocator" }) }),
  ];
}
