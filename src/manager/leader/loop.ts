/**
 * The shell every leader reconciler shares: watch the store, and run one reconcile pass whenever
 * something relevant changed, when a pass asked to be woken at a time (restart delays), or on a slow
 * safety period. Passes never overlap; changes arriving during a pass cause exactly one more pass.
 * A pass reads the store and writes through `store.updateWithRetry`, so the loop keeps no state that
 * matters for correctness: a new leader's fresh loop converges from the store alone.
 */
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { StoreError, StoreErrorCode } from "../../store/errors.js";
import type { Store } from "../../store/store.js";
import type { EventFilter, Watcher } from "../../store/watch.js";

/** Options common to all reconcilers. */
export interface ReconcilerOptions {
  readonly store: Store;
  readonly logger: Logger;
  /** Clock (Unix ms); default Date.now. Restart delays and orphaning are measured with it. */
  readonly clock?: () => number;
  /** Safety re-reconcile period (ms) even without changes; default 5000. */
  readonly periodMs?: number;
}

/** What a pass reports back: when (clock ms) it wants to run again, if a timed action is pending. */
export interface PassResult {
  readonly wakeAt?: number;
}

/** A store-watching reconcile loop; subclasses implement {@link pass}. */
export abstract class ReconcileLoop {
  protected readonly store: Store;
  protected readonly log: Logger;
  protected readonly clock: () => number;
  private readonly periodMs: number;
  private stopped = true;
  private dirty = false;
  private wake: (() => void) | undefined;
  private watcher: Watcher | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  protected constructor(
    o: ReconcilerOptions,
    private readonly filter: EventFilter,
  ) {
    this.store = o.store;
    this.log = o.logger;
    this.clock = o.clock ?? Date.now;
    this.periodMs = o.periodMs ?? 5_000;
  }

  /** One reconcile pass against the current store contents. */
  protected abstract pass(): Promise<PassResult>;

  /** Starts watching and reconciling (the first pass runs at once). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.dirty = true;
    this.openWatch();
    this.loopDone = this.loop();
  }

  /** Stops the loop; resolves when the current pass (if any) ended. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.poke();
    await this.loopDone;
  }

  /**
   * Runs one pass now (after a pass in progress) and resolves when it ended. For tests with an
   * injected clock, and for callers that want a change acted upon before they go on.
   */
  reconcile(): Promise<void> {
    return this.runPass();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private openWatch(): void {
    const watcher = this.store.watch({ filter: this.filter });
    this.watcher = watcher;
    void (async () => {
      try {
        for await (const _event of watcher) {
          this.dirty = true;
          this.poke();
        }
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof StoreError && err.code === StoreErrorCode.Closed) {
          this.log.info("store closed; reconciler stops");
          this.stopped = true;
          this.poke();
          return;
        }
        // Slow watcher or a snapshot restore: re-list (a full pass) and watch again.
        this.log.warn({ err: errorMessage(err) }, "store watch ended; watching again");
        this.dirty = true;
        if (this.watcher === watcher) this.openWatch();
        this.poke();
      }
    })();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (!this.dirty) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      this.dirty = false;
      await this.runPass();
    }
  }

  /** Passes are chained: never two at once. */
  private runPass(): Promise<void> {
    const next = this.chain.then(async () => {
      let result: PassResult = {};
      try {
        result = await this.pass();
      } catch (err) {
        if (err instanceof StoreError && err.code === StoreErrorCode.Closed) {
          this.stopped = true;
          return;
        }
        this.log.warn({ err: errorMessage(err) }, "reconcile pass failed; retrying");
        result = { wakeAt: this.clock() + 500 };
      }
      if (!this.stopped) this.arm(result.wakeAt);
    });
    this.chain = next;
    return next;
  }

  private arm(wakeAt: number | undefined): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const delay = wakeAt === undefined ? this.periodMs : Math.min(this.periodMs, Math.max(0, wakeAt - this.clock()));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dirty = true;
      this.poke();
    }, delay);
    this.timer.unref();
  }
}
