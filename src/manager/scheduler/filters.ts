/**
 * The filter pipeline: each filter says why a node cannot take a task of a group. A node is counted
 * under the first filter it fails (in pipeline order, as SwarmKit does), and the counts become the
 * task's status message: "no suitable node (insufficient memory on 3 nodes; scheduling constraints
 * not satisfied on 2 nodes)".
 */
import { matchConstraints, type Constraint } from "../../spec/constraints.js";
import type { NodeInfo } from "./node-info.js";

/** Why a node was rejected, in pipeline order. */
export const FilterFailure = {
  Unavailable: "unavailable",
  Memory: "memory",
  Cpu: "cpu",
  Constraints: "constraints",
  Platform: "platform",
  HostPort: "host-port",
  MaxReplicas: "max-replicas",
} as const;
/** One filter failure reason. */
export type FilterFailure = (typeof FilterFailure)[keyof typeof FilterFailure];

/** Pipeline order of the reasons (also the order of the message's parts). */
export const FILTER_ORDER: readonly FilterFailure[] = Object.values(FilterFailure);

/** What every task of a group needs from a node (all tasks of a group share one spec). */
export interface GroupRequirements {
  readonly serviceId: string;
  readonly nanoCpus: number;
  readonly memoryBytes: number;
  readonly constraints: readonly Constraint[];
  /** Accepted platforms; empty = any. */
  readonly platforms: readonly { readonly os: string; readonly architecture: string }[];
  /** Host-mode published ports as hostPortKey strings. */
  readonly hostPorts: readonly string[];
  /** Maximum tasks of this service per node; 0 = unlimited. */
  readonly maxReplicas: number;
}

function platformMatches(req: GroupRequirements, node: NodeInfo): boolean {
  if (req.platforms.length === 0) return true;
  for (const p of req.platforms) {
    const osOk = p.os === "" || p.os.toLowerCase() === node.os.toLowerCase();
    const archOk = p.architecture === "" || normalizeArch(p.architecture) === normalizeArch(node.architecture);
    if (osOk && archOk) return true;
  }
  return false;
}

function normalizeArch(arch: string): string {
  const a = arch.toLowerCase();
  if (a === "amd64") return "x86_64";
  if (a === "arm64") return "aarch64";
  return a;
}

/** Filters that change as tasks are placed (resources, host ports, max replicas). */
export function dynamicFailure(req: GroupRequirements, node: NodeInfo): FilterFailure | null {
  if (req.memoryBytes > 0 && node.availableMemoryBytes < req.memoryBytes) return FilterFailure.Memory;
  if (req.nanoCpus > 0 && node.availableNanoCpus < req.nanoCpus) return FilterFailure.Cpu;
  return portOrReplicaFailure(req, node);
}

function portOrReplicaFailure(req: GroupRequirements, node: NodeInfo): FilterFailure | null {
  for (const p of req.hostPorts) if (node.hostPorts.has(p)) return FilterFailure.HostPort;
  if (req.maxReplicas > 0 && (node.serviceTasks.get(req.serviceId) ?? 0) >= req.maxReplicas) return FilterFailure.MaxReplicas;
  return null;
}

/**
 * Filters that cannot change while tasks are placed (availability, constraints, platform): their
 * result per node is cached per distinct (constraints, platforms) for a whole scheduling pass.
 */
export function staticFailure(req: GroupRequirements, node: NodeInfo): FilterFailure | null {
  if (!node.available) return FilterFailure.Unavailable;
  if (req.constraints.length > 0 && !matchConstraints(req.constraints, node.attributes)) return FilterFailure.Constraints;
  if (!platformMatches(req, node)) return FilterFailure.Platform;
  return null;
}

/** Cache key of the static filters of a group. */
export function staticFilterKey(req: GroupRequirements): string {
  const constraints = req.constraints.map((c) => c.text).join("\u0000");
  const platforms = req.platforms.map((p) => `${p.os}/${p.architecture}`).join(",");
  return `${constraints}\u0001${platforms}`;
}

/** The first filter the node fails for this group, or null when it can take a task now. */
export function firstFailure(req: GroupRequirements, node: NodeInfo): FilterFailure | null {
  if (!node.available) return FilterFailure.Unavailable;
  if (req.memoryBytes > 0 && node.availableMemoryBytes < req.memoryBytes) return FilterFailure.Memory;
  if (req.nanoCpus > 0 && node.availableNanoCpus < req.nanoCpus) return FilterFailure.Cpu;
  if (req.constraints.length > 0 && !matchConstraints(req.constraints, node.attributes)) return FilterFailure.Constraints;
  if (!platformMatches(req, node)) return FilterFailure.Platform;
  return portOrReplicaFailure(req, node);
}

/** Counts of rejected nodes per reason. */
export type FailureCounts = Map<FilterFailure, number>;

/** Adds one node to the counts under `reason`. */
export function countFailure(counts: FailureCounts, reason: FilterFailure): void {
  counts.set(reason, (counts.get(reason) ?? 0) + 1);
}

function nodes(n: number): string {
  return n === 1 ? "1 node" : `${n} nodes`;
}

function explain(reason: FilterFailure, n: number, req: GroupRequirements): string {
  switch (reason) {
    case FilterFailure.Unavailable:
      return `not available for new tasks on ${nodes(n)}`;
    case FilterFailure.Memory:
      return `insufficient memory on ${nodes(n)}`;
    case FilterFailure.Cpu:
      return `insufficient CPU on ${nodes(n)}`;
    case FilterFailure.Constraints:
      return `scheduling constraints not satisfied on ${nodes(n)}`;
    case FilterFailure.Platform:
      return `unsupported platform on ${nodes(n)}`;
    case FilterFailure.HostPort:
      return `host-mode port already in use on ${nodes(n)}`;
    case FilterFailure.MaxReplicas:
      return `max replicas per node limit (${req.maxReplicas}) reached on ${nodes(n)}`;
  }
}

/** The "no suitable node (…)" message for the counts, parts in pipeline order. */
export function noSuitableNodeMessage(counts: FailureCounts, req: GroupRequirements, totalNodes: number): string {
  if (totalNodes === 0) return "no suitable node (no nodes in the cluster)";
  const parts: string[] = [];
  for (const reason of FILTER_ORDER) {
    const n = counts.get(reason) ?? 0;
    if (n > 0) parts.push(explain(reason, n, req));
  }
  return parts.length === 0 ? "no suitable node" : `no suitable node (${parts.join("; ")})`;
}
