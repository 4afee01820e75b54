/**
 * The replicated orchestrator: keeps `replicas` live slots per replicated service. A slot is live
 * when it holds a task desired RUNNING (whatever its observed state: a dead one waits for the restart
 * supervisor) or a task the supervisor gave up on (desired COMPLETE: the slot stays empty on purpose).
 * Scale up fills the lowest free slot numbers; scale down shuts down slots on the most loaded nodes
 * first (unplaced tasks before all), highest slot first among equals. Tasks on down or drained nodes
 * are shut down and their slot refilled at once; removed services get all their tasks desired REMOVE.
 */
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import type { WriteTx } from "../../store/store.js";
import { taskOccupiesNode } from "../scheduler/node-info.js";
import type { PassResult } from "../leader/loop.js";
import { OrchestratorLoop, taskPass, type OrchestratorOptions } from "./pass.js";
import { earliest, groupTasks, isDead, isGlobal, markRemoved, newestWins, newTask, nodeDraining, nodeLost, orphanOnLostNodes, superviseDead, wantedRunning, withDesired, type OrchestratorTuning, type ServicePass } from "./tasks.js";

/** Live: desired RUNNING, or given up on (desired COMPLETE). */
function isLive(task: Task__Output): boolean {
  return wantedRunning(task) || task.desiredState === "COMPLETE";
}

/** Reconciles every replicated service (and removed services of any mode) inside one transaction. */
export function reconcileReplicated(tx: WriteTx, now: number, tuning: OrchestratorTuning): PassResult {
  const nodes = new Map(tx.list("node").map((n) => [n.id, n] as const));
  const services = new Map(tx.list("service").map((s) => [s.id, s] as const));
  const allTasks = tx.list("task");
  const byService = groupTasks(allTasks, (t) => t.serviceId);
  const nodeLoad = new Map<string, number>();
  for (const t of allTasks) if (taskOccupiesNode(t)) nodeLoad.set(t.nodeId, (nodeLoad.get(t.nodeId) ?? 0) + 1);
  return taskPass(tx, now, (writes) => {
    let wakeAt: number | undefined;
    for (const [serviceId, tasks] of byService) {
      const service = services.get(serviceId);
      if (service === undefined || (service.pendingDelete && !isGlobal(service))) markRemoved(tasks, writes);
    }
    for (const service of services.values()) {
      if (isGlobal(service) || service.pendingDelete) continue;
      wakeAt = earliest(wakeAt, reconcileService({ service, now, tuning, writes }, byService.get(service.id) ?? [], nodes, nodeLoad));
    }
    return wakeAt;
  });
}

/** One replicated service: restart, move or shut down its tasks, then scale its live slots to `replicas`. */
function reconcileService(pass: ServicePass, tasks: readonly Task__Output[], nodes: ReadonlyMap<string, Node__Output>, nodeLoad: Map<string, number>): number | undefined {
  const { service, now, tuning, writes } = pass;
  let wakeAt: number | undefined;
  // 1. Tasks that should run: move off lost/drained nodes, restart dead ones per policy (a dead task
  // whose slot another task still covers — a start-first update's pair — is only shut down).
  const covered = new Set(tasks.filter((t) => wantedRunning(t) && !isDead(t)).map((t) => `${t.slot}`));
  for (const task of tasks) {
    if (!wantedRunning(task)) continue;
    const node = task.nodeId === "" ? undefined : nodes.get(task.nodeId);
    if (task.nodeId !== "" && !isDead(task) && (nodeLost(node) || nodeDraining(node))) {
      writes.update(withDesired(task, "SHUTDOWN"));
      continue;
    }
    if (!isDead(task)) continue;
    wakeAt = earliest(wakeAt, superviseDead(pass, task, { kind: "slot", slot: Number(task.slot) }, covered.has(`${task.slot}`)).wakeAt);
  }
  wakeAt = earliest(wakeAt, orphanOnLostNodes(tasks, nodes, now, tuning.orphanAfterMs, writes));

  // 2. Live slots: one live task each (the newest wins if a race left two). A slot holding tasks of
  // the old and the current spec is the updater's (start-first, or a paused update): left alone.
  const current = [...tasks.map((t) => writes.current(t)), ...[...writes.tasks.values()].filter((t) => t.serviceId === service.id && !tasks.some((o) => o.id === t.id))];
  const slotTask = new Map<number, Task__Output>();
  for (const [slot, list] of groupTasks(current.filter(isLive), (t) => Number(t.slot))) {
    const { newest, surplus } = newestWins(service, list);
    slotTask.set(slot, newest);
    for (const older of surplus) writes.update(withDesired(older, "SHUTDOWN"));
  }

  // 3. Scale.
  const replicas = Number(service.spec?.replicated?.replicas ?? 0);
  if (slotTask.size < replicas) {
    let slot = 1;
    for (let missing = replicas - slotTask.size; missing > 0; missing--) {
      while (slotTask.has(slot)) slot++;
      const t = newTask(service, { kind: "slot", slot }, tuning.newId(), now);
      writes.create(t);
      slotTask.set(slot, t);
    }
  } else if (slotTask.size > replicas) {
    const perNode = new Map<string, number>();
    for (const t of slotTask.values()) if (t.nodeId !== "") perNode.set(t.nodeId, (perNode.get(t.nodeId) ?? 0) + 1);
    for (let extra = slotTask.size - replicas; extra > 0; extra--) {
      let victim: [number, Task__Output] | undefined;
      let best: readonly number[] = [];
      for (const entry of slotTask) {
        const t = entry[1];
        const score = t.nodeId === "" ? [Infinity, Infinity, entry[0]] : [perNode.get(t.nodeId) ?? 0, nodeLoad.get(t.nodeId) ?? 0, entry[0]];
        if (victim === undefined || compareScores(score, best) > 0) {
          victim = entry;
          best = score;
        }
      }
      if (victim === undefined) break;
      const [slot, t] = victim;
      slotTask.delete(slot);
      if (t.nodeId !== "") {
        perNode.set(t.nodeId, (perNode.get(t.nodeId) ?? 1) - 1);
        nodeLoad.set(t.nodeId, (nodeLoad.get(t.nodeId) ?? 1) - 1);
      }
      writes.update(withDesired(t, "SHUTDOWN"));
    }
  }
  return wakeAt;
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Options of the replicated orchestrator. */
export type ReplicatedOrchestratorOptions = OrchestratorOptions;

/** Runs {@link reconcileReplicated} on store changes (services, tasks, nodes) and at restart delays. */
export class ReplicatedOrchestrator extends OrchestratorLoop {
  constructor(o: ReplicatedOrchestratorOptions) {
    super(o, reconcileReplicated);
  }
}
