/**
 * Force-new-cluster (etcd's `--force-new-cluster`, Docker's `swarm init --force-new-cluster`): a
 * surviving member of a group that lost quorum for good restarts as the only voter, keeping its
 * state. Done on the recovered WAL, before the core starts:
 *
 *   1. drop the uncommitted tail (entries after the commit index: nobody can commit them any more);
 *   2. replay the membership (snapshot ConfState + committed conf changes);
 *   3. append, at commit+1…, one CONF_REMOVE_NODE per other member (and CONF_ADD_VOTER for itself if
 *      it was a learner), at the current term, and mark them committed; sync.
 *
 * The core then delivers the new entries as committed and the server applies them like any conf
 * change, so the membership, the peer table and the transport shrink to this member the normal way;
 * the core does not campaign before they are applied (no campaign with an unapplied committed change),
 * and afterwards it is a one-voter group that elects itself. Members added later replicate from it.
 * Run again on a member that already is the only voter, it changes and writes nothing.
 */
import type { Wal, WalState } from "../storage/wal.js";
import {
  applyToConfState,
  decodeConfChange,
  emptyConfState,
  encodeConfChange,
  newEntry,
  snapshotMeta,
  type ConfChange,
  type ConfState,
  type Entry,
} from "../core/index.js";
import type { HardState__Output } from "../../gen/swarm/raft/HardState.js";
import { ValidationError } from "../../lib/errors.js";
import type { ResolvedRaftServerOptions } from "./options.js";

/** The log rewrite: the entries to keep and append, the new hard state, and who was removed. */
export interface ForcedLog {
  readonly entries: Entry[];
  readonly hardState: HardState__Output;
  /** Entries appended (the conf changes), empty if the member already was the only voter. */
  readonly appended: Entry[];
  /** Members removed from the membership. */
  readonly removed: number[];
  /** Uncommitted entries dropped. */
  readonly dropped: number;
}

/** Pure: the log a member restarts from to be the only voter (see the file comment). */
export function forceNewClusterLog(selfId: number, selfAddr: string, state: Pick<WalState, "snapshot" | "hardState" | "entries">): ForcedLog {
  const snapIndex = state.snapshot === null ? 0 : snapshotMeta(state.snapshot).index;
  const last = state.entries[state.entries.length - 1]?.index ?? snapIndex;
  const commit = Math.min(Math.max(state.hardState.commit, snapIndex), last);
  const kept = state.entries.filter((e) => e.index <= commit);
  let cs: ConfState = state.snapshot === null ? emptyConfState() : (snapshotMeta(state.snapshot).confState ?? emptyConfState());
  for (const e of kept) if (e.type === "ENTRY_CONF_CHANGE") cs = applyToConfState(cs, decodeConfChange(e.data));
  const removed = [...cs.voters, ...cs.learners].filter((id) => id !== selfId);
  const changes: ConfChange[] = removed.map((nodeId) => ({ type: "CONF_REMOVE_NODE", nodeId, context: Buffer.alloc(0) }));
  if (!cs.voters.includes(selfId)) changes.push({ type: "CONF_ADD_VOTER", nodeId: selfId, context: Buffer.from(selfAddr) });
  const term = Math.max(state.hardState.term, kept[kept.length - 1]?.term ?? 0, 1);
  const appended = changes.map((cc, i) => newEntry({ term, index: commit + 1 + i, type: "ENTRY_CONF_CHANGE", data: encodeConfChange(cc) }));
  const hardState = { term, vote: state.hardState.vote, commit: commit + appended.length };
  return { entries: [...kept, ...appended], hardState, appended, removed, dropped: state.entries.length - kept.length };
}

/**
 * Rewrites the opened WAL's log for force-new-cluster and syncs it; returns the state to recover
 * from. Nothing is written when the member already is the only voter.
 */
export async function forceNewCluster(selfId: number, selfAddr: string, wal: Wal, state: WalState): Promise<{ state: WalState; forced: ForcedLog }> {
  const forced = forceNewClusterLog(selfId, selfAddr, state);
  // Already the only voter (a repeated flag): change nothing; its own log is all committed anyway.
  if (forced.appended.length === 0) return { state, forced: { ...forced, entries: state.entries, hardState: state.hardState, dropped: 0 } };
  // Appending at commit+1 overwrites the dropped tail on replay (an entry at index ≤ last truncates).
  wal.append(forced.hardState, forced.appended);
  await wal.sync();
  return { state: { ...state, entries: forced.entries, hardState: forced.hardState }, forced };
}

/** The server's start-up step: refuses an empty data dir, rewrites the log, logs what changed. */
export async function forceNewClusterOnStart<R>(o: ResolvedRaftServerOptions<R>, wal: Wal, state: WalState): Promise<WalState> {
  if (state.snapshot === null && state.entries.length === 0) {
    throw new ValidationError("raft.forceNewCluster", `${o.dataDir} holds no Raft state to restart a cluster from`);
  }
  const { state: next, forced } = await forceNewCluster(o.id, o.advertise, wal, state);
  o.logger.warn({ removed: forced.removed, droppedUncommitted: forced.dropped, commit: forced.hardState.commit }, "raft: forced a new one-member cluster from this member's state");
  return next;
}
