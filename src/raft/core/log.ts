/**
 * The Raft log as the core sees it: the stable part (Storage) followed by the unstable part (entries
 * and possibly a snapshot not yet persisted by the runner).
 *
 * Invariants: applied ≤ committed ≤ lastIndex; unstable.offset = index of unstable.entries[0];
 * a committed entry is never truncated (truncating one throws RaftInvariantError).
 */
import { type Entry, type Snapshot, snapshotMeta } from "./types.js";
import { type Storage, limitSize } from "./storage.js";
import { CompactedError, RaftInvariantError, UnavailableError } from "./errors.js";

/**
 * Entries (and a snapshot) accepted by the core but not yet persisted. Entries below
 * `offsetInProgress` (and the snapshot, if `snapshotInProgress`) were handed to the runner in a Ready
 * that is still being persisted: they stay here (readable) until stableTo, but are not handed out again.
 */
export class Unstable {
  snapshot: Snapshot | undefined;
  snapshotInProgress = false;
  entries: Entry[] = [];
  /** Index of entries[0]. */
  offset: number;
  /** First index not yet handed out for persisting (offset ≤ offsetInProgress ≤ last + 1). */
  offsetInProgress: number;

  constructor(offset: number) {
    this.offset = offset;
    this.offsetInProgress = offset;
  }

  /** Entries not yet handed out for persisting. */
  nextEntries(): Entry[] {
    return this.entries.slice(this.offsetInProgress - this.offset);
  }

  /** The snapshot, if it was not handed out yet. */
  nextSnapshot(): Snapshot | undefined {
    return this.snapshotInProgress ? undefined : this.snapshot;
  }

  /** Everything pending was handed out in a Ready. */
  acceptInProgress(): void {
    this.offsetInProgress = this.offset + this.entries.length;
    if (this.snapshot !== undefined) this.snapshotInProgress = true;
  }

  /** First index if a snapshot is pending. */
  maybeFirstIndex(): number | undefined {
    return this.snapshot === undefined ? undefined : snapshotMeta(this.snapshot).index + 1;
  }

  /** Last index if there are unstable entries or a pending snapshot. */
  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    return this.snapshot === undefined ? undefined : snapshotMeta(this.snapshot).index;
  }

  /** Term of entry i if the unstable part knows it. */
  maybeTerm(i: number): number | undefined {
    if (i < this.offset) {
      if (this.snapshot !== undefined && snapshotMeta(this.snapshot).index === i) return snapshotMeta(this.snapshot).term;
      return undefined;
    }
    const last = this.maybeLastIndex();
    if (last === undefined || i > last) return undefined;
    return (this.entries[i - this.offset] as Entry).term;
  }

  /** Entries up to (i, t) are now persisted; a mismatch in term means they were replaced meanwhile. */
  stableTo(i: number, t: number): void {
    const gt = this.maybeTerm(i);
    if (gt === undefined || gt !== t || i < this.offset) return;
    this.entries = this.entries.slice(i + 1 - this.offset);
    this.offset = i + 1;
    this.offsetInProgress = Math.max(this.offsetInProgress, this.offset);
  }

  /** The pending snapshot at index i is now persisted. */
  stableSnapTo(i: number): void {
    if (this.snapshot !== undefined && snapshotMeta(this.snapshot).index === i) {
      this.snapshot = undefined;
      this.snapshotInProgress = false;
    }
  }

  /** Replaces everything by a snapshot. */
  restore(s: Snapshot): void {
    this.offset = snapshotMeta(s).index + 1;
    this.offsetInProgress = this.offset;
    this.entries = [];
    this.snapshot = s;
    this.snapshotInProgress = false;
  }

  /** Appends entries, truncating any conflicting suffix. */
  truncateAndAppend(ents: readonly Entry[]): void {
    const after = (ents[0] as Entry).index;
    if (after === this.offset + this.entries.length) {
      this.entries = this.entries.concat(ents);
    } else if (after <= this.offset) {
      this.offset = after;
      this.entries = [...ents];
    } else {
      this.entries = this.entries.slice(0, after - this.offset).concat(ents);
    }
    // Replaced entries that were being persisted must be persisted again (in a later Ready).
    this.offsetInProgress = Math.min(this.offsetInProgress, after);
  }

  /** Entries [lo, hi) from the unstable part. */
  slice(lo: number, hi: number): Entry[] {
    const upper = this.offset + this.entries.length;
    if (lo < this.offset || hi > upper || lo > hi) {
      throw new RaftInvariantError(`unstable slice [${lo},${hi}) out of bounds [${this.offset},${upper})`);
    }
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}

/** The combined log: storage + unstable, with commit and apply cursors. */
export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  committed: number;
  applied: number;
  /** Last committed index handed to the runner for applying (applied ≤ applying ≤ committed). */
  applying: number;

  constructor(storage: Storage) {
    this.storage = storage;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    this.committed = first - 1;
    this.applied = first - 1;
    this.applying = first - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /**
   * The last index that is persisted and still part of our log (the unstable entries follow it); 0
   * while a received snapshot is not persisted yet.
   */
  stableLastIndex(): number {
    return this.unstable.snapshot === undefined ? this.unstable.offset - 1 : 0;
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  /** Term of entry i (i may be firstIndex-1). Throws CompactedError / UnavailableError. */
  term(i: number): number {
    const dummy = this.firstIndex() - 1;
    if (i < dummy) throw new CompactedError(i, dummy + 1);
    if (i > this.lastIndex()) throw new UnavailableError(i, this.lastIndex());
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    return this.storage.term(i);
  }

  /** Term of entry i, or 0 if it is compacted or beyond the end. */
  zeroTermOnErr(i: number): number {
    if (i < this.firstIndex() - 1 || i > this.lastIndex()) return 0;
    try {
      return this.term(i);
    } catch (err) {
      if (err instanceof CompactedError || err instanceof UnavailableError) return 0;
      throw err;
    }
  }

  matchTerm(i: number, t: number): boolean {
    const dummy = this.firstIndex() - 1;
    if (i < dummy || i > this.lastIndex()) return false;
    return this.zeroTermOnErr(i) === t;
  }

  /** True if a log ending at (lasti, term) is at least as up-to-date as ours (§5.4.1). */
  isUpToDate(lasti: number, term: number): boolean {
    const ourTerm = this.lastTerm();
    return term > ourTerm || (term === ourTerm && lasti >= this.lastIndex());
  }

  /**
   * Follower side of AppendEntries: if our entry at `index` has `logTerm`, appends ents (dropping a
   * conflicting suffix) and commits up to min(committed, last new index). Returns the last new index,
   * or undefined on mismatch.
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new RaftInvariantError(`entry ${ci} conflicts with committed entry (committed ${this.committed})`);
      }
      this.append(ents.slice(ci - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  /** Appends entries (their indexes must continue or overwrite the uncommitted tail); returns the new last index. */
  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = (ents[0] as Entry).index - 1;
    if (after < this.committed) {
      throw new RaftInvariantError(`append after ${after} is below committed ${this.committed}`);
    }
    if (after > this.lastIndex()) {
      throw new RaftInvariantError(`append after ${after} leaves a gap (last index ${this.lastIndex()})`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /** Index of the first entry that conflicts with ours (or is new), or 0 if all already match. */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * Fast back-off: the largest index ≤ index whose term is ≤ term, with its term. Lets a leader skip a
   * whole term of conflicting entries per round trip.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    const dummy = this.firstIndex() - 1;
    if (index > this.lastIndex()) return { index, term: 0 };
    for (let i = index; ; i--) {
      if (i < dummy) return { index: i, term: 0 };
      let t: number;
      try {
        t = this.term(i);
      } catch {
        return { index: i, term: 0 };
      }
      if (t <= term) return { index: i, term: t };
    }
  }

  /** Entries not yet persisted nor handed out for persisting. */
  unstableEntries(): Entry[] {
    return this.unstable.nextEntries();
  }

  /** Committed entries not yet handed out for applying (bounded by maxBytes if given). */
  nextCommittedEntries(maxBytes?: number): Entry[] {
    const off = Math.max(this.applying + 1, this.firstIndex());
    if (this.committed + 1 > off) return this.slice(off, this.committed + 1, maxBytes);
    return [];
  }

  hasNextCommittedEntries(): boolean {
    return this.committed + 1 > Math.max(this.applying + 1, this.firstIndex());
  }

  /** Committed entries up to i were handed out for applying. */
  applyingTo(i: number): void {
    if (i > this.applying) this.applying = i;
  }

  /** The pending unstable snapshot if any, else the storage's snapshot. */
  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  /** Advances the commit index if `maxIndex` is in the current term (§5.4.2). */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.zeroTermOnErr(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  commitTo(toCommit: number): void {
    if (this.committed >= toCommit) return;
    if (this.lastIndex() < toCommit) {
      throw new RaftInvariantError(`commit ${toCommit} is beyond last index ${this.lastIndex()}`);
    }
    this.committed = toCommit;
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    if (this.committed < i || i < this.applied) {
      throw new RaftInvariantError(`applied ${i} is outside [${this.applied}, ${this.committed}]`);
    }
    this.applied = i;
    if (i > this.applying) this.applying = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  /** Replaces the log by a snapshot (the snapshot's index becomes committed). */
  restore(s: Snapshot): void {
    this.committed = snapshotMeta(s).index;
    this.unstable.restore(s);
  }

  /** Entries from i onward, bounded by maxBytes. */
  entries(i: number, maxBytes?: number): Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxBytes);
  }

  /** Every entry we hold (tests and simulator). */
  allEntries(): Entry[] {
    return this.entries(this.firstIndex());
  }

  /** Entries [lo, hi) across storage and unstable; throws CompactedError if lo < firstIndex. */
  slice(lo: number, hi: number, maxBytes?: number): Entry[] {
    if (lo > hi) throw new RaftInvariantError(`invalid slice ${lo} > ${hi}`);
    const first = this.firstIndex();
    if (lo < first) throw new CompactedError(lo, first);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1, this.lastIndex());
    if (lo === hi) return [];
    let ents: Entry[] = [];
    const uOff = this.unstable.offset;
    if (lo < uOff) {
      const stored = this.storage.entries(lo, Math.min(hi, uOff), maxBytes);
      if (stored.length < Math.min(hi, uOff) - lo) return stored;
      ents = stored;
    }
    if (hi > uOff) {
      const u = this.unstable.slice(Math.max(lo, uOff), hi);
      ents = ents.length > 0 ? ents.concat(u) : u;
    }
    return limitSize(ents, maxBytes);
  }
}
