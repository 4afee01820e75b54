/**
 * What the Raft server replicates: any deterministic state machine. The manager's store implements
 * the same three calls (applyEntry / snapshotBytes / restoreBytes).
 */

/** A deterministic state machine driven by committed Raft entries. */
export interface StateMachine<R = unknown> {
  /**
   * Applies one committed proposal payload at log `index`. Must be deterministic (same bytes, same
   * state → same result on every member) and must not throw for bad user input: return a refusal.
   */
  apply(index: number, data: Buffer): R;
  /** The whole state as bytes, consistent with everything applied so far. */
  snapshot(): Uint8Array;
  /** Replaces the whole state by a snapshot taken at `index`. */
  restore(index: number, data: Buffer): void;
}
