/**
 * The scheduler's working view of a node: its placement attributes, whether it takes new tasks, the
 * resources left after the reservations of the tasks it runs, its task counts per service and the
 * host-mode ports in use. Built from store objects and updated in place as tasks are placed.
 */
import type { NodeAttributes } from "../../spec/constraints.js";
import { isTerminalTaskState, taskStateOrder } from "../../spec/task-state.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";

/** Mutable scheduling state of one node. */
export interface NodeInfo {
  readonly id: string;
  /** Position in the input, the last tie-breaker so results are deterministic. */
  readonly index: number;
  readonly attributes: NodeAttributes;
  readonly os: string;
  readonly architecture: string;
  /** Status READY and availability ACTIVE. */
  readonly available: boolean;
  availableNanoCpus: number;
  availableMemoryBytes: number;
  /** Non-terminal tasks on the node, all services. */
  totalTasks: number;
  /** Non-terminal tasks on the node per service id. */
  readonly serviceTasks: Map<string, number>;
  /** Host-mode published ports in use, as "tcp/8080". */
  readonly hostPorts: Set<string>;
}

/** Key of a host-mode port in NodeInfo.hostPorts. */
export function hostPortKey(protocol: string, port: number): string {
  return `${protocol.toLowerCase()}/${port}`;
}

/** Host-mode published ports of a task (from its endpoint copy), as hostPortKey strings. */
export function taskHostPorts(task: Task__Output): string[] {
  const out: string[] = [];
  for (const p of task.endpoint?.ports ?? []) {
    if (p.publishMode === "HOST" && p.publishedPort > 0) out.push(hostPortKey(p.protocol, p.publishedPort));
  }
  return out;
}

/**
 * True when a task occupies its node: it has been assigned (observed state ASSIGNED or later) and its
 * observed state is not past RUNNING. PENDING tasks pre-assigned to a node (global services) do not.
 */
export function taskOccupiesNode(task: Task__Output): boolean {
  if (task.nodeId === "") return false;
  const state = task.status?.state ?? "NEW";
  return taskStateOrder(state) >= taskStateOrder("ASSIGNED") && !isTerminalTaskState(state);
}

/**
 * True when a task counts towards its node's spread (tasks per service, tasks in total): it occupies
 * the node and is still wanted there (desired ≤ RUNNING). A task being replaced or moved (desired
 * SHUTDOWN, still draining) keeps its resources and host ports until it has stopped, but no longer
 * counts for the spread — otherwise every node of a balanced service ties during a rolling update and
 * the replacements pile onto the first nodes.
 */
export function taskCountsForSpread(task: Task__Output): boolean {
  return taskOccupiesNode(task) && taskStateOrder(task.desiredState) <= taskStateOrder("RUNNING");
}

/** Builds the node view of one node (without tasks). */
export function newNodeInfo(node: Node__Output, index: number): NodeInfo {
  const description = node.description;
  const spec = node.spec;
  const resources = description?.resources;
  const platform = description?.platform;
  return {
    id: node.id,
    index,
    attributes: {
      id: node.id,
      hostname: description?.hostname ?? "",
      role: node.role === "MANAGER" ? "manager" : "worker",
      os: platform?.os ?? "",
      architecture: platform?.architecture ?? "",
      nodeLabels: spec?.annotations?.labels ?? {},
      engineLabels: description?.engine?.labels ?? {},
    },
    os: platform?.os ?? "",
    architecture: platform?.architecture ?? "",
    available: node.status?.state === "READY" && (spec?.availability ?? "ACTIVE") === "ACTIVE",
    availableNanoCpus: resources?.nanoCpus ?? 0,
    availableMemoryBytes: resources?.memoryBytes ?? 0,
    totalTasks: 0,
    serviceTasks: new Map(),
    hostPorts: new Set(),
  };
}

/** Accounts one task placed on (or already running on) the node. */
export function addTaskToNode(info: NodeInfo, serviceId: string, nanoCpus: number, memoryBytes: number, hostPorts: readonly string[]): void {
  reserveOnNode(info, nanoCpus, memoryBytes, hostPorts);
  info.totalTasks += 1;
  info.serviceTasks.set(serviceId, (info.serviceTasks.get(serviceId) ?? 0) + 1);
}

/** Accounts only the resources and host ports of a task (one that no longer counts for the spread). */
export function reserveOnNode(info: NodeInfo, nanoCpus: number, memoryBytes: number, hostPorts: readonly string[]): void {
  info.availableNanoCpus -= nanoCpus;
  info.availableMemoryBytes -= memoryBytes;
  for (const p of hostPorts) info.hostPorts.add(p);
}

/**
 * Builds node views for all nodes and accounts the tasks that occupy them (those `countsForSpread`
 * rejects — tasks being replaced — for their resources and ports only, see {@link taskCountsForSpread}).
 */
export function buildNodeInfos(
  nodes: readonly Node__Output[],
  tasks: readonly Task__Output[],
  countsForSpread: (task: Task__Output) => boolean = taskCountsForSpread,
): Map<string, NodeInfo> {
  const infos = new Map<string, NodeInfo>();
  nodes.forEach((n, i) => infos.set(n.id, newNodeInfo(n, i)));
  for (const t of tasks) {
    if (!taskOccupiesNode(t)) continue;
    const info = infos.get(t.nodeId);
    if (info === undefined) continue;
    const r = t.spec?.resources?.reservations;
    if (countsForSpread(t)) addTaskToNode(info, t.serviceId, r?.nanoCpus ?? 0, r?.memoryBytes ?? 0, taskHostPorts(t));
    else reserveOnNode(info, r?.nanoCpus ?? 0, r?.memoryBytes ?? 0, taskHostPorts(t));
  }
  return infos;
}
