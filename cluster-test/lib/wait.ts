/**
 * Polling with a deadline (TESTING.md: never sleep-and-hope). On timeout the error says what was being
 * waited for and what the probe returned (or threw) the last time, so a red test explains itself.
 */
import { inspect } from "node:util";
import { SwarmError, errorMessage } from "../../src/lib/errors.js";
import { HarnessErrorCode } from "./run.js";

/** Options for {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  readonly timeoutMs?: number;
  /** Pause between probes (default 100 ms). */
  readonly intervalMs?: number;
  /** What is awaited, for the timeout message ("5 nodes Ready"). */
  readonly describe?: string;
  /** Clock, injectable for tests (default `performance.now`). */
  readonly now?: () => number;
}

/** Thrown when a condition did not hold before the deadline. */
export class WaitTimeoutError extends SwarmError {
  /** What the probe returned (or the error it threw) on its last run. */
  readonly lastSeen: unknown;
  constructor(describe: string, timeoutMs: number, attempts: number, lastSeen: unknown, lastError: unknown) {
    const seen =
      lastError !== undefined
        ? `last probe threw: ${errorMessage(lastError)}`
        : `last seen: ${inspect(lastSeen, { depth: 4, breakLength: 120, maxStringLength: 4000 })}`;
    super(HarnessErrorCode.WaitTimeout, `timed out after ${timeoutMs} ms (${attempts} probes) waiting for ${describe}; ${seen}`, {
      cause: lastError,
      fields: { describe, timeoutMs, attempts },
    });
    this.lastSeen = lastSeen;
  }
}

/** Resolves after `ms` milliseconds (the pause between probes). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `probe` until `accept(value)` is true and returns that value. Without `accept`, a truthy value
 * is accepted. A probe that throws counts as "not yet" and its error is reported on timeout.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  accept: ((value: T) => boolean) | WaitOptions = {},
  options: WaitOptions = {},
): Promise<T> {
  const check = typeof accept === "function" ? accept : (v: T) => Boolean(v);
  const opts = typeof accept === "function" ? options : accept;
  const now = opts.now ?? (() => performance.now());
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = now() + timeoutMs;
  let attempts = 0;
  let lastSeen: unknown = undefined;
  let lastError: unknown = undefined;
  for (;;) {
    attempts++;
    try {
      const value = await probe();
      lastSeen = value;
      lastError = undefined;
      if (check(value)) return value;
    } catch (err) {
      lastError = err;
    }
    if (now() >= deadline) {
      throw new WaitTimeoutError(opts.describe ?? "a condition", timeoutMs, attempts, lastSeen, lastError);
    }
    await delay(Math.max(0, Math.min(intervalMs, deadline - now())));
  }
}
