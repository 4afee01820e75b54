/**
 * The scheduler loop on the leader: whenever tasks or nodes change, run the pure {@link schedule} over
 * the store's nodes and tasks and write its decisions — node id + ASSIGNED ("scheduled") for placed
 * tasks, the "no suitable node (…)" explanation in status.message of those left PENDING — in one
 * transaction per batch. Decisions are re-checked against fresh reads inside the transaction (a task
 * that changed meanwhile is skipped and looked at in the next pass). Nodes where a service's tasks
 * failed recently are derived from the FAILED/REJECTED tasks in the store, so a new leader needs no
 * memory of the old one's.
 */
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import { ReconcileLoop, type PassResult, type ReconcilerOptions } from "../leader/loop.js";
import { RecentFailures } from "./recent-failures.js";
import { isSchedulable, schedule } from "./scheduler.js";

/** Tasks written per transaction at most. */
const BATCH = 1_000;

/** Nodes with recent failures per service, from the failed tasks' store timestamps. */
export function recentFailuresOf(tasks: readonly Task__Output[], now: number): Map<string, Set<string>> {
  const failures = new RecentFailures();
  for (const t of tasks) {
    const state = t.status?.state;
    if ((state === "FAILED" || state === "REJECTED") && t.nodeId !== "") failures.record(t.serviceId, t.nodeId, t.meta?.updatedAt ?? 0);
  }
  return failures.snapshot(now);
}

/** Assigns PENDING tasks to nodes on task and node changes. */
export class SchedulerLoop extends ReconcileLoop {
  constructor(o: ReconcilerOptions) {
    super(o, (e) => e.kind === "task" || e.kind === "node");
  }

  protected async pass(): Promise<PassResult> {
    const input = this.store.view((tx) => {
      const tasks = tx.list("task");
      return tasks.some(isSchedulable) ? { nodes: tx.list("node"), tasks } : undefined;
    });
    if (input === undefined) return {};
    const now = this.clock();
    const result = schedule({ ...input, recentFailures: recentFailuresOf(input.tasks, now) });
    const planned = input.tasks.filter(isSchedulable).map((t) => [t.id, t.nodeId] as const);
    const decisions = [
      ...result.assignments.map((a) => ({ taskId: a.taskId, nodeId: a.nodeId, message: "scheduled" })),
      ...result.unschedulable.map((u) => ({ taskId: u.taskId, nodeId: undefined, message: u.message })),
    ];
    const wasNode = new Map(planned);
    let assigned = 0;
    for (let i = 0; i < decisions.length; i += BATCH) {
      const batch = decisions.slice(i, i + BATCH);
      await this.store.updateWithRetry((tx) => {
        for (const d of batch) {
          const task = tx.get("task", d.taskId);
          // Skip a task that changed since it was scheduled (placed, shut down, or moved).
          if (task === undefined || !isSchedulable(task) || task.nodeId !== wasNode.get(d.taskId)) continue;
          const next = structuredClone(task);
          if (d.nodeId !== undefined) {
            next.nodeId = d.nodeId;
            next.status = { ...next.status!, state: "ASSIGNED", message: "scheduled", err: "", timestamp: now };
            assigned++;
          } else {
            if (task.status?.message === d.message) continue;
            next.status = { ...next.status!, message: d.message, timestamp: now };
          }
          tx.update("task", next);
        }
      });
    }
    if (assigned > 0 || result.unschedulable.length > 0) {
      this.log.debug({ assigned, unschedulable: result.unschedulable.length }, "scheduling pass");
    }
    return {};
  }
}
