/**
 * Watches: change streams over the store. Each watcher has a bounded queue; a watcher that falls too
 * far behind is closed with a SlowWatcher error rather than letting memory grow without bound (the
 * consumer re-lists and watches again, as SwarmKit's consumers do).
 */
import { StoreError, StoreErrorCode } from "./errors.js";
import type { StoreEvent } from "./types.js";

/** Selects the events a watcher wants. */
export type EventFilter = (event: StoreEvent) => boolean;

/** Options for a watcher. */
export interface WatchOptions {
  readonly filter?: EventFilter;
  /** Maximum queued events before the watcher is closed as too slow (default 10,000). */
  readonly bufferSize?: number;
  /** Ends the watch when aborted. */
  readonly signal?: AbortSignal;
}

/** A stream of store events; iterate with `for await`, stop with `close()`. */
export class Watcher implements AsyncIterable<StoreEvent> {
  private readonly queue: StoreEvent[] = [];
  private waiting: ((r: IteratorResult<StoreEvent>) => void) | undefined;
  private failWaiting: ((err: unknown) => void) | undefined;
  private ended = false;
  private error: StoreError | undefined;

  constructor(
    private readonly filter: EventFilter | undefined,
    private readonly bufferSize: number,
    private readonly onClose: (w: Watcher) => void,
  ) {}

  /** Delivers an event (called by the hub). */
  push(event: StoreEvent): void {
    if (this.ended || (this.filter !== undefined && !this.filter(event))) return;
    if (this.waiting !== undefined) {
      const resolve = this.waiting;
      this.waiting = this.failWaiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    if (this.queue.length >= this.bufferSize) {
      this.fail(new StoreError(StoreErrorCode.SlowWatcher, `watcher fell ${this.bufferSize} events behind and was closed`));
      return;
    }
    this.queue.push(event);
  }

  /** Ends the stream after the queued events. Safe to call twice. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.onClose(this);
    if (this.waiting !== undefined && this.queue.length === 0) {
      const resolve = this.waiting;
      this.waiting = this.failWaiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  /** Ends the stream with an error. */
  fail(error: StoreError): void {
    this.error = error;
    this.queue.length = 0;
    if (this.failWaiting !== undefined) {
      const reject = this.failWaiting;
      this.waiting = this.failWaiting = undefined;
      reject(error);
    }
    this.close();
  }

  /** Next event, or done when closed. */
  next(): Promise<IteratorResult<StoreEvent>> {
    const event = this.queue.shift();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<StoreEvent> {
    return { next: () => this.next(), return: () => (this.close(), Promise.resolve({ value: undefined, done: true })) };
  }
}

/** Fans events out to watchers. */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  /** Opens a watcher. */
  watch(options: WatchOptions = {}): Watcher {
    const w = new Watcher(options.filter, options.bufferSize ?? 10_000, (x) => this.watchers.delete(x));
    this.watchers.add(w);
    if (options.signal !== undefined) {
      if (options.signal.aborted) w.close();
      else options.signal.addEventListener("abort", () => w.close(), { once: true });
    }
    return w;
  }

  /** Delivers events to every watcher. */
  publish(events: readonly StoreEvent[]): void {
    for (const w of this.watchers) for (const e of events) w.push(e);
  }

  /** Closes every watcher with an error (store closing). */
  failAll(error: StoreError): void {
    for (const w of [...this.watchers]) w.fail(error);
  }

  /** Number of open watchers. */
  get size(): number {
    return this.watchers.size;
  }
}
