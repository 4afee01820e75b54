/**
 * A min-heap of timers keyed by due time (pure). Timers are cancelled lazily: a cancelled entry
 * stays in the heap and is skipped when it surfaces.
 */

/** One scheduled timer. */
export interface TimerEntry<T> {
  readonly due: number;
  readonly seq: number;
  readonly payload: T;
  cancelled: boolean;
}

/** The heap. */
export class TimerHeap<T> {
  private heap: TimerEntry<T>[] = [];
  private seq = 0;

  /** Schedules `payload` at `due`; the returned entry can be cancelled. */
  schedule(due: number, payload: T): TimerEntry<T> {
    const entry: TimerEntry<T> = { due, seq: this.seq++, payload, cancelled: false };
    this.heap.push(entry);
    this.up(this.heap.length - 1);
    return entry;
  }

  /** Due time of the earliest live timer, or undefined. */
  peekDue(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.due;
  }

  /** Removes and returns the earliest live timer due at or before `now`. */
  popDue(now: number): TimerEntry<T> | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (top === undefined || top.due > now) return undefined;
    this.pop();
    return top;
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled === true) this.pop();
  }

  private pop(): void {
    const last = this.heap.pop();
    if (last === undefined || this.heap.length === 0) return;
    this.heap[0] = last;
    this.down(0);
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i] as TimerEntry<T>;
    const b = this.heap[j] as TimerEntry<T>;
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const t = this.heap[i] as TimerEntry<T>;
    this.heap[i] = this.heap[j] as TimerEntry<T>;
    this.heap[j] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
