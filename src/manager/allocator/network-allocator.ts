/**
 * The leader's network allocator: gives every node a task subnet from the cluster pool
 * (`swarmctl init --default-addr-pool`, cluster.spec.defaultAddrPool / subnetSize) and every placed
 * task an address in its node's subnet (task.networks[0] on network "overlay"). The dispatcher holds a
 * task back from its node until it has that address. The choices are pure (ipam.ts); one pass writes
 * them in one transaction. A new leader converges from the store alone.
 */
import { CLUSTER_DEFAULTS } from "../../spec/defaults.js";
import { isTerminalTaskState, taskStateOrder } from "../../spec/task-state.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import type { WriteTx } from "../../store/store.js";
import { OVERLAY_NETWORK_ID } from "../../spec/networks.js";
import { ReconcileLoop, type PassResult, type ReconcilerOptions } from "../leader/loop.js";
import { type Cidr, formatCidr, formatIpv4, gatewayOf, parseCidr, parseIpv4, pickNodeSubnet, pickTaskAddress } from "./ipam.js";

/** The underlay IP of a node ("" when unknown): its status address without the port. */
export function nodeUnderlayIp(node: Node__Output): string {
  const addr = node.status?.addr ?? node.managerStatus?.addr ?? "";
  const colon = addr.lastIndexOf(":");
  return colon < 0 ? addr : addr.slice(0, colon);
}

/** The overlay address of a task (no prefix), or undefined when it has none. */
export function taskOverlayAddress(task: Task__Output): string | undefined {
  const a = task.networks.find((n) => n.networkId === OVERLAY_NETWORK_ID)?.addresses[0];
  return a === undefined ? undefined : a.slice(0, a.indexOf("/") < 0 ? a.length : a.indexOf("/"));
}

/** Whether a task still needs an address: placed, wanted, not yet running or dead, none given yet. */
function needsAddress(t: Task__Output): boolean {
  const state = t.status?.state ?? "NEW";
  return t.nodeId !== "" && t.networks.length === 0 && taskStateOrder(t.desiredState) <= taskStateOrder("RUNNING") && taskStateOrder(state) < taskStateOrder("RUNNING");
}

function tryIp(text: string): number | undefined {
  try {
    return parseIpv4(text);
  } catch {
    return undefined;
  }
}

/** One allocation pass inside `tx`; returns how many objects it changed. */
export function allocateNetworks(tx: WriteTx): number {
  const cluster = tx.list("cluster")[0];
  const poolText = cluster?.spec?.defaultAddrPool?.length ? cluster.spec.defaultAddrPool : CLUSTER_DEFAULTS.defaultAddrPool;
  const subnetSize = cluster?.spec?.subnetSize ?? CLUSTER_DEFAULTS.subnetSize;
  const pool = poolText.map((p, i) => parseCidr(p, `cluster.spec.defaultAddrPool[${String(i)}]`));
  let changed = 0;
  const nodes = tx.list("node");
  const subnets = new Map<string, Cidr>();
  for (const n of nodes) if (n.taskSubnet !== "") subnets.set(n.id, parseCidr(n.taskSubnet, `node ${n.id}.taskSubnet`));
  const underlay = nodes.map((n) => tryIp(nodeUnderlayIp(n))).filter((x): x is number => x !== undefined);
  for (const n of nodes) {
    if (n.taskSubnet !== "") continue;
    const picked = pickNodeSubnet(pool, subnetSize, [...subnets.values()], underlay);
    if (picked === undefined) continue; // pool exhausted: the node runs no networked tasks
    subnets.set(n.id, picked);
    tx.update("node", { ...structuredClone(n), taskSubnet: formatCidr(picked) });
    changed++;
  }
  const tasks = tx.list("task");
  const live = new Map<string, Set<number>>();
  const ever = new Map<string, Set<number>>();
  for (const t of tasks) {
    const ip = taskOverlayAddress(t);
    if (ip === undefined || t.nodeId === "") continue;
    const n = tryIp(ip);
    if (n === undefined) continue;
    if (!ever.has(t.nodeId)) ever.set(t.nodeId, new Set());
    ever.get(t.nodeId)!.add(n);
    if (!isTerminalTaskState(t.status?.state ?? "NEW")) {
      if (!live.has(t.nodeId)) live.set(t.nodeId, new Set());
      live.get(t.nodeId)!.add(n);
    }
  }
  for (const t of tasks) {
    if (!needsAddress(t)) continue;
    const subnet = subnets.get(t.nodeId);
    if (subnet === undefined) continue;
    const liveSet = live.get(t.nodeId) ?? new Set<number>();
    const everSet = ever.get(t.nodeId) ?? new Set<number>();
    const ip = pickTaskAddress(subnet, liveSet, everSet);
    if (ip === undefined) continue;
    liveSet.add(ip);
    everSet.add(ip);
    live.set(t.nodeId, liveSet);
    ever.set(t.nodeId, everSet);
    tx.update("task", {
      ...structuredClone(t),
      networks: [{ networkId: OVERLAY_NETWORK_ID, addresses: [`${formatIpv4(ip)}/${String(subnet.prefix)}`], gateway: formatIpv4(gatewayOf(subnet)) }],
    });
    changed++;
  }
  return changed;
}

/** Runs {@link allocateNetworks} on node, task and cluster changes (leader only). */
export class NetworkAllocator extends ReconcileLoop {
  constructor(o: ReconcilerOptions) {
    super(o, (e) => e.kind === "node" || e.kind === "task" || e.kind === "cluster");
  }

  protected async pass(): Promise<PassResult> {
    await this.store.updateWithRetry((tx) => {
      allocateNetworks(tx);
    });
    return {};
  }
}
