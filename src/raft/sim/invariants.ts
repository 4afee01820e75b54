/**
 * Safety invariants of Raft (Figure 3 of the paper), checked by the simulator after every step:
 *   election safety      at most one leader per term;
 *   log matching         two logs with an entry of the same index and term agree on it and on
 *                        the term of the entry before it (so, by induction, on the whole prefix);
 *   leader completeness  a leader of term T holds every entry committed in a term < T (the commit
 *                        term is bounded by the term of the first node that applied the entry);
 *   state machine safety no two nodes apply different entries at the same index;
 *   commit monotonicity  a node's commit index never decreases (in memory within one life, and as
 *                        persisted across restarts); applied indexes advance without gaps.
 */
import { type Entry, EntryType } from "../core/index.js";
import type { Raft as RaftState } from "../core/raft.js";

/** A broken invariant, with the facts that show it. */
export class InvariantViolation extends Error {
  constructor(
    readonly invariant: string,
    message: string,
  ) {
    super(`${invariant}: ${message}`);
    this.name = "InvariantViolation";
  }
}

interface Applied {
  readonly term: number;
  readonly key: string;
  readonly commitTerm: number;
}

function entryKey(e: Entry): string {
  return `${e.type === EntryType.ENTRY_CONF_CHANGE ? "c" : "n"}:${e.data.toString("base64")}`;
}

/** Accumulates what the cluster has said so far and throws InvariantViolation on a contradiction. */
export class SafetyChecker {
  private readonly leaderOfTerm = new Map<number, number>();
  /** (index/term) → entry content and the term of the entry before it. */
  private readonly logTable = new Map<string, { key: string; prevTerm: number | undefined }>();
  /**
   * index → the entry applied there by anyone, with an upper bound of the term in which it was
   * committed (the applying node's term when the index was first applied; an entry of term t may be
   * committed in a later term, Figure 8).
   */
  private readonly applied = new Map<number, Applied>();
  private readonly memCommit = new Map<number, number>();
  private readonly persistedCommit = new Map<number, number>();
  private readonly lastApplied = new Map<number, number>();
  /** Leaders already checked for completeness, by "id/term". */
  private readonly checkedLeaders = new Set<string>();

  /** Called for every live node after every step. */
  checkNode(id: number, r: RaftState): void {
    if (r.state === "leader") {
      const prev = this.leaderOfTerm.get(r.term);
      if (prev !== undefined && prev !== id) {
        throw new InvariantViolation("election safety", `nodes ${prev} and ${id} are both leaders of term ${r.term}`);
      }
      this.leaderOfTerm.set(r.term, id);
      const k = `${id}/${r.term}`;
      if (!this.checkedLeaders.has(k)) {
        this.checkedLeaders.add(k);
        for (const [index, a] of this.applied) this.checkLeaderHas(id, r, index, a);
      }
    }
    const c = r.raftLog.committed;
    const prevC = this.memCommit.get(id) ?? 0;
    if (c < prevC) throw new InvariantViolation("commit monotonicity", `node ${id} commit went from ${prevC} to ${c}`);
    this.memCommit.set(id, c);
  }

  /** A node restarted: its in-memory commit restarts from what it persisted. */
  restarted(id: number, persistedCommit: number): void {
    this.memCommit.set(id, persistedCommit);
  }

  /** A node persisted a hard state. */
  persistedHardState(id: number, commit: number): void {
    const prev = this.persistedCommit.get(id) ?? 0;
    if (commit < prev) {
      throw new InvariantViolation("commit monotonicity", `node ${id} persisted commit ${commit} after ${prev}`);
    }
    this.persistedCommit.set(id, commit);
  }

  /** A node appended `entries` to its log (r already holds them). */
  appended(id: number, r: RaftState, entries: readonly Entry[]): void {
    for (const e of entries) {
      let prevTerm: number | undefined;
      try {
        prevTerm = r.raftLog.term(e.index - 1);
      } catch {
        prevTerm = undefined;
      }
      const k = `${e.index}/${e.term}`;
      const key = entryKey(e);
      const seen = this.logTable.get(k);
      if (seen === undefined) {
        this.logTable.set(k, { key, prevTerm });
        continue;
      }
      if (seen.key !== key) {
        throw new InvariantViolation("log matching", `node ${id} holds a different entry at index ${e.index} term ${e.term}`);
      }
      if (seen.prevTerm !== undefined && prevTerm !== undefined && seen.prevTerm !== prevTerm) {
        throw new InvariantViolation(
          "log matching",
          `node ${id}: entry ${e.index}/${e.term} follows term ${prevTerm}, elsewhere term ${seen.prevTerm}`,
        );
      }
      if (seen.prevTerm === undefined && prevTerm !== undefined) seen.prevTerm = prevTerm;
    }
  }

  /** A node restored a snapshot at `index`: its applied cursor jumps. */
  restoredSnapshot(id: number, index: number): void {
    const prev = this.lastApplied.get(id) ?? 0;
    if (index < prev) throw new InvariantViolation("state machine safety", `node ${id} restored snapshot ${index} after applying ${prev}`);
    this.lastApplied.set(id, index);
  }

  /** A node restarted from a snapshot at `index` (its state machine is rebuilt from there). */
  restartedAt(id: number, index: number): void {
    this.lastApplied.set(id, index);
  }

  /** A node (now in term nodeTerm) applied an entry to its state machine. */
  appliedEntry(id: number, e: Entry, nodeTerm: number, leaders: ReadonlyMap<number, RaftState>): void {
    const prev = this.lastApplied.get(id) ?? 0;
    if (e.index !== prev + 1) {
      throw new InvariantViolation("state machine safety", `node ${id} applied index ${e.index} right after ${prev}`);
    }
    this.lastApplied.set(id, e.index);
    const key = entryKey(e);
    const seen = this.applied.get(e.index);
    if (seen === undefined) {
      const a: Applied = { term: e.term, key, commitTerm: nodeTerm };
      this.applied.set(e.index, a);
      for (const [lid, lr] of leaders) this.checkLeaderHas(lid, lr, e.index, a);
      return;
    }
    if (seen.term !== e.term || seen.key !== key) {
      throw new InvariantViolation(
        "state machine safety",
        `node ${id} applied ${e.index}/${e.term}, another node applied ${e.index}/${seen.term} with ${seen.key === key ? "the same" : "different"} data`,
      );
    }
  }

  /** A leader of a term after the one that committed `a` must hold it. */
  private checkLeaderHas(id: number, r: RaftState, index: number, a: Applied): void {
    if (r.state !== "leader" || r.term <= a.commitTerm) return;
    const log = r.raftLog;
    if (index < log.firstIndex()) return; // covered by the leader's snapshot
    if (index > log.lastIndex()) {
      throw new InvariantViolation(
        "leader completeness",
        `leader ${id} of term ${r.term} lacks committed entry ${index}/${a.term} (last index ${log.lastIndex()})`,
      );
    }
    const t = log.zeroTermOnErr(index);
    if (t !== a.term) {
      throw new InvariantViolation(
        "leader completeness",
        `leader ${id} of term ${r.term} has term ${t} at committed index ${index} (committed term ${a.term})`,
      );
    }
  }

  /** Number of distinct indexes applied anywhere (for run statistics). */
  appliedCount(): number {
    return this.applied.size;
  }

  /** Highest term with a leader. */
  maxLeaderTerm(): number {
    let m = 0;
    for (const t of this.leaderOfTerm.keys()) m = Math.max(m, t);
    return m;
  }
}
