/**
 * The task reaper: deletes tasks nobody needs any more.
 * - Tasks desired REMOVE (their service was removed) once they are dead, were never placed, or their
 *   node is down or gone (no agent will ever report them stopped).
 * - History: per slot (replicated) or per service and node (global), at most
 *   cluster.spec.orchestration.taskHistoryRetentionLimit (default 5; negative = unlimited) old tasks
 *   are kept — old meaning shut down by the orchestrators (desired SHUTDOWN) and dead or never run;
 *   the oldest go first. Tasks desired RUNNING or COMPLETE are never history.
 * - Services marked pendingDelete whose tasks are all gone.
 */
import { CLUSTER_DEFAULTS } from "../../spec/defaults.js";
import { taskStateOrder } from "../../spec/task-state.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import type { ReadTx, WriteTx } from "../../store/store.js";
import type { PassResult, ReconcilerOptions } from "../leader/loop.js";
import { TransactionLoop } from "./pass.js";
import { byCreation, isDead, MAX_WRITES_PER_TX, nodeLost, observed } from "./tasks.js";

/** The history limit from the cluster object (default 5). */
export function historyLimit(tx: ReadTx): number {
  const cluster = tx.list("cluster")[0];
  const limit = cluster?.spec?.orchestration?.taskHistoryRetentionLimit;
  return limit ?? CLUSTER_DEFAULTS.taskHistoryRetentionLimit;
}

/** Never reached a node's agent (or the agent never acknowledged it). */
function neverRan(task: Task__Output): boolean {
  return task.nodeId === "" || taskStateOrder(observed(task)) < taskStateOrder("ASSIGNED");
}

/** Deletes what is no longer needed, in one transaction (at most MAX_WRITES_PER_TX deletions; then asks to run again at `now`). */
export function reap(tx: WriteTx, now: number): PassResult {
  const limit = historyLimit(tx);
  let budget = MAX_WRITES_PER_TX;
  const removeTask = (id: string): boolean => {
    if (budget <= 0) return false;
    budget--;
    tx.remove("task", id);
    return true;
  };
  const nodes = new Map(tx.list("node").map((n) => [n.id, n] as const));
  const tasks = tx.list("task");
  const history = new Map<string, Task__Output[]>();
  const remaining = new Map<string, number>();
  for (const t of tasks) {
    if (t.desiredState === "REMOVE") {
      if ((isDead(t) || neverRan(t) || nodeLost(nodes.get(t.nodeId))) && removeTask(t.id)) continue;
    } else if (t.desiredState === "SHUTDOWN" && (isDead(t) || neverRan(t))) {
      const key = `${t.serviceId}\u0000${t.slot !== 0 ? `slot ${t.slot}` : `node ${t.nodeId}`}`;
      const list = history.get(key);
      if (list === undefined) history.set(key, [t]);
      else list.push(t);
    }
    remaining.set(t.serviceId, (remaining.get(t.serviceId) ?? 0) + 1);
  }
  if (limit >= 0) {
    for (const list of history.values()) {
      if (list.length <= limit) continue;
      list.sort(byCreation);
      for (const t of list.slice(0, list.length - limit)) {
        if (!removeTask(t.id)) break;
        remaining.set(t.serviceId, (remaining.get(t.serviceId) ?? 1) - 1);
      }
    }
  }
  for (const s of tx.list("service")) {
    if (s.pendingDelete && (remaining.get(s.id) ?? 0) === 0) tx.remove("service", s.id);
  }
  return budget <= 0 ? { wakeAt: now } : {};
}

/** Runs {@link reap} on task, node, service and cluster changes. */
export class TaskReaper extends TransactionLoop {
  constructor(o: ReconcilerOptions) {
    super(o, () => true, reap);
  }
}
