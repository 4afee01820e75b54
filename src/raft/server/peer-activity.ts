/**
 * Recent activity of the other members, as this member sees it: when it last received a message from
 * each (any type: heartbeat responses, appends, votes). Read-only for callers; the server records a
 * receipt per incoming batch. On the leader, together with the core's per-follower progress, this is
 * what "is this manager reachable" means (SwarmKit takes it from its transport the same way).
 */
import type { ProgressStatus } from "../core/index.js";

/** One member's activity and (on the leader) replication progress. */
export interface PeerActivity {
  readonly id: number;
  /** Milliseconds since a message from it arrived; null if none since this member started. */
  readonly lastHeardAgoMs: number | null;
  /** The leader's replication progress for it (undefined on followers). */
  readonly progress: ProgressStatus | undefined;
}

/** Receipt times per member (pure apart from the clock it is given). */
export class PeerActivityBook {
  private readonly heard = new Map<number, number>();

  /** A message from `id` arrived at `now`. */
  heardFrom(id: number, now: number): void {
    this.heard.set(id, now);
  }

  /** Activity of every member in `members` except `self`. */
  view(self: number, members: Iterable<number>, progress: ReadonlyMap<number, ProgressStatus>, now: number): PeerActivity[] {
    const out: PeerActivity[] = [];
    for (const id of members) {
      if (id === self) continue;
      const t = this.heard.get(id);
      out.push({ id, lastHeardAgoMs: t === undefined ? null : now - t, progress: progress.get(id) });
    }
    return out;
  }
}
