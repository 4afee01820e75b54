/**
 * Rate-limited logging of refused peers. A refused caller usually retries at once (a reconnecting
 * stream, an attacker in a loop), and one warning per attempt would flood the log and the disk; so
 * each caller is logged at most once per interval, with the count of refusals left out since.
 */
import type { Logger } from "../../lib/logger.js";

/** Logs refusals, at most one line per caller per `intervalMs`. */
export class RefusalLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a refusal of `caller` (a node id or a peer address); logs it unless it was logged recently. */
  refused(caller: string, fields: Record<string, unknown>, message: string): void {
    const t = this.now();
    const seen = this.last.get(caller);
    if (seen !== undefined && t - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    this.log.warn({ caller, ...fields, suppressedSinceLast: seen?.suppressed ?? 0 }, message);
    this.last.set(caller, { at: t, suppressed: 0 });
    // Bounded: forget callers not seen for an interval (an attacker can make up many addresses).
    if (this.last.size > 1024) for (const [k, v] of this.last) if (t - v.at >= this.intervalMs) this.last.delete(k);
    if (this.last.size > 4096) this.last.clear();
  }
}
