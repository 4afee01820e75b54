/**
 * The leader side of Raft: replication (probe / replicate / snapshot progress, in-flight window,
 * fast back-off), commit by the current-term rule, heartbeats, CheckQuorum, ReadIndex and
 * leadership transfer.
 */
import type { Raft } from "./raft.js";
import { DropReason, ProposalDroppedError } from "./errors.js";
import { CompactedError, UnavailableError } from "./errors.js";
import { ProgressState } from "./progress.js";
import { committedIndex, majority } from "./quorum.js";
import { type Entry, EntryType, type Message, MessageType, NONE, StateType, entrySize, newMessage, snapshotMeta } from "./types.js";

/** On election: our own progress is replicating and fully matched. */
export function becomeLeaderProgress(r: Raft): void {
  const pr = r.progress.get(r.id);
  if (pr !== undefined) {
    pr.becomeReplicate();
    pr.recentActive = true;
  }
}

/** Forgets an in-progress leadership transfer. */
export function abortLeaderTransfer(r: Raft): void {
  r.leadTransferee = NONE;
}

/** Advances the commit index to what a majority of voters matched, if that entry is of our term. */
export function maybeCommit(r: Raft): boolean {
  const mci = committedIndex(r.voters, (id) => r.progress.get(id)?.match ?? 0);
  return r.raftLog.maybeCommit(mci, r.term);
}

/** Commits what a quorum acked; on progress, releases queued reads and tells followers. */
export function leaderCommitted(r: Raft): boolean {
  if (!maybeCommit(r)) return false;
  releasePendingReadIndexMessages(r);
  bcastAppend(r);
  return true;
}

function committedEntryInCurrentTerm(r: Raft): boolean {
  return r.raftLog.zeroTermOnErr(r.raftLog.committed) === r.term;
}

/**
 * Sends an append (or a snapshot if the needed entries are compacted) to `to`. With sendIfEmpty
 * false, sends only if there are entries. Returns true if a message was queued.
 */
export function sendAppend(r: Raft, to: number, sendIfEmpty = true): boolean {
  const pr = r.progress.get(to);
  if (pr === undefined || pr.isPaused()) return false;
  let term: number | undefined;
  let ents: Entry[] | undefined;
  try {
    term = r.raftLog.term(pr.next - 1);
    ents = r.raftLog.entries(pr.next, r.maxMsgSize);
  } catch (err) {
    if (!(err instanceof CompactedError || err instanceof UnavailableError)) throw err;
    term = undefined;
  }
  if (term !== undefined && ents !== undefined) {
    if (ents.length === 0 && !sendIfEmpty) return false;
    r.send(
      newMessage({
        type: MessageType.MSG_APP,
        to,
        index: pr.next - 1,
        logTerm: term,
        entries: ents,
        commit: r.raftLog.committed,
      }),
    );
    const last = ents[ents.length - 1];
    if (last !== undefined) {
      if (pr.state === ProgressState.Replicate) {
        pr.optimisticUpdate(last.index);
        pr.inflights.add(last.index, ents.reduce((s, e) => s + entrySize(e), 0));
      } else if (pr.state === ProgressState.Probe) {
        pr.probeSent = true;
      }
    }
    return true;
  }
  // The entries the follower needs were compacted: send the snapshot.
  if (!pr.recentActive) return false;
  const snap = r.raftLog.snapshot();
  const meta = snapshotMeta(snap);
  if (meta.index === 0) return false;
  pr.becomeSnapshot(meta.index);
  r.send(newMessage({ type: MessageType.MSG_SNAP, to, snapshot: snap }));
  return true;
}

/** Sends an append (possibly empty, to carry the commit index) to every other member. */
export function bcastAppend(r: Raft): void {
  for (const id of r.progress.keys()) if (id !== r.id) sendAppend(r, id);
}

function sendHeartbeat(r: Raft, to: number, context: Buffer): void {
  const pr = r.progress.get(to);
  // Never tell a follower to commit beyond what it is known to hold.
  const commit = Math.min(pr?.match ?? 0, r.raftLog.committed);
  r.send(newMessage({ type: MessageType.MSG_HEARTBEAT, to, commit, context }));
}

function bcastHeartbeat(r: Raft, context?: Buffer): void {
  const ctx = context ?? r.readOnly.lastPendingRequestCtx() ?? Buffer.alloc(0);
  for (const id of r.progress.keys()) if (id !== r.id) sendHeartbeat(r, id, ctx);
}

function sendTimeoutNow(r: Raft, to: number): void {
  r.send(newMessage({ type: MessageType.MSG_TIMEOUT_NOW, to }));
}

/** Counts voters heard from in the last election timeout (ourselves included) and resets the marks. */
function quorumActive(r: Raft): boolean {
  let active = 0;
  for (const id of r.voters) {
    const pr = r.progress.get(id);
    if (id === r.id || pr?.recentActive === true) active++;
  }
  for (const [id, pr] of r.progress) if (id !== r.id) pr.recentActive = false;
  return active >= majority(r.voters.length);
}

/** Answers a ReadIndex request that is now known safe at `index`. */
function respondRead(r: Raft, req: Message, index: number): void {
  if (req.from === NONE || req.from === r.id) {
    r.readStates.push({ index, requestCtx: req.context });
  } else {
    r.send(newMessage({ type: MessageType.MSG_READ_INDEX_RESP, to: req.from, index, context: req.context }));
  }
}

function handleReadIndex(r: Raft, m: Message): void {
  // A read is only safe at an index committed in our term: until then, our commit index may lag —
  // also for a single voter, whose durable commit index may be behind entries it applied (and
  // answered) before a crash: committed entries are applied before the hard state is persisted.
  if (!committedEntryInCurrentTerm(r)) {
    r.pendingReadIndexMessages.push(m);
    return;
  }
  if (r.voters.length === 1 && r.voters[0] === r.id) {
    respondRead(r, m, r.raftLog.committed);
    return;
  }
  r.readOnly.addRequest(r.raftLog.committed, m);
  r.readOnly.recvAck(r.id, m.context);
  bcastHeartbeat(r, m.context);
}

function releasePendingReadIndexMessages(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0 || !committedEntryInCurrentTerm(r)) return;
  const msgs = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of msgs) handleReadIndex(r, m);
}

function handleProposal(r: Raft, m: Message): void {
  if (!r.progress.has(r.id)) throw new ProposalDroppedError(DropReason.NotMember, NONE);
  if (m.from !== r.id) {
    // Forwarded by another node. Only members forward proposals, and never membership changes: those
    // are proposed locally by the leader's own membership code (RawNode.proposeConfChange), so one
    // arriving from the network is a forgery that could add a voter or remove the real ones.
    if (!r.progress.has(m.from)) throw new ProposalDroppedError(DropReason.SenderNotMember, r.id);
    if (m.entries.some((e) => e.type === EntryType.ENTRY_CONF_CHANGE)) throw new ProposalDroppedError(DropReason.ConfChangeFromPeer, r.id);
  }
  if (r.leadTransferee !== NONE) throw new ProposalDroppedError(DropReason.TransferInProgress, r.id);
  let confIndex = 0;
  m.entries.forEach((e, i) => {
    if (e.type !== EntryType.ENTRY_CONF_CHANGE) return;
    // One membership change at a time: the previous one must be applied first (see design/raft.md).
    if (r.pendingConfIndex > r.raftLog.applied || confIndex !== 0) {
      throw new ProposalDroppedError(DropReason.ConfChangePending, r.id);
    }
    confIndex = r.raftLog.lastIndex() + i + 1;
  });
  if (confIndex !== 0) r.pendingConfIndex = confIndex;
  r.appendEntries(m.entries);
  bcastAppend(r);
}

/** Leader message handling. */
export function stepLeader(r: Raft, m: Message): void {
  switch (m.type) {
    case MessageType.MSG_BEAT:
      bcastHeartbeat(r);
      return;
    case MessageType.MSG_CHECK_QUORUM:
      if (!quorumActive(r)) {
        r.logger?.warn({ id: r.id, term: r.term }, "raft: leader lost its quorum, stepping down");
        r.becomeFollower(r.term, NONE);
      }
      return;
    case MessageType.MSG_PROP:
      handleProposal(r, m);
      return;
    case MessageType.MSG_READ_INDEX:
      handleReadIndex(r, m);
      return;
  }

  const pr = r.progress.get(m.from);
  if (pr === undefined) return;
  switch (m.type) {
    case MessageType.MSG_APP_RESP: {
      pr.recentActive = true;
      if (m.reject) {
        let nextProbe = m.rejectHint;
        if (m.logTerm > 0) nextProbe = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
        if (pr.maybeDecrTo(m.index, nextProbe)) {
          if (pr.state === ProgressState.Replicate) pr.becomeProbe();
          sendAppend(r, m.from);
        }
        return;
      }
      const oldPaused = pr.isPaused();
      if (!pr.maybeUpdate(m.index)) return;
      if (pr.state === ProgressState.Probe) {
        pr.becomeReplicate();
      } else if (pr.state === ProgressState.Snapshot && pr.match >= pr.pendingSnapshot) {
        pr.becomeProbe();
        pr.becomeReplicate();
      } else if (pr.state === ProgressState.Replicate) {
        pr.inflights.freeLE(m.index);
      }
      if (leaderCommitted(r)) {
        /* followers learn the new commit index */
      } else if (oldPaused) {
        sendAppend(r, m.from);
      }
      // Stream more entries while the window allows.
      while (sendAppend(r, m.from, false)) {
        /* keep filling the in-flight window */
      }
      if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) sendTimeoutNow(r, m.from);
      return;
    }
    case MessageType.MSG_HEARTBEAT_RESP: {
      pr.recentActive = true;
      pr.probeSent = false;
      if (pr.state === ProgressState.Replicate && pr.inflights.full()) pr.inflights.freeFirstOne();
      if (pr.match < r.raftLog.lastIndex()) sendAppend(r, m.from);
      if (m.context.length === 0) return;
      const acks = r.readOnly.recvAck(m.from, m.context);
      if (acks === undefined) return;
      let voterAcks = 0;
      for (const id of acks) if (r.voters.includes(id)) voterAcks++;
      if (voterAcks < majority(r.voters.length)) return;
      for (const rs of r.readOnly.advance(m.context)) respondRead(r, rs.req, rs.index);
      return;
    }
    case MessageType.MSG_SNAP_STATUS:
      if (pr.state !== ProgressState.Snapshot) return;
      if (m.reject) pr.pendingSnapshot = 0;
      pr.becomeProbe();
      // Wait for a heartbeat response before probing again.
      pr.probeSent = true;
      return;
    case MessageType.MSG_UNREACHABLE:
      if (pr.state === ProgressState.Replicate) pr.becomeProbe();
      return;
    case MessageType.MSG_TRANSFER_LEADER: {
      if (pr.isLearner) return;
      const transferee = m.from;
      if (r.leadTransferee !== NONE) {
        if (r.leadTransferee === transferee) return;
        abortLeaderTransfer(r);
      }
      if (transferee === r.id) return;
      // The transfer must finish within an election timeout, else it is aborted (tickHeartbeat).
      r.electionElapsed = 0;
      r.leadTransferee = transferee;
      if (pr.match === r.raftLog.lastIndex()) sendTimeoutNow(r, transferee);
      else sendAppend(r, transferee);
      return;
    }
  }
}

/**
 * After a membership change on the leader: commit and replicate under the new quorum; probe newly
 * added members at once (rather than at the next heartbeat).
 */
export function leaderAfterConfChange(r: Raft, added: readonly number[]): void {
  if (r.state !== StateType.Leader || r.voters.length === 0) return;
  if (maybeCommit(r)) bcastAppend(r);
  else for (const id of r.progress.keys()) if (id !== r.id) sendAppend(r, id, added.includes(id));
  if (r.leadTransferee !== NONE && !r.voters.includes(r.leadTransferee)) abortLeaderTransfer(r);
}
