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
import { addTaskToNode, buildNodeInfos, hostPortKey, type NodeInfo } from "./node-info.js";
import { buildTreeTemplate, instantiateTree, placeOnTree, type TreeTemplate } from "./placement-tree.js";
import type { LeafIndex } from "./leaf-index.js";

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

interface ParsedGroup {
  readonly req: GroupRequirements;
  readonly spread: readonly NodeAttribute[];
  /** The spread descriptors as written, for the template cache key. */
  readonly spreadKey: string;
}

function parseGroup(group: TaskGroup): ParsedGroup {
  const first = group.tasks[0];
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
      serviceId: group.serviceId,
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
  const infos = buildNodeInfos(input.nodes, input.tasks);
  const allNodes = [...infos.values()];
  const assignments: Assignment[] = [];
  const unschedulable: Unschedulable[] = [];
  const templates = new Map<string, TreeTemplate>();
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
    const free: Task__Output[] = [];
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
    let template = templates.get(templateKey);
    if (template === undefined) {
      const passing = allNodes.filter((n) => staticFailure(req, n) === null);
      template = buildTreeTemplate(passing, spread);
      templates.set(templateKey, template);
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
