/**
 * Records a concurrent history as clients run: `invoke` before sending a request, `complete` after the
 * response. Operations still open at the end (a client timed out or its server died) are closed with an
 * "unknown" output and return time Infinity, so the checker may place them anywhere after their call —
 * or treat them as never having taken effect, by placing them last.
 */
import type { Operation } from "./model.js";

/** Collects operations with timestamps from an injected monotonic clock. */
export class HistoryRecorder<I, O> {
  private readonly now: () => number;
  private readonly done: Operation<I, O>[] = [];
  private readonly open = new Map<number, { clientId: number; input: I; call: number }>();
  private nextId = 0;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  /** Marks the invocation of an operation; returns a handle for {@link complete}. */
  invoke(clientId: number, input: I): number {
    const id = this.nextId++;
    this.open.set(id, { clientId, input, call: this.now() });
    return id;
  }

  /** Marks the response of an operation with its output. */
  complete(handle: number, output: O): void {
    const op = this.open.get(handle);
    if (op === undefined) throw new Error(`history: operation ${handle} is not open`);
    this.open.delete(handle);
    this.done.push({ ...op, output, return: this.now() });
  }

  /** Number of operations completed so far. */
  get completed(): number {
    return this.done.length;
  }

  /** The history: completed operations plus open ones closed with `unknownOutput` at time Infinity. */
  history(unknownOutput: O): Operation<I, O>[] {
    const pending = [...this.open.values()].map((op) => ({ ...op, output: unknownOutput, return: Infinity }));
    return [...this.done, ...pending];
  }
}
