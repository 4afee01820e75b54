/**
 * The rebalancing planner (pure): when a replicated service's replicas are uneven by more than one
 * across the nodes it may run on — typically because a node joined, came back from Down, or was set
 * active again after a drain or pause — it moves replicas from the fullest nodes, a few at a time, so
 * the emptiest nodes get their share back. A move is a new task in the same slot, labelled
 * {@link REBALANCE_FROM_LABEL} with the node it left; the scheduler places it on the emptiest node
 * (the task it replaces no longer counts there, see scheduler/node-info.ts). Like an update, it
 * honours the service's update config:
 *
 * - parallelism: at most that many moves in flight (0 = all needed at once); a move is in flight
 *   until its new task is up (RUNNING, healthy if it has a check) plus `delay`. When the updater
 *   first sees it up the planner stamps {@link REBALANCE_UP_LABEL} with the time.
 * - order: stop-first shuts the old task down as the new one is created (it drains through the mesh
 *   like any shutdown while the other replicas serve); start-first keeps it until the new one runs
 *   (newestWins in tasks.ts holds it back, then shuts it down).
 *
 * Nothing moves while the service is being updated, has tasks of an older spec, or has tasks on
 * their way up that are not moves (scale-up, restart): those settle first. Opt-outs: the cluster
 * setting `orchestration.rebalance = false` (`swarmctl swarm update --rebalance=false`) and the
 * service label `com.swarm.rebalance=false`. Services with spread preferences balance over label
 * values, not nodes: left alone. A move only starts when some node that passes all the service's
 * filters (resources, ports, max replicas) holds at least two fewer replicas than the donor and the
 * service did not fail there recently, so a move never lands back where it came from.
 */
import type { Cluster__Output } from "../../gen/swarm/api/Cluster.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Service__Output } from "../../gen/swarm/api/Service.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import { isTaskDirty } from "../../spec/task-dirty.js";
import { dynamicFailure, staticFailure } from "../scheduler/filters.js";
import { addTaskToNode, type NodeInfo } from "../scheduler/node-info.js";
import { parsePlacement, type ParsedGroup } from "../scheduler/scheduler.js";
import { byCreation, earliest, isDead, isGlobal, newTask, REBALANCE_FROM_LABEL, wantedRunning, withDesired, withLabel, type TaskWrites } from "./tasks.js";
import { isActiveUpdate, isUp, updateConfigOf } from "./update/plan.js";

/** Task label: when (Unix ms, the leader's clock) the rebalancer saw a moved task up. */
export const REBALANCE_UP_LABEL = "swarm.rebalance.up-at";

/** Service label that, set to "false", keeps the rebalancer away from the service. */
export const REBALANCE_OPT_OUT_LABEL = "com.swarm.rebalance";

/** The cluster setting: on unless `spec.orchestration.rebalance` is false. */
export function rebalanceEnabled(cluster: Cluster__Output | undefined): boolean {
  return cluster?.spec?.orchestration?.rebalance ?? true;
}

/** Inputs of {@link planRebalance} besides the service. */
export interface RebalanceContext {
  /** The service's tasks (history included). */
  readonly tasks: readonly Task__Output[];
  /** Scheduler view of every node (all services' tasks accounted); moves planned here are added to it. */
  readonly infos: ReadonlyMap<string, NodeInfo>;
  readonly nodes: ReadonlyMap<string, Node__Output>;
  /** Nodes where the service failed recently: never a target. */
  readonly failedOn: ReadonlySet<string> | undefined;
  readonly now: number;
  readonly newId: () => string;
  readonly writes: TaskWrites;
}

/** One planned move (also staged in ctx.writes). */
export interface Move {
  readonly slot: number;
  readonly from: string;
  readonly taskId: string;
}

/** What one service's pass decided. */
export interface RebalancePlan {
  readonly moves: readonly Move[];
  /** When a move's delay ends. */
  readonly wakeAt?: number;
}

function label(task: Task__Output, key: string): string | undefined {
  return task.annotations?.labels[key];
}

/** Why the service is left alone this pass, or null when it may be rebalanced. */
export function rebalanceBlocker(service: Service__Output, tasks: readonly Task__Output[]): string | null {
  if (service.pendingDelete || service.spec == null || isGlobal(service)) return "not a replicated service";
  if (service.spec.annotations?.labels?.[REBALANCE_OPT_OUT_LABEL] === "false") return `label ${REBALANCE_OPT_OUT_LABEL}=false`;
  if (isActiveUpdate(service.updateStatus?.state)) return "update in progress";
  if ((service.spec.task?.placement?.preferences ?? []).length > 0) return "spread preferences";
  const live = tasks.filter(wantedRunning);
  if (live.some((t) => isTaskDirty(service, t))) return "tasks of an older spec";
  if (live.some((t) => label(t, REBALANCE_FROM_LABEL) === undefined && !isUp(t) && !isDead(t))) return "tasks still starting";
  return null;
}

/**
 * Plans one pass for `service`: stamps moved tasks seen up, and starts as many new moves as the
 * parallelism leaves room for. Pure apart from `ctx.newId`.
 */
export function planRebalance(service: Service__Output, ctx: RebalanceContext): RebalancePlan {
  if (rebalanceBlocker(service, ctx.tasks) !== null) return { moves: [] };
  const { now, writes } = ctx;
  const config = updateConfigOf(service);
  const delayMs = Number(config.delayMs);
  const parallelism = Number(config.parallelism ?? 1);
  const startFirst = config.order === "START_FIRST";

  // 1. Moves in flight.
  let busy = 0;
  let wakeAt: number | undefined;
  const live = ctx.tasks.filter(wantedRunning).sort(byCreation);
  for (const t of live) {
    if (label(t, REBALANCE_FROM_LABEL) === undefined || isDead(t)) continue;
    const seen = Number(label(t, REBALANCE_UP_LABEL) ?? NaN);
    if (Number.isFinite(seen)) {
      if (seen + delayMs > now) {
        busy++;
        wakeAt = earliest(wakeAt, seen + delayMs);
      }
    } else if (isUp(t)) {
      writes.update(withLabel(writes.current(t), REBALANCE_UP_LABEL, String(now)));
      if (delayMs > 0) {
        busy++;
        wakeAt = earliest(wakeAt, now + delayMs);
      }
    } else {
      busy++;
    }
  }
  const room = parallelism <= 0 ? Number.POSITIVE_INFINITY : parallelism - busy;
  if (room <= 0) return { moves: [], ...(wakeAt === undefined ? {} : { wakeAt }) };

  // 2. Per node, the slots' holders (the newest live task of each slot).
  const holders = new Map<number, Task__Output>();
  for (const t of live) if (Number(t.slot) > 0) holders.set(Number(t.slot), t);
  // Wait until every move in flight is placed: the counts below must say where it went.
  if ([...holders.values()].some((t) => t.nodeId === "" || (!isUp(t) && label(t, REBALANCE_FROM_LABEL) === undefined))) return { moves: [], ...(wakeAt === undefined ? {} : { wakeAt }) };

  let parsed: ParsedGroup;
  try {
    parsed = parsePlacement(service.id, holders.values().next().value);
  } catch {
    return { moves: [] }; // the scheduler reports invalid placement on the tasks it cannot place
  }
  const { req } = parsed;
  const eligible = [...ctx.infos.values()].filter((n) => staticFailure(req, n) === null);
  const perNode = new Map<string, Task__Output[]>(eligible.map((n) => [n.id, []]));
  for (const t of holders.values()) perNode.get(t.nodeId)?.push(t);

  // 3. Moves: fullest donor → emptiest target that can take a task, while they differ by two or more.
  const moves: Move[] = [];
  while (moves.length < room) {
    let donor: NodeInfo | undefined;
    let target: NodeInfo | undefined;
    for (const n of eligible) {
      const c = perNode.get(n.id)?.length ?? 0;
      if (donor === undefined || c > (perNode.get(donor.id)?.length ?? 0) || (c === (perNode.get(donor.id)?.length ?? 0) && n.totalTasks > donor.totalTasks)) donor = n;
      if (ctx.failedOn?.has(n.id) === true || dynamicFailure(req, n) !== null) continue;
      if (target === undefined || c < (perNode.get(target.id)?.length ?? 0)) target = n;
    }
    if (donor === undefined || target === undefined) break;
    const donorTasks = perNode.get(donor.id) ?? [];
    const targetTasks = perNode.get(target.id) ?? [];
    if (donorTasks.length - targetTasks.length < 2) break;
    // The highest slot moves: deterministic, and scale-down removes high slots first anyway.
    donorTasks.sort((a, b) => Number(a.slot) - Number(b.slot));
    const old = donorTasks.pop();
    if (old === undefined) break;
    const from = ctx.nodes.get(donor.id)?.description?.hostname || donor.id;
    const fresh = newTask(service, { kind: "slot", slot: Number(old.slot) }, ctx.newId(), now);
    fresh.annotations = { name: fresh.annotations?.name ?? "", labels: { ...(fresh.annotations?.labels ?? {}), [REBALANCE_FROM_LABEL]: from } };
    fresh.status = { ...fresh.status!, message: `rebalanced from ${from}` };
    if (startFirst) writes.create(fresh);
    else writes.replace(withDesired(writes.current(old), "SHUTDOWN"), fresh);
    targetTasks.push(fresh);
    // Account the move on the target so later services of this pass see it.
    addTaskToNode(target, service.id, req.nanoCpus, req.memoryBytes, req.hostPorts);
    moves.push({ slot: Number(old.slot), from, taskId: fresh.id });
  }
  return { moves, ...(wakeAt === undefined ? {} : { wakeAt }) };
}
