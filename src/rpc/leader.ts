/** "Ask the leader": the error a follower returns for leader-only calls, naming where the leader is. */
import { ErrorCode, SwarmError } from "../lib/errors.js";

/** This manager is not the Raft leader; `leaderAddr` is the leader's API address when known. */
export class NotLeaderError extends SwarmError {
  constructor(readonly leaderAddr: string) {
    super(ErrorCode.FailedPrecondition, leaderAddr === "" ? "this manager is not the leader and no leader is known (is quorum lost?)" : `this manager is not the leader; the leader is at ${leaderAddr}`, {
      fields: { leaderAddr },
    });
  }
}

/** The leader address a remote NotLeaderError carried, if any. */
export function leaderAddrOf(err: unknown): string | undefined {
  if (!(err instanceof SwarmError)) return undefined;
  const addr = err.fields.leaderAddr;
  return typeof addr === "string" && addr !== "" ? addr : undefined;
}
