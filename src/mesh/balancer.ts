/**
 * Pure backend choice: round-robin and least-connections over the eligible backends of one
 * published port. No I/O; the caller supplies the open-connection counts.
 */
import type { BalanceStrategy } from "./types.js";

/** What the balancer sees of one eligible backend. */
export interface Candidate {
  readonly id: string;
}

/** Mutable per-port balancing state (the round-robin cursor). */
export interface BalancerState {
  /** Number of picks made so far; round-robin index = cursor mod candidates. */
  cursor: number;
}

/** A fresh state. */
export function newBalancerState(): BalancerState {
  return { cursor: 0 };
}

/**
 * Picks one of `candidates` that is not in `exclude` (backends that already failed for this
 * connection), or undefined when none is left. `activeOf` gives a candidate's open connections
 * (pending connects included); only least-connections reads it.
 *
 * Round-robin: the next candidate after the cursor, skipping excluded ones; the cursor advances on
 * every pick, so a changing candidate list still spreads evenly.
 * Least-connections: the fewest `active`; ties broken round-robin from the cursor so equal backends
 * share the load instead of the first one taking all of it.
 */
export function pickBackend<C extends Candidate>(
  strategy: BalanceStrategy,
  candidates: readonly C[],
  state: BalancerState,
  activeOf: (c: C) => number,
  exclude?: ReadonlySet<string>,
): C | undefined {
  const n = candidates.length;
  if (n === 0) return undefined;
  const start = state.cursor % n;
  state.cursor = (state.cursor + 1) % 0x40000000;
  let best: C | undefined;
  let bestActive = Number.POSITIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    const c = candidates[(start + k) % n];
    if (c === undefined || exclude?.has(c.id) === true) continue;
    if (strategy === "round-robin") return c;
    const active = activeOf(c);
    if (active < bestActive) {
      best = c;
      bestActive = active;
    }
  }
  return best;
}
