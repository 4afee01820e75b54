/**
 * Start-up recovery: turns what the WAL holds (snapshot, hard state, entries) into the MemoryStorage the
 * core reads, restores the state machine from the snapshot, and bootstraps a brand-new cluster when asked
 * (an empty data dir plus a voter list): one CONF_ADD_VOTER entry per voter at term 1, already committed,
 * each carrying the voter's address. Every initial member writes the same entries.
 */
import type { Wal, WalState } from "../storage/wal.js";
import {
  MemoryStorage,
  emptyConfState,
  encodeConfChange,
  newEntry,
  snapshotMeta,
  type ConfState,
  type Entry,
} from "../core/index.js";
import { decodeSnapshotData } from "./envelope.js";
import type { ResolvedRaftServerOptions } from "./options.js";

/** What a member starts from. */
export interface Recovered {
  readonly storage: MemoryStorage;
  /** Member id → address (snapshot's table, overridden by configured peers and our own address). */
  readonly members: Map<number, string>;
  readonly confState: ConfState;
  /** Index the state machine holds after restoring the snapshot (0 without one). */
  readonly applied: number;
  /** Entries after the snapshot. */
  readonly entries: number;
}

/** Loads the WAL state into a MemoryStorage (bootstrapping a new cluster if the WAL is empty and asked to). */
export async function recoverStorage<R>(o: ResolvedRaftServerOptions<R>, wal: Wal, state: WalState): Promise<Recovered> {
  const storage = new MemoryStorage();
  const members = new Map<number, string>();
  let confState = emptyConfState();
  let applied = 0;
  if (state.snapshot !== null) {
    const meta = snapshotMeta(state.snapshot);
    storage.applySnapshot(state.snapshot);
    const { members: snapMembers, state: smBytes } = decodeSnapshotData(state.snapshot.data);
    for (const [id, addr] of snapMembers) members.set(id, addr);
    o.stateMachine.restore(meta.index, smBytes);
    confState = meta.confState ?? emptyConfState();
    applied = meta.index;
  }
  for (const [id, addr] of o.peers) members.set(id, addr);
  members.set(o.id, o.advertise);
  let hardState = state.hardState;
  let entries: Entry[] = state.entries;
  if (state.snapshot === null && entries.length === 0 && hardState.term === 0 && o.bootstrap !== null) {
    entries = o.bootstrap.map((id, i) =>
      newEntry({
        term: 1,
        index: i + 1,
        type: "ENTRY_CONF_CHANGE",
        data: encodeConfChange({ type: "CONF_ADD_VOTER", nodeId: id, context: Buffer.from(members.get(id) ?? "") }),
      }),
    );
    hardState = { term: 1, vote: 0, commit: entries.length };
    wal.append(hardState, entries);
    await wal.sync();
    o.logger.info({ voters: o.bootstrap }, "raft: bootstrapped a new cluster");
  }
  // The commit index is not always synced (only term/vote/entries force an fsync): never below the
  // snapshot, never beyond the log.
  const last = entries[entries.length - 1]?.index ?? applied;
  hardState = { ...hardState, commit: Math.min(Math.max(hardState.commit, applied), last) };
  storage.setHardState(hardState);
  storage.append(entries);
  return { storage, members, confState, applied, entries: entries.length };
}
