/**
 * Majority quorum arithmetic over the voters of one configuration (single-server changes mean we
 * never need joint quorums).
 */

/** Outcome of an election tally. */
export const VoteResult = {
  Pending: "pending",
  Lost: "lost",
  Won: "won",
} as const;
/** One election outcome. */
export type VoteResult = (typeof VoteResult)[keyof typeof VoteResult];

/** Size of a majority of n voters. */
export function majority(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * The largest index acknowledged by a majority of voters: sort the match indexes descending and take
 * the majority-th one. 0 for an empty configuration.
 */
export function committedIndex(voters: readonly number[], matchOf: (id: number) => number): number {
  if (voters.length === 0) return 0;
  const matches = voters.map(matchOf).sort((a, b) => b - a);
  return matches[majority(voters.length) - 1] ?? 0;
}

/** Tallies granted/rejected votes among voters; absent voters have not answered yet. */
export function voteResult(voters: readonly number[], votes: ReadonlyMap<number, boolean>): VoteResult {
  if (voters.length === 0) return VoteResult.Won;
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const q = majority(voters.length);
  if (granted >= q) return VoteResult.Won;
  if (granted + missing >= q) return VoteResult.Pending;
  return VoteResult.Lost;
}
