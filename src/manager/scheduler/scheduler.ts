/**
 * The scheduler's pure core: given the nodes, the tasks occupying them and the PENDING tasks, decide
 * a node for every pending task that fits somewhere, and explain for the others why none does.
 *
 * Pending tasks are grouped by (service, spec version): a group shares one spec, so the filters'
 * static part (availability, constraints, platform) runs once per node per group, and the whole group
 * is placed together while node state (resources, task counts, host ports) is updated as it goes.
 * Cost: O(groups × nodes + tasks × log nodes). The caller (the scheduler loop on the leader) writes
 * the decisions in one store transaction: ASSIGNED + node id, or the message on a PENDING task.
 */
import { parseConstraints, parseSpreadDescriptor, type Constraint, type NodeAttribute } from "../../spec/constraints.js";
import { errorMessage } from "../../lib/errors.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import { taskStateOrder } from "../../spec/task-state.js";
import {
  countFailure,
  dynamicFailure,
  firstFailure,
  noSuitableNodeMessage,
  staticFailure,
  staticFilterKey,
  type FailureCounts,
  type GroupRequirements,
} from "./filters.js";
import { addTaskToNode, buildNodeInfos, hostPortKey, taskCountsForSpread, taskOccupiesNode, type NodeInfo } from "./node-info.js";
import { buildTreeTemplate, instantiateTree, placeOnTree, type TreeTemplate } from "./placement-tree.js";
import type { LeafIndex } from "./leaf-index.js";
import { tieRank } from "./tie-rank.js";

/** Everything the scheduler looks at. */
export interface SchedulerInput {
  /** All nodes of the cluster. */
  readonly nodes: readonly Node__Output[];
  /**
   * Tasks: those assigned to a node and not past RUNNING count as load on their node; those in state
   * PENDING with desired state RUNNING (or earlier) are scheduled. Other tasks are ignored.
   */
  readonly tasks: readonly Task__Output[];
  /** Nodes where a service's tasks failed recently, by service id: ranked last for that service. */
  readonly recentFailures?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A task placed on a node. */
export interface Assignment {
  readonly taskId: string;
  readonly nodeId: string;
}

/** A task left PENDING, with the message to put in its status. */
export interface Unschedulable {
  readonly taskId: string;
  readonly message: string;
}

/** The scheduler's output, in input order of the tasks within each group. */
export interface SchedulerResult {
  readonly assignments: Assignment[];
  readonly unschedulable: Unschedulable[];
}

/** True for a task the scheduler should place: observed PENDING and desired to run. */
export function isSchedulable(task: Task__Output): boolean {
  return task.status?.state === "PENDING" && taskStateOrder(task.desiredState) <= taskStateOrder("RUNNING");
}

interface TaskGroup {
  readonly serviceId: string;
  readonly tasks: Task__Output[];
}

function groupTasks(tasks: readonly Task__Output[]): TaskGroup[] {
  const groups = new Map<string, TaskGroup>();
  for (const t of tasks) {
    if (!isSchedulable(t)) continue;
    const key = `${t.serviceId}\u0000${t.specVersion}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { serviceId: t.serviceId, tasks: [t] });
    else g.tasks.push(t);
  }
  return [...groups.values()];
}

/** Key of a replicated slot in {@link previousNodes}. */
function slotKey(serviceId: string, slot: number): string {
  return `${serviceId}\u0000${slot}`;
}

/**
 * Tasks being replaced, and where their slots ran. A task is being replaced when it still occupies a
 * node but is no longer wanted there (desired past RUNNING: stop-first, rollback, a move), or when its
 * replicated slot has a task waiting to be scheduled (start-first: the old task runs until the new one
 * is up). Such a task keeps its resources but does not count for the spread, and its node is the
 * slot's previous node: the replacement goes back there when that node is among the emptiest (image
 * already pulled, local volumes), so a rolling update or rollback of a balanced service stays put.
 */
interface Replaced {
  readonly ids: ReadonlySet<string>;
  /** Node of each replicated slot's newest replaced task, by slotKey. */
  readonly previous: ReadonlyMap<string, string>;
}

function replacedTasks(tasks: readonly Task__Output[]): Replaced {
  // Slots with a placed task, then those of them with a task waiting: without placed tasks (a fresh
  // cluster, the benchmark) no key is built for the pending ones.
  const placed = new Set<string>();
  for (const t of tasks) if (Number(t.slot) > 0 && t.nodeId !== "" && t.status?.state !== "PENDING") placed.add(slotKey(t.serviceId, Number(t.slot)));
  const waiting = new Set<string>();
  if (placed.size > 0) {
    for (const t of tasks) {
      if (Number(t.slot) <= 0 || t.nodeId !== "" || !isSchedulable(t)) continue;
      const key = slotKey(t.serviceId, Number(t.slot));
      if (placed.has(key)) waiting.add(key);
    }
  }
  const ids = new Set<string>();
  const newest = new Map<string, Task__Output>();
  for (const t of tasks) {
    if (t.nodeId === "" || t.status?.state === "PENDING") continue;
    const key = slotKey(t.serviceId, Number(t.slot));
    const occupying = taskOccupiesNode(t);
    const replaced = taskStateOrder(t.desiredState) > taskStateOrder("RUNNING") || (occupying && waiting.has(key));
    if (!replaced) continue;
    if (occupying) ids.add(t.id);
    // A slot whose task failed there is not sent back to that node (the restart is the failure's).
    const failed = t.status?.state === "FAILED" || t.status?.state === "REJECTED";
    if (Number(t.slot) <= 0 || !waiting.has(key) || failed) continue;
    const seen = newest.get(key);
    // A task still on its node wins over history; among equals the newest.
    const rank = (x: Task__Output): [number, number] => [taskOccupiesNode(x) ? 1 : 0, x.meta?.createdAt ?? 0];
    if (seen === undefined || compareRank(rank(t), rank(seen)) >= 0) newest.set(key, t);
  }
  return { ids, previous: new Map([...newest].map(([k, t]) => [k, t.nodeId] as const)) };
}

function compareRank(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/**
 * Places the tasks of a group whose slot's previous node is still among the emptiest candidates for
 * the service (fewest tasks of it among the nodes passing every filter) on that node; returns the
 * tasks left for the tree. Only for groups without spread preferences (there, the label values'
 * balance decides). The minimum is kept by a histogram of the candidates' counts, so each task
 * costs O(1) after one O(n) scan.
 */
function placeOnPreviousNodes(
  free: Task__Output[],
  previous: ReadonlyMap<string, string>,
  candidates: readonly NodeInfo[],
  req: GroupRequirements,
  infos: ReadonlyMap<string, NodeInfo>,
  place: (node: NodeInfo, taskId: string) => void,
): Task__Output[] {
  if (previous.size === 0) return free;
  const wanted = free.map((t) => previous.get(slotKey(t.serviceId, Number(t.slot))));
  if (wanted.every((id) => id === undefined)) return free;
  const histogram = new Map<number, number>();
  let min = Number.POSITIVE_INFINITY;
  for (const node of candidates) {
    if (dynamicFailure(req, node) !== null) continue;
    const c = node.serviceTasks.get(req.serviceId) ?? 0;
    histogram.set(c, (histogram.get(c) ?? 0) + 1);
    min = Math.min(min, c);
  }
  const rest: Task__Output[] = [];
  free.forEach((t, i) => {
    const node = infos.get(wanted[i] ?? "");
    const count = node?.serviceTasks.get(req.serviceId) ?? 0;
    if (node === undefined || count > min || firstFailure(req, node) !== null) {
      rest.push(t);
      return;
    }
    place(node, t.id);
    // The node moves from `count` to `count + 1`; the minimum rises once no candidate is left at it.
    const left = (histogram.get(count) ?? 1) - 1;
    histogram.set(count, left);
    histogram.set(count + 1, (histogram.get(count + 1) ?? 0) + 1);
    if (left === 0 && count === min) min++;
  });
  return rest;
}

/** A group's placement requirements, parsed from its tasks' shared spec. */
export interface ParsedGroup {
  readonly req: GroupRequirements;
  readonly spread: readonly NodeAttribute[];
  /** The spread descriptors as written, for the template cache key. */
  readonly spreadKey: string;
}

function parseGroup(group: TaskGroup): ParsedGroup {
  return parsePlacement(group.serviceId, group.tasks[0]);
}

/**
 * The placement requirements of a service's tasks (filters, spread preferences) from one task's copy
 * of the spec; throws a ValidationError naming the field on an invalid constraint or preference.
 */
export function parsePlacement(serviceId: string, first: Task__Output | undefined): ParsedGroup {
  const spec = first?.spec;
  const placement = spec?.placement;
  const reservations = spec?.resources?.reservations;
  const constraints: Constraint[] = parseConstraints("spec.task.placement.constraints", placement?.constraints ?? []);
  const descriptors = (placement?.preferences ?? []).flatMap((p) => (p.spread === null || p.spread === undefined ? [] : [p.spread.spreadDescriptor]));
  const spread = descriptors.map((d, i) => parseSpreadDescriptor(`spec.task.placement.preferences[${i}].spread`, d));
  const hostPorts: string[] = [];
  for (const p of first?.endpoint?.ports ?? []) {
    if (p.publishMode === "HOST" && p.publishedPort > 0) hostPorts.push(hostPortKey(p.protocol, p.publishedPort));
  }
  return {
    req: {
      serviceId,
      nanoCpus: reservations?.nanoCpus ?? 0,
      memoryBytes: reservations?.memoryBytes ?? 0,
      constraints,
      platforms: (placement?.platforms ?? []).map((p) => ({ os: p.os, architecture: p.architecture })),
      hostPorts,
      maxReplicas: placement?.maxReplicas ?? 0,
    },
    spread,
    spreadKey: descriptors.join("\u0000"),
  };
}

/** Decides nodes for all pending tasks. Pure: the input is not modified. */
export function schedule(input: SchedulerInput): SchedulerResult {
  const replaced = replacedTasks(input.tasks);
  const infos = buildNodeInfos(input.nodes, input.tasks, (t) => taskCountsForSpread(t) && !replaced.ids.has(t.id));
  const allNodes = [...infos.values()];
  const assignments: Assignment[] = [];
  const unschedulable: Unschedulable[] = [];
  const templates = new Map<string, { readonly template: TreeTemplate; readonly passing: NodeInfo[] }>();
  // Nodes running each service, for the leaf indexes (nodes without the service come off the index).
  const serviceNodes = new Map<string, Set<NodeInfo>>();
  for (const node of allNodes) {
    for (const serviceId of node.serviceTasks.keys()) {
      let set = serviceNodes.get(serviceId);
      if (set === undefined) serviceNodes.set(serviceId, (set = new Set<NodeInfo>()));
      set.add(node);
    }
  }

  for (const group of groupTasks(input.tasks)) {
    let parsed: ParsedGroup;
    try {
      parsed = parseGroup(group);
    } catch (err) {
      const message = `invalid placement: ${errorMessage(err)}`;
      for (const t of group.tasks) unschedulable.push({ taskId: t.id, message });
      continue;
    }
    const { req, spread } = parsed;
    const place = (node: NodeInfo): void => {
      addTaskToNode(node, req.serviceId, req.nanoCpus, req.memoryBytes, req.hostPorts);
      let set = serviceNodes.get(req.serviceId);
      if (set === undefined) serviceNodes.set(req.serviceId, (set = new Set<NodeInfo>()));
      set.add(node);
    };

    // Tasks pre-assigned to a node (global services) are only checked against that node.
    let free: Task__Output[] = [];
    for (const t of group.tasks) {
      if (t.nodeId === "") {
        free.push(t);
        continue;
      }
      const node = infos.get(t.nodeId);
      const reason = node === undefined ? null : firstFailure(req, node);
      if (node === undefined) {
        unschedulable.push({ taskId: t.id, message: `no suitable node (node ${t.nodeId} not found)` });
      } else if (reason !== null) {
        const counts: FailureCounts = new Map();
        countFailure(counts, reason);
        unschedulable.push({ taskId: t.id, message: noSuitableNodeMessage(counts, req, 1) });
      } else {
        place(node);
        assignments.push({ taskId: t.id, nodeId: node.id });
      }
    }
    if (free.length === 0) continue;

    // Static filters and the tree's shape are shared by all groups with the same constraints,
    // platforms and preferences; only the dynamic filters and the counts are per group.
    const templateKey = `${staticFilterKey(req)}\u0002${parsed.spreadKey}`;
    let cached = templates.get(templateKey);
    if (cached === undefined) {
      const passing = allNodes.filter((n) => staticFailure(req, n) === null);
      cached = { template: buildTreeTemplate(passing, spread), passing };
      templates.set(templateKey, cached);
    }
    const { template } = cached;
    if (spread.length === 0) {
      free = placeOnPreviousNodes(free, replaced.previous, cached.passing, req, infos, (node, taskId) => {
        place(node);
        assignments.push({ taskId, nodeId: node.id });
      });
      if (free.length === 0) continue;
    }
    const failed = input.recentFailures?.get(req.serviceId);
    const special = new Set(serviceNodes.get(req.serviceId));
    for (const id of failed ?? []) {
      const node = infos.get(id);
      if (node !== undefined) special.add(node);
    }
    const touched: LeafIndex[] = [];
    const tree = instantiateTree(template, free.length, {
      serviceId: req.serviceId,
      failed,
      rejects: (node) => dynamicFailure(req, node) !== null,
      special: [...special],
      touched,
      rank: tieRank(req.serviceId, Math.min(...free.map((t) => Number(t.slot))), allNodes.length),
    });
    const chosen: NodeInfo[] = [];
    placeOnTree(
      tree,
      free.length,
      (c) => {
        place(c.node);
        c.serviceCount++;
        return dynamicFailure(req, c.node) === null;
      },
      chosen,
    );
    for (const index of touched) index.restore();
    free.forEach((t, i) => {
      const node = chosen[i];
      if (node !== undefined) assignments.push({ taskId: t.id, nodeId: node.id });
    });
    if (chosen.length < free.length) {
      // Explain with the nodes' state after the group was placed: nodes that filled up count too.
      const counts: FailureCounts = new Map();
      for (const node of allNodes) {
        const reason = firstFailure(req, node);
        if (reason !== null) countFailure(counts, reason);
      }
      const message = noSuitableNodeMessage(counts, req, allNodes.length);
      for (const t of free.slice(chosen.length)) unschedulable.push({ taskId: t.id, message });
    }
  }
  return { assignments, unschedulable };
}
