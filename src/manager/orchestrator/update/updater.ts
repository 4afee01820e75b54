/**
 * The updater (leader only): runs {@link planUpdate} for every service in one transaction per pass, on
 * service, task and node changes and when a delay or monitor window ends. Keeps no state of its own:
 * the update state lives in the services and the tasks' labels, so a new leader's updater resumes.
 */
import { newId } from "../../../lib/ids.js";
import type { Task__Output } from "../../../gen/swarm/api/Task.js";
import type { WriteTx } from "../../../store/store.js";
import { ReconcileLoop, type PassResult, type ReconcilerOptions } from "../../leader/loop.js";
import { earliest, TaskWrites } from "../tasks.js";
import { planUpdate } from "./plan.js";

/** Plans every service's update inside one transaction. */
export function reconcileUpdates(tx: WriteTx, now: number, makeId: () => string = newId): PassResult {
  const nodes = new Map(tx.list("node").map((n) => [n.id, n] as const));
  const byService = new Map<string, Task__Output[]>();
  for (const t of tx.list("task")) {
    const list = byService.get(t.serviceId);
    if (list === undefined) byService.set(t.serviceId, [t]);
    else list.push(t);
  }
  const writes = new TaskWrites();
  let wakeAt: number | undefined;
  for (const service of tx.list("service")) {
    const plan = planUpdate(service, { tasks: byService.get(service.id) ?? [], nodes, now, newId: makeId, writes });
    if (plan.service !== undefined) tx.update("service", plan.service);
    wakeAt = earliest(wakeAt, plan.wakeAt);
  }
  if (writes.flush(tx)) wakeAt = now;
  return wakeAt === undefined ? {} : { wakeAt };
}

/** Options of the updater. */
export interface UpdaterOptions extends ReconcilerOptions {
  /** Id source for replacement tasks. */
  readonly newId?: () => string;
}

/** Runs {@link reconcileUpdates} on store changes and at delay/monitor deadlines. */
export class Updater extends ReconcileLoop {
  private readonly makeId: () => string;

  constructor(o: UpdaterOptions) {
    super(o, (e) => e.kind !== "cluster");
    this.makeId = o.newId ?? newId;
  }

  protected async pass(): Promise<PassResult> {
    let result: PassResult = {};
    await this.store.updateWithRetry((tx) => {
      result = reconcileUpdates(tx, this.clock(), this.makeId);
    });
    return result;
  }
}
