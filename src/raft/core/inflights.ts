/**
 * The in-flight window of one follower in the replicate state: the last index (and size) of each
 * MsgApp sent but not yet acknowledged. The leader stops sending when the window is full.
 */

/** A bounded FIFO of in-flight appends. */
export class Inflights {
  private readonly items: { index: number; bytes: number }[] = [];

  constructor(readonly capacity: number) {}

  /** Records an append whose last entry is `index`. */
  add(index: number, bytes: number): void {
    this.items.push({ index, bytes });
  }

  /** Frees every in-flight append whose last index is ≤ to (they were acknowledged). */
  freeLE(to: number): void {
    let n = 0;
    while (n < this.items.length && (this.items[n] as { index: number }).index <= to) n++;
    if (n > 0) this.items.splice(0, n);
  }

  /** Frees the oldest in-flight append (a heartbeat response proved the follower alive). */
  freeFirstOne(): void {
    this.items.shift();
  }

  full(): boolean {
    return this.items.length >= this.capacity;
  }

  count(): number {
    return this.items.length;
  }

  reset(): void {
    this.items.length = 0;
  }
}
