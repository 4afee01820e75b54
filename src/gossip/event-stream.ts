/**
 * Fan-out of gossip events to any number of async-iterator subscribers. Each subscriber has its
 * own bounded queue (oldest events are dropped and counted when a consumer falls far behind).
 */
import type { GossipEvent } from "./types.js";

/** Events a slow subscriber may have queued before the oldest are dropped. */
export const MAX_QUEUED_EVENTS = 65_536;

interface Subscriber {
  readonly queue: GossipEvent[];
  wake: (() => void) | undefined;
}

/** The fan-out. */
export class EventStream {
  /** Events dropped because a subscriber fell behind. */
  dropped = 0;
  private readonly subscribers = new Set<Subscriber>();
  private ended = false;

  /** Delivers one event to every subscriber. */
  publish(event: GossipEvent): void {
    for (const s of this.subscribers) {
      s.queue.push(event);
      if (s.queue.length > MAX_QUEUED_EVENTS) {
        s.queue.shift();
        this.dropped++;
      }
      s.wake?.();
    }
  }

  /** Ends every subscription (iterators finish after draining their queues). */
  end(): void {
    this.ended = true;
    for (const s of this.subscribers) s.wake?.();
  }

  /** A new subscription that sees events published from now on. */
  subscribe(signal?: AbortSignal): AsyncIterable<GossipEvent> {
    const sub: Subscriber = { queue: [], wake: undefined };
    this.subscribers.add(sub);
    const onAbort = (): void => sub.wake?.();
    signal?.addEventListener("abort", onAbort, { once: true });
    const isEnded = (): boolean => this.ended;
    const unsubscribe = (): void => void this.subscribers.delete(sub);
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            const next = sub.queue.shift();
            if (next !== undefined) {
              yield next;
              continue;
            }
            if (isEnded() || signal?.aborted === true) return;
            await new Promise<void>((resolve) => (sub.wake = resolve));
            sub.wake = undefined;
          }
        } finally {
          unsubscribe();
          signal?.removeEventListener("abort", onAbort);
        }
      },
    };
  }
}
