/**
 * Node choice for one task group. Eligible nodes are arranged in a tree by the values of the spread
 * preferences' labels (one level per preference, in order); each leaf keeps its nodes in a min-heap
 * ordered by (failed this service recently, tasks of this service, tasks in total, input order).
 * Tasks are split over the branches of each level by water-filling: the branches with the fewest
 * tasks of the service get tasks first, so the label values end up even; a branch that fills up
 * hands its share to the others. Placing one task costs O(log n) in the leaf's heap.
 */
import { nodeAttributeValue, type NodeAttribute } from "../../api/constraints.js";
import { MinHeap } from "./heap.js";
import type { NodeInfo } from "./node-info.js";

/** A node that passed the filters for the group, with its per-group sort keys. */
export interface Candidate {
  readonly node: NodeInfo;
  /** Tasks of the group's service on the node. */
  serviceCount: number;
  /** The service failed on this node recently: rank it last. */
  readonly failedRecently: boolean;
}

/** Ordering of candidates: the emptiest node comes first. */
export function candidateLess(a: Candidate, b: Candidate): boolean {
  if (a.failedRecently !== b.failedRecently) return !a.failedRecently;
  if (a.serviceCount !== b.serviceCount) return a.serviceCount < b.serviceCount;
  if (a.node.totalTasks !== b.node.totalTasks) return a.node.totalTasks < b.node.totalTasks;
  return a.node.index < b.node.index;
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

/** Builds the tree of candidates for the given spread preferences (none → a single leaf). */
export function buildPlacementTree(candidates: Candidate[], spread: readonly NodeAttribute[], value = ""): PlacementTree {
  const serviceCount = candidates.reduce((sum, c) => sum + c.serviceCount, 0);
  const [first, ...rest] = spread;
  if (first === undefined) {
    return { value, serviceCount, children: [], heap: new MinHeap(candidateLess, candidates) };
  }
  const byValue = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const v = nodeAttributeValue(c.node.attributes, first) ?? "";
    const list = byValue.get(v);
    if (list === undefined) byValue.set(v, [c]);
    else list.push(c);
  }
  const values = [...byValue.keys()].sort();
  const children = values.map((v) => buildPlacementTree(byValue.get(v) ?? [], rest, v));
  return { value, serviceCount, children, heap: null };
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
