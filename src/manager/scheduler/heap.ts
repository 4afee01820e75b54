/**
 * A binary min-heap over an array with a caller-supplied "less" function. The scheduler keeps one per
 * placement leaf so that choosing the emptiest node is O(log n) per task instead of a sort per task.
 */

/** Binary min-heap; `less(a, b)` is true when a must come out before b. */
export class MinHeap<T> {
  private readonly items: T[];

  /** Builds a heap from `items` in O(n) (the array is taken over, not copied). */
  constructor(
    private readonly less: (a: T, b: T) => boolean,
    items: T[] = [],
  ) {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** Number of items. */
  get size(): number {
    return this.items.length;
  }

  /** The smallest item without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds an item. */
  push(item: T): void {
    this.items.push(item);
    this.siftUp(this.items.length - 1);
  }

  /** Replaces the smallest item with `item` (one sift instead of a pop and a push). */
  replaceTop(item: T): void {
    if (this.items.length === 0) {
      this.items.push(item);
      return;
    }
    this.items[0] = item;
    this.siftDown(0);
  }

  /** Empties the heap and returns its items in no particular order. */
  takeAll(): T[] {
    return this.items.splice(0);
  }

  /** Removes and returns the smallest item. */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(start: number): void {
    const items = this.items;
    let i = start;
    const item = items[i] as T;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (!this.less(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  private siftDown(start: number): void {
    const items = this.items;
    const n = items.length;
    let i = start;
    const item = items[i] as T;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.less(items[r] as T, items[l] as T)) c = r;
      const child = items[c] as T;
      if (!this.less(child, item)) break;
      items[i] = child;
      i = c;
    }
    items[i] = item;
  }
}
