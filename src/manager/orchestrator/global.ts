/**
 * The global orchestrator: one task per eligible node for every global service. Eligible for a new
 * task: READY, availability ACTIVE, placement constraints match (the scheduler's constraint matching).
 * A task stays while its node is not down or gone, not draining and still matches the constraints
 * (PAUSE keeps tasks but gets no new ones); otherwise it is shut down (ORPHANED when its node is lost).
 * Dead tasks are restarted on the same node per restart policy.
 */
import { matchConstraints, parseConstraints, type Constraint } from "../../spec/constraints.js";
import { errorMessage } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Service__Output } from "../../gen/swarm/api/Service.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import type { WriteTx } from "../../store/store.js";
import { newNodeInfo } from "../scheduler/node-info.js";
import { ReconcileLoop, type PassResult, type ReconcilerOptions } from "../leader/loop.js";
import { isTaskDirty } from "../../spec/task-dirty.js";
import {
  byCreation,
  earliest,
  isDead,
  isGlobal,
  newTask,
  nodeDraining,
  nodeLost,
  orphanOnLostNodes,
  restartDecision,
  TaskWrites,
  wantedRunning,
  withDesired,
  type OrchestratorTuning,
} from "./tasks.js";

function constraintsOf(service: Service__Output): Constraint[] | Error {
  try {
    return parseConstraints("spec.task.placement.constraints", service.spec?.task?.placement?.constraints ?? []);
  } catch (err) {
    return err instanceof Error ? err : new Error(errorMessage(err));
  }
}

/** Reconciles every global service inside one transaction. */
export function reconcileGlobal(tx: WriteTx, now: number, tuning: OrchestratorTuning): PassResult {
  const nodeList = tx.list("node");
  const nodes = new Map(nodeList.map((n) => [n.id, n] as const));
  const attributes = new Map(nodeList.map((n, i) => [n.id, newNodeInfo(n, i).attributes] as const));
  const byService = new Map<string, Task__Output[]>();
  for (const t of tx.list("task")) {
    const list = byService.get(t.serviceId);
    if (list === undefined) byService.set(t.serviceId, [t]);
    else list.push(t);
  }
  const writes = new TaskWrites();
  let wakeAt: number | undefined;
  for (const service of tx.list("service")) {
    if (!isGlobal(service)) continue;
    const tasks = byService.get(service.id) ?? [];
    if (service.pendingDelete) {
      for (const t of tasks) if (t.desiredState !== "REMOVE") writes.update(withDesired(t, "REMOVE"));
      continue;
    }
    const constraints = constraintsOf(service);
    const matches = (node: Node__Output): boolean => !(constraints instanceof Error) && matchConstraints(constraints, attributes.get(node.id)!);
    const keeps = (node: Node__Output | undefined): node is Node__Output => node !== undefined && !nodeLost(node) && !nodeDraining(node) && matches(node);

    // A node another task still covers (a start-first update's pair): a dead task there is only shut down.
    const covered = new Set(tasks.filter((t) => wantedRunning(t) && !isDead(t)).map((t) => t.nodeId));
    const liveOnNode = new Map<string, Task__Output[]>();
    for (const task of tasks) {
      if (!wantedRunning(task) && task.desiredState !== "COMPLETE") continue;
      const node = nodes.get(task.nodeId);
      if (!keeps(node)) {
        if (wantedRunning(task)) writes.update(withDesired(task, "SHUTDOWN"));
        continue;
      }
      if (wantedRunning(task) && isDead(task)) {
        if (covered.has(task.nodeId)) {
          writes.update(withDesired(task, "SHUTDOWN"));
          continue;
        }
        const decision = restartDecision(task, now);
        if (decision.kind === "wait") wakeAt = earliest(wakeAt, decision.until);
        else if (decision.kind === "give-up") writes.update(withDesired(task, "COMPLETE", { message: decision.message }));
        else {
          const replacement = newTask(service, { kind: "node", nodeId: task.nodeId }, tuning.newId(), now, decision.history);
          writes.replace(withDesired(task, "SHUTDOWN"), replacement);
          liveOnNode.set(task.nodeId, [...(liveOnNode.get(task.nodeId) ?? []), replacement]);
          continue;
        }
      }
      liveOnNode.set(task.nodeId, [...(liveOnNode.get(task.nodeId) ?? []), writes.current(task)]);
    }
    for (const list of liveOnNode.values()) {
      list.sort(byCreation);
      const dirty = list.map((t) => isTaskDirty(service, t));
      if (dirty.includes(true) && dirty.includes(false)) continue; // the updater's (start-first or paused)
      for (const older of list.slice(0, -1)) if (wantedRunning(older)) writes.update(withDesired(older, "SHUTDOWN"));
    }
    for (const node of nodeList) {
      if (liveOnNode.has(node.id)) continue;
      const ready = node.status?.state === "READY" && (node.spec?.availability ?? "ACTIVE") === "ACTIVE";
      if (ready && matches(node)) writes.create(newTask(service, { kind: "node", nodeId: node.id }, tuning.newId(), now));
    }
    wakeAt = earliest(wakeAt, orphanOnLostNodes(tasks.map((t) => writes.current(t)), nodes, now, tuning.orphanAfterMs, (t) => writes.update(t)));
  }
  if (writes.flush(tx)) wakeAt = now;
  return wakeAt === undefined ? {} : { wakeAt };
}

/** Options of the global orchestrator. */
export interface GlobalOrchestratorOptions extends ReconcilerOptions, Partial<OrchestratorTuning> {}

/** Runs {@link reconcileGlobal} on store changes (services, tasks, nodes) and at restart delays. */
export class GlobalOrchestrator extends ReconcileLoop {
  private readonly tuning: OrchestratorTuning;

  constructor(o: GlobalOrchestratorOptions) {
    super(o, (e) => e.kind !== "cluster");
    this.tuning = { orphanAfterMs: o.orphanAfterMs ?? 0, newId: o.newId ?? newId };
  }

  protected async pass(): Promise<PassResult> {
    let result: PassResult = {};
    await this.store.updateWithRetry((tx) => {
      result = reconcileGlobal(tx, this.clock(), this.tuning);
    });
    return result;
  }
}
