/**
 * The rebalancer (leader only): runs {@link planRebalance} for every replicated service in one
 * transaction per pass, on store changes (a node becoming READY or ACTIVE, tasks coming up, the
 * cluster setting) and when a move's delay ends. Keeps no state of its own: moves in flight are the
 * tasks labelled swarm.rebalance.from, so a new leader's rebalancer resumes.
 */
import { newId } from "../../lib/ids.js";
import type { WriteTx } from "../../store/store.js";
import type { PassResult, ReconcilerOptions } from "../leader/loop.js";
import { buildNodeInfos } from "../scheduler/node-info.js";
import { recentFailuresOf } from "../scheduler/loop.js";
import { taskPass, TransactionLoop } from "./pass.js";
import { planRebalance, rebalanceEnabled, type Move } from "./rebalance.js";
import { earliest, groupTasks } from "./tasks.js";

/** Plans every service's rebalancing inside one transaction; `onMove` hears each move started. */
export function reconcileRebalance(tx: WriteTx, now: number, makeId: () => string = newId, onMove?: (serviceId: string, move: Move) => void): PassResult {
  if (!rebalanceEnabled(tx.list("cluster")[0])) return {};
  const nodeList = tx.list("node");
  const tasks = tx.list("task");
  const nodes = new Map(nodeList.map((n) => [n.id, n] as const));
  const infos = buildNodeInfos(nodeList, tasks);
  const failures = recentFailuresOf(tasks, now);
  const byService = groupTasks(tasks, (t) => t.serviceId);
  return taskPass(tx, now, (writes) => {
    let wakeAt: number | undefined;
    for (const service of tx.list("service")) {
      const plan = planRebalance(service, { tasks: byService.get(service.id) ?? [], infos, nodes, failedOn: failures.get(service.id), now, newId: makeId, writes });
      for (const m of plan.moves) onMove?.(service.id, m);
      wakeAt = earliest(wakeAt, plan.wakeAt);
    }
    return wakeAt;
  });
}

/** Options of the rebalancer. */
export interface RebalancerOptions extends ReconcilerOptions {
  /** Id source for moved tasks. */
  readonly newId?: () => string;
}

/** Runs {@link reconcileRebalance} on store changes (the cluster object included) and at move delays. */
export class Rebalancer extends TransactionLoop {
  constructor(o: RebalancerOptions) {
    const makeId = o.newId ?? newId;
    super(o, () => true, (tx, now) =>
      reconcileRebalance(tx, now, makeId, (serviceId, m) => this.log.info({ serviceId, slot: m.slot, from: m.from, taskId: m.taskId }, "rebalancing a replica")),
    );
  }
}
