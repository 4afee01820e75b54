/**
 * The follower side of Raft: AppendEntries with the consistency check and a conflict hint,
 * heartbeats, and InstallSnapshot.
 */
import type { Raft } from "./raft.js";
import { type Message, MessageType, NONE, type Snapshot, StateType, newMessage, snapshotConfState, snapshotMeta } from "./types.js";

/** Follower: AppendEntries with the consistency check on (index, logTerm) (§5.3). */
export function handleAppendEntries(r: Raft, m: Message): void {
  if (m.index < r.raftLog.committed) {
    r.send(newMessage({ type: MessageType.MSG_APP_RESP, to: m.from, index: r.raftLog.committed }));
    return;
  }
  const lastNew = r.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNew !== undefined) {
    r.send(newMessage({ type: MessageType.MSG_APP_RESP, to: m.from, index: lastNew }));
    return;
  }
  // Rejection with a hint: the largest index ≤ min(m.index, last) whose term ≤ m.logTerm. The
  // leader can then skip every entry of a conflicting term in one round trip.
  const hint = r.raftLog.findConflictByTerm(Math.min(m.index, r.raftLog.lastIndex()), m.logTerm);
  r.send(
    newMessage({
      type: MessageType.MSG_APP_RESP,
      to: m.from,
      index: m.index,
      reject: true,
      rejectHint: hint.index,
      logTerm: hint.term,
    }),
  );
}

/** Follower: a heartbeat advances the commit index (bounded by what we hold) and is answered. */
export function handleHeartbeat(r: Raft, m: Message): void {
  r.raftLog.commitTo(Math.min(m.commit, r.raftLog.lastIndex()));
  r.send(newMessage({ type: MessageType.MSG_HEARTBEAT_RESP, to: m.from, context: m.context }));
}

/** Follower: InstallSnapshot (§7). */
export function handleSnapshot(r: Raft, m: Message): void {
  if (m.snapshot !== null && restore(r, m.snapshot)) {
    r.send(newMessage({ type: MessageType.MSG_APP_RESP, to: m.from, index: r.raftLog.lastIndex() }));
  } else {
    r.send(newMessage({ type: MessageType.MSG_APP_RESP, to: m.from, index: r.raftLog.committed }));
  }
}

/** Installs a snapshot if it is ahead of our commit index; returns true if it replaced our log. */
export function restore(r: Raft, s: Snapshot): boolean {
  const meta = snapshotMeta(s);
  if (meta.index <= r.raftLog.committed) return false;
  if (r.state !== StateType.Follower) {
    r.becomeFollower(r.term + 1, NONE); // defensive: only followers restore
    return false;
  }
  const cs = snapshotConfState(s);
  if (!cs.voters.includes(r.id) && !cs.learners.includes(r.id)) {
    r.logger?.warn({ id: r.id, index: meta.index }, "raft: ignoring snapshot that does not include us");
    return false;
  }
  if (r.raftLog.matchTerm(meta.index, meta.term)) {
    // We already have the entries: fast-forward the commit index only.
    r.raftLog.commitTo(meta.index);
    return false;
  }
  r.raftLog.restore(s);
  r.restoreConfState(cs);
  const pr = r.progress.get(r.id);
  if (pr !== undefined) pr.match = meta.index;
  return true;
}
