/**
 * Lifeguard suspicion timeouts (pure math, after memberlist's suspicion.go).
 *
 * A suspicion starts at `max` and shrinks toward `min` as independent members confirm it:
 *   min = SuspicionMult · max(1, log10 N) · ProbeInterval,  max = SuspicionMaxTimeoutMult · min,
 *   timeout(c) = max − (log(c+1) / log(k+1)) · (max − min), floored at min,
 * where c counts confirmations from members other than the first accuser and k is how many we
 * expect (SuspicionMult − 2, or 0 in clusters too small to provide them).
 */

/** Bounds of one suspicion. */
export interface SuspicionBounds {
  readonly minMs: number;
  readonly maxMs: number;
  /** Confirmations expected before the timeout reaches min. */
  readonly expectedConfirmations: number;
}

/** min suspicion timeout for a cluster of `members` nodes. */
export function suspicionMinMs(suspicionMult: number, members: number, probeIntervalMs: number): number {
  const nodeScale = Math.max(1, Math.log10(Math.max(1, members)));
  return Math.floor(suspicionMult * nodeScale * probeIntervalMs);
}

/** Bounds for a new suspicion given the tuning and the current cluster size. */
export function suspicionBounds(
  suspicionMult: number,
  suspicionMaxTimeoutMult: number,
  members: number,
  probeIntervalMs: number,
): SuspicionBounds {
  const minMs = suspicionMinMs(suspicionMult, members, probeIntervalMs);
  let k = suspicionMult - 2;
  // Too few other members to ever deliver k confirmations: go straight to min.
  if (members - 2 < k) k = 0;
  return { minMs, maxMs: suspicionMaxTimeoutMult * minMs, expectedConfirmations: Math.max(0, k) };
}

/** Total timeout (from the suspicion's start) after `confirmations` independent confirmations. */
export function suspicionTimeoutMs(bounds: SuspicionBounds, confirmations: number): number {
  const { minMs, maxMs, expectedConfirmations: k } = bounds;
  if (k < 1) return minMs;
  const frac = Math.log(confirmations + 1) / Math.log(k + 1);
  const raw = Math.floor(maxMs - frac * (maxMs - minMs));
  return Math.max(minMs, raw);
}

/** How many times a broadcast is transmitted in a cluster of `members` nodes. */
export function retransmitLimit(retransmitMult: number, members: number): number {
  return retransmitMult * Math.ceil(Math.log10(members + 1));
}
