/**
 * Node choice for one task group. Eligible nodes are arranged in a tree by the values of the spread
 * preferences' labels (one level per preference, in order); each leaf keeps its nodes in a min-heap
 * ordered by (failed this service recently, tasks of this service, tasks in total, tie rank).
 * Tasks are split over the branches of each level by water-filling: the branches with the fewest
 * tasks of the service get tasks first, so the label values end up even; a branch that fills up
 * hands its share to the others. Placing one task costs O(log n) in the leaf's heap.
 */
import { nodeAttributeValue, type NodeAttribute } from "../../spec/constraints.js";
import { MinHeap } from "./heap.js";
import type { NodeInfo } from "./node-info.js";
import { LeafIndex } from "./leaf-index.js";

/** A node that passed the filters for the group, with its per-group sort keys. */
export interface Candidate {
  readonly node: NodeInfo;
  /** Tasks of the group's service on the node. */
  serviceCount: number;
  /** The service failed on this node recently: rank it last. */
  readonly failedRecently: boolean;
  /** Last tie-breaker among equally empty nodes (see GroupView.rank). */
  readonly rank: number;
}

/** Ordering of candidates: the emptiest node comes first. */
export function candidateLess(a: Candidate, b: Candidate): boolean {
  if (a.failedRecently !== b.failedRecently) return !a.failedRecently;
  if (a.serviceCount !== b.serviceCount) return a.serviceCount < b.serviceCount;
  if (a.node.totalTasks !== b.node.totalTasks) return a.node.totalTasks < b.node.totalTasks;
  return a.rank < b.rank;
}

/** One branch of the placement tree. */
export interface PlacementTree {
  /** The label value of this branch ("" for nodes without the label, and for the root). */
  readonly value: string;
  /** Tasks of the service in this subtree. */
  serviceCount: number;
  /** Sub-branches, ordered by value; empty for a leaf. */
  readonly children: PlacementTree[];
  /** The leaf's nodes; null for inner branches. */
  readonly heap: MinHeap<Candidate> | null;
}

/**
 * The shape of a placement tree for one set of static filters and spread preferences: which nodes
 * fall in which branch. It depends only on node attributes, so a scheduling pass builds it once and
 * instantiates it for every group with the same constraints and preferences.
 */
export interface TreeTemplate {
  readonly value: string;
  readonly children: TreeTemplate[];
  /** The leaf's nodes (passing the static filters); null for inner branches. */
  readonly nodes: NodeInfo[] | null;
  /** The leaf's ordered index, built the first time a small group uses the leaf. */
  index?: LeafIndex;
}

/** Partitions nodes by the values of the spread labels (none → a single leaf). */
export function buildTreeTemplate(nodes: NodeInfo[], spread: readonly NodeAttribute[], value = ""): TreeTemplate {
  const [first, ...rest] = spread;
  if (first === undefined) return { value, children: [], nodes };
  const byValue = new Map<string, NodeInfo[]>();
  for (const n of nodes) {
    const v = nodeAttributeValue(n.attributes, first) ?? "";
    const list = byValue.get(v);
    if (list === undefined) byValue.set(v, [n]);
    else list.push(n);
  }
  const values = [...byValue.keys()].sort();
  return { value, children: values.map((v) => buildTreeTemplate(byValue.get(v) ?? [], rest, v)), nodes: null };
}

/** Per-group inputs of a tree instantiation. */
export interface GroupView {
  readonly serviceId: string;
  /** Nodes where the service failed recently. */
  readonly failed: ReadonlySet<string> | undefined;
  /** True when the node cannot take a task of the group now (dynamic filters). */
  readonly rejects: (node: NodeInfo) => boolean;
  /** Nodes running tasks of the service or where it failed (all leaves); used with leaf indexes. */
  readonly special: readonly NodeInfo[];
  /** Leaf indexes taken from during instantiation; the caller restores them after placing. */
  readonly touched: LeafIndex[];
  /**
   * Tie rank of a node among equally empty ones: the input order rotated by a stable hash of the group
   * (service, slot), so equal nodes are picked in a different order by each service instead of every
   * small service starting on the first node. Indexed leaves keep plain input order (their shared
   * index is ordered so).
   */
  readonly rank: (node: NodeInfo) => number;
}

/** A leaf is indexed when the group is this much smaller than the leaf… */
const INDEXED_LEAF_RATIO = 8;
/**
 * …and the leaf has more nodes than this: below it a scan costs little, and it keeps the hashed tie
 * rank (the index can only break ties by input order) for every cluster of ordinary size.
 */
const INDEXED_LEAF_MIN_NODES = 64;

/** True when a group of `limit` tasks takes its candidates from a leaf of `leafSize` nodes' index. */
export function usesLeafIndex(limit: number, leafSize: number): boolean {
  return leafSize > INDEXED_LEAF_MIN_NODES && limit * INDEXED_LEAF_RATIO < leafSize;
}

function indexedLeaf(t: TreeTemplate, nodes: readonly NodeInfo[], limit: number, group: GroupView): PlacementTree {
  const index = (t.index ??= new LeafIndex(nodes));
  group.touched.push(index);
  const isSpecial = (node: NodeInfo): boolean => node.serviceTasks.has(group.serviceId) || (group.failed?.has(node.id) ?? false);
  const candidates: Candidate[] = index
    .take(limit, (node) => !isSpecial(node) && !group.rejects(node))
    .map((node) => ({ node, serviceCount: 0, failedRecently: false, rank: node.index }));
  let serviceCount = 0;
  for (const node of group.special) {
    if (!index.members.has(node) || group.rejects(node)) continue;
    const count = node.serviceTasks.get(group.serviceId) ?? 0;
    serviceCount += count;
    candidates.push({ node, serviceCount: count, failedRecently: group.failed?.has(node.id) ?? false, rank: node.index });
  }
  return { value: t.value, serviceCount, children: [], heap: new MinHeap(candidateLess, candidates) };
}

function rawLess(failedRecently: boolean, serviceCount: number, node: NodeInfo, rank: number, b: Candidate): boolean {
  if (failedRecently !== b.failedRecently) return !failedRecently;
  if (serviceCount !== b.serviceCount) return serviceCount < b.serviceCount;
  if (node.totalTasks !== b.node.totalTasks) return node.totalTasks < b.node.totalTasks;
  return rank < b.rank;
}

/**
 * Instantiates a template for a group of `limit` tasks. A leaf keeps only its `limit` best nodes:
 * placing a task only makes a node worse, so the nodes chosen for at most `limit` tasks are always
 * among the leaf's initial `limit` best (selected in O(n log limit) without sorting the leaf).
 */
export function instantiateTree(t: TreeTemplate, limit: number, group: GroupView): PlacementTree {
  if (t.nodes === null) {
    const children = t.children.map((c) => instantiateTree(c, limit, group));
    return { value: t.value, serviceCount: children.reduce((s, c) => s + c.serviceCount, 0), children, heap: null };
  }
  if (usesLeafIndex(limit, t.nodes.length)) return indexedLeaf(t, t.nodes, limit, group);
  let serviceCount = 0;
  const keepAll = limit >= t.nodes.length;
  const all: Candidate[] = [];
  // Otherwise a bounded max-heap of the best `limit` candidates (its top is the worst kept).
  const kept = new MinHeap<Candidate>((a, b) => candidateLess(b, a));
  for (const node of t.nodes) {
    if (group.rejects(node)) continue;
    const count = node.serviceTasks.get(group.serviceId) ?? 0;
    serviceCount += count;
    const failedRecently = group.failed?.has(node.id) ?? false;
    const rank = group.rank(node);
    if (keepAll) all.push({ node, serviceCount: count, failedRecently, rank });
    else if (kept.size < limit) kept.push({ node, serviceCount: count, failedRecently, rank });
    else {
      const worst = kept.peek();
      if (worst !== undefined && rawLess(failedRecently, count, node, rank, worst)) kept.replaceTop({ node, serviceCount: count, failedRecently, rank });
    }
  }
  return { value: t.value, serviceCount, children: [], heap: new MinHeap(candidateLess, keepAll ? all : kept.takeAll()) };
}

/**
 * Splits `m` tasks over branches with the given current counts so the resulting counts are as even
 * as possible; ties go to the earlier branch. Returns the share of each branch.
 */
export function waterFill(counts: readonly number[], m: number): number[] {
  const n = counts.length;
  const share = new Array<number>(n).fill(0);
  if (n === 0 || m <= 0) return share;
  const order = [...counts.keys()].sort((a, b) => (counts[a] ?? 0) - (counts[b] ?? 0) || a - b);
  let remaining = m;
  let k = 1;
  let level = counts[order[0] ?? 0] ?? 0;
  while (remaining > 0) {
    while (k < n && (counts[order[k] ?? 0] ?? 0) <= level) k++;
    const nextLevel = k < n ? (counts[order[k] ?? 0] ?? 0) : Number.POSITIVE_INFINITY;
    const room = (nextLevel - level) * k;
    if (room <= remaining) {
      for (let i = 0; i < k; i++) share[order[i] ?? 0] = (share[order[i] ?? 0] ?? 0) + (nextLevel - level);
      remaining -= room;
      level = nextLevel;
    } else {
      const each = Math.floor(remaining / k);
      const extra = remaining % k;
      // Among branches at the same level, earlier branches (lower index) get the extra tasks.
      const atLevel = order.slice(0, k).sort((a, b) => a - b);
      atLevel.forEach((b, i) => (share[b] = (share[b] ?? 0) + each + (i < extra ? 1 : 0)));
      remaining = 0;
    }
  }
  return share;
}

/** Places tasks on one node: accounts them and says whether the node can take another one. */
export type PlaceOnNode = (candidate: Candidate) => boolean;

/**
 * Places up to `n` tasks in the subtree, appending the chosen nodes to `out` in placement order.
 * Returns how many were placed (fewer than n when the subtree ran out of suitable nodes).
 */
export function placeOnTree(tree: PlacementTree, n: number, place: PlaceOnNode, out: NodeInfo[]): number {
  let placed = 0;
  if (tree.heap !== null) {
    const heap = tree.heap;
    while (placed < n) {
      const c = heap.pop();
      if (c === undefined) break;
      out.push(c.node);
      placed++;
      if (place(c)) heap.push(c);
    }
  } else {
    let active = tree.children;
    let remaining = n;
    while (remaining > 0 && active.length > 0) {
      const shares = waterFill(
        active.map((b) => b.serviceCount),
        remaining,
      );
      const next: PlacementTree[] = [];
      let progress = 0;
      active.forEach((branch, i) => {
        const share = shares[i] ?? 0;
        if (share === 0) {
          next.push(branch);
          return;
        }
        const p = placeOnTree(branch, share, place, out);
        progress += p;
        if (p === share) next.push(branch);
      });
      remaining -= progress;
      active = next;
      if (progress === 0) break;
    }
    placed = n - remaining;
  }
  tree.serviceCount += placed;
  return placed;
}
