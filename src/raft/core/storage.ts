/**
 * Storage: the stable (persisted) part of the Raft log as the core reads it, and MemoryStorage, the
 * in-memory implementation the runner keeps in step with its WAL (as etcd's raftexample does).
 *
 * Index layout of MemoryStorage: `ents[0]` is a dummy entry carrying the index and term of the last
 * snapshot; real entries follow, contiguous. firstIndex = ents[0].index + 1.
 */
import {
  type ConfState,
  type Entry,
  type HardState,
  type Snapshot,
  emptyHardState,
  emptySnapshot,
  entrySize,
  newEntry,
  snapshotConfState,
  snapshotMeta,
} from "./types.js";
import { CompactedError, RaftInvariantError, SnapOutOfDateError, UnavailableError } from "./errors.js";

/** What a node restarts from. */
export interface InitialState {
  readonly hardState: HardState;
  readonly confState: ConfState;
}

/** Read access to the stable log (entries, hard state, last snapshot). Errors: CompactedError, UnavailableError. */
export interface Storage {
  /** The persisted hard state and the membership of the last snapshot. */
  initialState(): InitialState;
  /** Entries [lo, hi), at least one even if it exceeds maxBytes. Throws CompactedError if lo ≤ snapshot index. */
  entries(lo: number, hi: number, maxBytes?: number): Entry[];
  /** Term of entry i; i may be the snapshot index. Throws CompactedError / UnavailableError. */
  term(i: number): number;
  /** Index of the first entry still held (snapshot index + 1). */
  firstIndex(): number;
  /** Index of the last entry held (the snapshot index if the log is empty). */
  lastIndex(): number;
  /** The most recent snapshot. */
  snapshot(): Snapshot;
}

/** Keeps at least one entry and at most `maxBytes` worth of entries. */
export function limitSize(ents: Entry[], maxBytes: number | undefined): Entry[] {
  if (maxBytes === undefined || ents.length === 0) return ents;
  let size = entrySize(ents[0] as Entry);
  let n = 1;
  for (; n < ents.length; n++) {
    size += entrySize(ents[n] as Entry);
    if (size > maxBytes) break;
  }
  return ents.slice(0, n);
}

/** An in-memory Storage with the mutators the runner needs. */
export class MemoryStorage implements Storage {
  private hardState: HardState = emptyHardState();
  private snap: Snapshot = emptySnapshot();
  private ents: Entry[] = [newEntry({ term: 0, index: 0 })];

  /**
   * An empty storage. With `confState`, the index-0 "snapshot" carries an initial membership (an
   * alternative to bootstrapEntries() for tests and for runners that persist it themselves).
   */
  constructor(options: { confState?: ConfState } = {}) {
    if (options.confState !== undefined) {
      const cs = options.confState;
      this.snap = {
        data: Buffer.alloc(0),
        metadata: { index: 0, term: 0, confState: { voters: [...cs.voters], learners: [...cs.learners] } },
      };
    }
  }

  /** Returns the hard state and the membership of the current snapshot. */
  initialState(): InitialState {
    return { hardState: { ...this.hardState }, confState: snapshotConfState(this.snap) };
  }

  /** Records the hard state (the runner calls it with Ready.hardState after persisting it). */
  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  /** The last hard state set. */
  getHardState(): HardState {
    return { ...this.hardState };
  }

  entries(lo: number, hi: number, maxBytes?: number): Entry[] {
    const offset = this.dummy().index;
    if (lo <= offset) throw new CompactedError(lo, offset + 1);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1, this.lastIndex());
    if (this.ents.length === 1) throw new UnavailableError(lo, this.lastIndex());
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxBytes);
  }

  term(i: number): number {
    const offset = this.dummy().index;
    if (i < offset) throw new CompactedError(i, offset + 1);
    const e = this.ents[i - offset];
    if (e === undefined) throw new UnavailableError(i, this.lastIndex());
    return e.term;
  }

  firstIndex(): number {
    return this.dummy().index + 1;
  }

  lastIndex(): number {
    return this.dummy().index + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole content by a snapshot (a follower installing one). Throws SnapOutOfDateError if older. */
  applySnapshot(snap: Snapshot): void {
    const cur = snapshotMeta(this.snap).index;
    const meta = snapshotMeta(snap);
    if (cur >= meta.index) throw new SnapOutOfDateError(meta.index, cur);
    this.snap = snap;
    this.ents = [newEntry({ term: meta.term, index: meta.index })];
  }

  /**
   * Makes a snapshot of the state machine at applied index i with membership cs; the log is not
   * compacted (call compact()). Throws SnapOutOfDateError if i ≤ current snapshot index.
   */
  createSnapshot(i: number, cs: ConfState, data: Buffer): Snapshot {
    const cur = snapshotMeta(this.snap).index;
    if (i <= cur) throw new SnapOutOfDateError(i, cur);
    if (i > this.lastIndex()) {
      throw new RaftInvariantError(`snapshot index ${i} is beyond last index ${this.lastIndex()}`, { index: i });
    }
    const term = this.term(i);
    this.snap = {
      data,
      metadata: { index: i, term, confState: { voters: [...cs.voters], learners: [...cs.learners] } },
    };
    return this.snap;
  }

  /** Discards entries up to and including compactIndex (which must be ≤ lastIndex and already snapshotted by the caller). */
  compact(compactIndex: number): void {
    const offset = this.dummy().index;
    if (compactIndex <= offset) throw new CompactedError(compactIndex, offset + 1);
    if (compactIndex > this.lastIndex()) {
      throw new RaftInvariantError(`compact index ${compactIndex} is beyond last index ${this.lastIndex()}`, {
        index: compactIndex,
      });
    }
    const i = compactIndex - offset;
    const e = this.ents[i] as Entry;
    this.ents = [newEntry({ term: e.term, index: e.index }), ...this.ents.slice(i + 1)];
  }

  /**
   * Appends entries (Ready.entries); entries that overlap existing ones replace them and everything
   * after. Entries already covered by the snapshot are ignored.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = (entries[entries.length - 1] as Entry).index;
    if (last < first) return;
    let ents = entries;
    if (first > (ents[0] as Entry).index) ents = ents.slice(first - (ents[0] as Entry).index);
    const offset = (ents[0] as Entry).index - this.dummy().index;
    if (offset > this.ents.length) {
      throw new RaftInvariantError(
        `missing log entry: last index ${this.lastIndex()}, appended entries start at ${(ents[0] as Entry).index}`,
      );
    }
    // In place: truncate a conflicting tail (if any), then push; O(appended), not O(log).
    this.ents.length = offset;
    for (const e of ents) this.ents.push(e);
  }

  private dummy(): Entry {
    return this.ents[0] as Entry;
  }
}
