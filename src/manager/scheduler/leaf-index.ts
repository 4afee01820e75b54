/**
 * A placement leaf's nodes ordered by (tasks in total, input order), kept across the groups of one
 * scheduling pass. For a group of k tasks on a leaf of n ≫ k nodes, the k best nodes without tasks of
 * the service come off this heap in O(k log n) instead of a scan of all n nodes; the group's other
 * candidates (nodes already running the service, or where it failed) come from a per-service index.
 * Entries are refreshed lazily: an entry whose recorded total no longer matches the node's is stale
 * and is re-pushed with the current total when it surfaces (totals only grow during a pass).
 */
import { MinHeap } from "./heap.js";
import type { NodeInfo } from "./node-info.js";

/** One node's place in the heap; re-used (never re-allocated) when refreshed or restored. */
interface Entry {
  total: number;
  readonly node: NodeInfo;
}

function entryLess(a: Entry, b: Entry): boolean {
  return a.total !== b.total ? a.total < b.total : a.node.index < b.node.index;
}

/** The ordered nodes of one leaf of a cached placement-tree template. */
export class LeafIndex {
  /** The leaf's nodes. */
  readonly members: ReadonlySet<NodeInfo>;
  private readonly heap: MinHeap<Entry>;
  private taken: Entry[] = [];

  constructor(nodes: readonly NodeInfo[]) {
    this.members = new Set(nodes);
    this.heap = new MinHeap(
      entryLess,
      nodes.map((node) => ({ total: node.totalTasks, node })),
    );
  }

  /**
   * Returns up to `limit` accepted nodes, best first. Every node looked at (accepted or not) is held
   * back from the heap until `restore`, so a node is never returned twice.
   */
  take(limit: number, accept: (node: NodeInfo) => boolean): NodeInfo[] {
    const out: NodeInfo[] = [];
    while (out.length < limit) {
      const e = this.heap.pop();
      if (e === undefined) break;
      if (e.total !== e.node.totalTasks) {
        e.total = e.node.totalTasks;
        this.heap.push(e);
        continue;
      }
      this.taken.push(e);
      if (accept(e.node)) out.push(e.node);
    }
    return out;
  }

  /** Puts back every node taken since the last restore, with its current total. */
  restore(): void {
    for (const e of this.taken) {
      e.total = e.node.totalTasks;
      this.heap.push(e);
    }
    this.taken = [];
  }
}
