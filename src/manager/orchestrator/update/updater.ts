/**
 * The updater (leader only): runs {@link planUpdate} for every service in one transaction per pass, on
 * service, task and node changes and when a delay or monitor window ends. Keeps no state of its own:
 * the update state lives in the services and the tasks' labels, so a new leader's updater resumes.
 */
import { newId } from "../../../lib/ids.js";
import type { WriteTx } from "../../../store/store.js";
import type { PassResult, ReconcilerOptions } from "../../leader/loop.js";
import { taskPass, TransactionLoop } from "../pass.js";
import { earliest, groupTasks } from "../tasks.js";
import { planUpdate } from "./plan.js";

/** Plans every service's update inside one transaction. */
export function reconcileUpdates(tx: WriteTx, now: number, makeId: () => string = newId): PassResult {
  const nodes = new Map(tx.list("node").map((n) => [n.id, n] as const));
  const byService = groupTasks(tx.list("task"), (t) => t.serviceId);
  return taskPass(tx, now, (writes) => {
    let wakeAt: number | undefined;
    for (const service of tx.list("service")) {
      const plan = planUpdate(service, { tasks: byService.get(service.id) ?? [], nodes, now, newId: makeId, writes });
      if (plan.service !== undefined) tx.update("service", plan.service);
      wakeAt = earliest(wakeAt, plan.wakeAt);
    }
    return wakeAt;
  });
}

/** Options of the updater. */
export interface UpdaterOptions extends ReconcilerOptions {
  /** Id source for replacement tasks. */
  readonly newId?: () => string;
}

/** Runs {@link reconcileUpdates} on store changes and at delay/monitor deadlines. */
export class Updater extends TransactionLoop {
  constructor(o: UpdaterOptions) {
    const makeId = o.newId ?? newId;
    super(o, (e) => e.kind !== "cluster", (tx, now) => reconcileUpdates(tx, now, makeId));
  }
}
