/**
 * The global orchestrator: one task per eligible node for every global service. Eligible for a new
 * task: READY, availability ACTIVE, placement constraints match (the scheduler's constraint matching).
 * A task stays while its node is not down or gone, not draining and still matches the constraints
 * (PAUSE keeps tasks but gets no new ones); otherwise it is shut down (ORPHANED when its node is lost).
 * Dead tasks are restarted on the same node per restart policy.
 */
import { matchConstraints, parseConstraints, type Constraint, type NodeAttributes } from "../../spec/constraints.js";
import { errorMessage } from "../../lib/errors.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Service__Output } from "../../gen/swarm/api/Service.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import type { WriteTx } from "../../store/store.js";
import { newNodeInfo } from "../scheduler/node-info.js";
import type { PassResult } from "../leader/loop.js";
import { OrchestratorLoop, taskPass, type OrchestratorOptions } from "./pass.js";
import { earliest, groupTasks, isDead, isGlobal, markRemoved, newestWins, newTask, nodeDraining, nodeLost, orphanOnLostNodes, superviseDead, wantedRunning, withDesired, type OrchestratorTuning, type ServicePass } from "./tasks.js";

function constraintsOf(service: Service__Output): Constraint[] | Error {
  try {
    return parseConstraints("spec.task.placement.constraints", service.spec?.task?.placement?.constraints ?? []);
  } catch (err) {
    return err instanceof Error ? err : new Error(errorMessage(err));
  }
}

/** The nodes as one pass sees them. */
interface Fleet {
  readonly list: readonly Node__Output[];
  readonly byId: ReadonlyMap<string, Node__Output>;
  /** Placement attributes by node id, for constraint matching. */
  readonly attributes: ReadonlyMap<string, NodeAttributes>;
}

/** Reconciles every global service inside one transaction. */
export function reconcileGlobal(tx: WriteTx, now: number, tuning: OrchestratorTuning): PassResult {
  const list = tx.list("node");
  const fleet: Fleet = {
    list,
    byId: new Map(list.map((n) => [n.id, n] as const)),
    attributes: new Map(list.map((n, i) => [n.id, newNodeInfo(n, i).attributes] as const)),
  };
  const byService = groupTasks(tx.list("task"), (t) => t.serviceId);
  return taskPass(tx, now, (writes) => {
    let wakeAt: number | undefined;
    for (const service of tx.list("service")) {
      if (!isGlobal(service)) continue;
      const tasks = byService.get(service.id) ?? [];
      if (service.pendingDelete) markRemoved(tasks, writes);
      else wakeAt = earliest(wakeAt, reconcileService({ service, now, tuning, writes }, tasks, fleet));
    }
    return wakeAt;
  });
}

/** One global service: keep, restart or shut down its tasks, and start one on each eligible node without. */
function reconcileService(pass: ServicePass, tasks: readonly Task__Output[], fleet: Fleet): number | undefined {
  const { service, now, tuning, writes } = pass;
  let wakeAt: number | undefined;
  const constraints = constraintsOf(service);
  const matches = (node: Node__Output): boolean => !(constraints instanceof Error) && matchConstraints(constraints, fleet.attributes.get(node.id)!);
  const keeps = (node: Node__Output | undefined): node is Node__Output => node !== undefined && !nodeLost(node) && !nodeDraining(node) && matches(node);

  // A node another task still covers (a start-first update's pair): a dead task there is only shut down.
  const covered = new Set(tasks.filter((t) => wantedRunning(t) && !isDead(t)).map((t) => t.nodeId));
  const liveOnNode = new Map<string, Task__Output[]>();
  const live = (task: Task__Output): void => {
    liveOnNode.set(task.nodeId, [...(liveOnNode.get(task.nodeId) ?? []), task]);
  };
  for (const task of tasks) {
    if (!wantedRunning(task) && task.desiredState !== "COMPLETE") continue;
    if (!keeps(fleet.byId.get(task.nodeId))) {
      if (wantedRunning(task)) writes.update(withDesired(task, "SHUTDOWN"));
      continue;
    }
    if (wantedRunning(task) && isDead(task)) {
      const supervised = superviseDead(pass, task, { kind: "node", nodeId: task.nodeId }, covered.has(task.nodeId));
      wakeAt = earliest(wakeAt, supervised.wakeAt);
      if (supervised.holder !== undefined) live(supervised.holder);
    } else live(writes.current(task));
  }
  for (const list of liveOnNode.values()) {
    for (const older of newestWins(service, list).surplus) if (wantedRunning(older)) writes.update(withDesired(older, "SHUTDOWN"));
  }
  for (const node of fleet.list) {
    if (liveOnNode.has(node.id)) continue;
    const ready = node.status?.state === "READY" && (node.spec?.availability ?? "ACTIVE") === "ACTIVE";
    if (ready && matches(node)) writes.create(newTask(service, { kind: "node", nodeId: node.id }, tuning.newId(), now));
  }
  return earliest(wakeAt, orphanOnLostNodes(tasks, fleet.byId, now, tuning.orphanAfterMs, writes));
}

/** Options of the global orchestrator. */
export type GlobalOrchestratorOptions = OrchestratorOptions;

/** Runs {@link reconcileGlobal} on store changes (services, tasks, nodes) and at restart delays. */
export class GlobalOrchestrator extends OrchestratorLoop {
  constructor(o: GlobalOrchestratorOptions) {
    super(o, reconcileGlobal);
  }
}
