/**
 * RaftNode: the API the runner drives (etcd's RawNode). Single-threaded and synchronous.
 *
 * The loop, in this order (the persistence barrier):
 *   1. feed inputs: tick() on a timer, step(msg) for each received message, propose()/readIndex()...
 *   2. if hasReady(): rd = ready(); send rd.messages (they may precede persistence);
 *      persist rd.snapshot, rd.entries and rd.hardState (fdatasync if rd.mustSync) — BEFORE sending
 *      rd.messagesAfterPersist; apply rd.snapshot (after persisting it) and rd.committedEntries (these
 *      are committed on a quorum, so they may be applied while the fsync runs) to the state machine
 *      (calling applyConfChange() for ENTRY_CONF_CHANGE entries); serve rd.readStates once applied ≥ index;
 *   3. advance(rd) — only once the Ready is durable. Inputs may be stepped while a Ready is being
 *      persisted, but ready() must not be called again before advance().
 */
import { type RaftConfig, resolveRaftConfig } from "./config.js";
import { applyToConfState, encodeConfChange } from "./confchange.js";
import { DropReason, ProposalDroppedError, StepLocalMessageError } from "./errors.js";
import { leaderAfterConfChange } from "./leader.js";
import { Progress, type ProgressState } from "./progress.js";
import { Raft } from "./raft.js";
import {
  type ConfChange,
  type ConfState,
  type Entry,
  EntryType,
  type HardState,
  LOCAL_MESSAGE_TYPES,
  type Message,
  MessageType,
  NONE,
  RESPONSE_MESSAGE_TYPES,
  type ReadState,
  type Snapshot,
  type SoftState,
  StateType,
  hardStateEqual,
  newEntry,
  newMessage,
  snapshotMeta,
} from "./types.js";

/** Everything the runner must do after feeding inputs; see the module comment for the order. */
export interface Ready {
  /** Set when leader or role changed. */
  readonly softState?: SoftState;
  /** Set when term, vote or commit changed: persist it. */
  readonly hardState?: HardState;
  /** Entries to persist (append; they may overwrite an uncommitted tail). */
  readonly entries: Entry[];
  /** A snapshot received from the leader: persist it, then restore the state machine from it. */
  readonly snapshot?: Snapshot;
  /** Entries to apply to the state machine, in order. */
  readonly committedEntries: Entry[];
  /**
   * Messages that may be sent at once, before (or while) this Ready is persisted: appends and
   * heartbeats of a leader whose term is durable, read index, transfer. (The leader replicates
   * entries before its own fsync; it counts its own ack only after advance().)
   */
  readonly messages: Message[];
  /**
   * Messages to send only after this Ready's snapshot, entries and hard state are durable: append
   * acks, votes and vote requests — and every message when this Ready changes term or vote.
   */
  readonly messagesAfterPersist: Message[];
  /** Completed ReadIndex requests. */
  readonly readStates: ReadState[];
  /** True if entries, term or vote changed: the write must be fdatasync'ed before sending. */
  readonly mustSync: boolean;
}

/** Replication progress of one member as seen by the leader. */
export interface ProgressStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly recentActive: boolean;
  readonly isLearner: boolean;
}

/** A snapshot of the node's state for logs, metrics and tests. */
export interface Status {
  readonly id: number;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: number;
  readonly lastIndex: number;
  readonly confState: ConfState;
  readonly leadTransferee: number;
  /** Only on the leader. */
  readonly progress: ReadonlyMap<number, ProgressStatus>;
}

/** A Raft node driven by the runner through tick/step/propose and ready/advance. */
export class RaftNode {
  /** The state machine; exposed read-only for tests and the simulator's invariant checks. */
  readonly raft: Raft;
  private prevSoftState: SoftState;
  /** The hard state last handed out in a Ready (what the runner is persisting or has persisted). */
  private prevHardState: HardState;
  /** The hard state of the last Ready advanced (durable). */
  private durableHardState: HardState;

  constructor(config: RaftConfig) {
    this.raft = new Raft(resolveRaftConfig(config));
    this.prevSoftState = this.softState();
    this.prevHardState = this.hardState();
    this.durableHardState = this.prevHardState;
  }

  /** Advances logical time by one tick. */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (skipping the timeout). */
  campaign(): void {
    this.raft.step(newMessage({ type: MessageType.MSG_HUP, from: this.raft.id }));
  }

  /** Proposes data to be appended. Throws ProposalDroppedError on a non-leader (forward to `err.leader`). */
  propose(data: Buffer): void {
    this.raft.step(
      newMessage({ type: MessageType.MSG_PROP, from: this.raft.id, entries: [newEntry({ term: 0, index: 0, data })] }),
    );
  }

  /** Proposes a membership change. Throws ProposalDroppedError if not leader or a change is pending. */
  proposeConfChange(cc: ConfChange): void {
    const data = encodeConfChange(cc);
    this.raft.step(
      newMessage({
        type: MessageType.MSG_PROP,
        from: this.raft.id,
        entries: [newEntry({ term: 0, index: 0, type: EntryType.ENTRY_CONF_CHANGE, data })],
      }),
    );
  }

  /**
   * Applies a committed membership change (call it when applying its entry) and returns the new
   * membership. A leader that is removed or demoted steps down.
   */
  applyConfChange(cc: ConfChange): ConfState {
    const r = this.raft;
    const cs = applyToConfState(r.confState(), cc);
    const members = new Set([...cs.voters, ...cs.learners]);
    const added: number[] = [];
    for (const id of [...r.progress.keys()]) if (!members.has(id)) r.progress.delete(id);
    for (const id of members) {
      const isLearner = cs.learners.includes(id);
      const pr = r.progress.get(id);
      if (pr !== undefined) {
        pr.isLearner = isLearner;
        continue;
      }
      const fresh = new Progress(r.raftLog.lastIndex() + 1, r.maxInflight, isLearner);
      // A new member counts as active so CheckQuorum does not depose us before it answers.
      fresh.recentActive = true;
      if (id === r.id) fresh.match = r.raftLog.stableLastIndex();
      r.progress.set(id, fresh);
      added.push(id);
    }
    r.voters = cs.voters;
    r.learners = cs.learners;
    r.isLearner = cs.learners.includes(r.id);
    if (r.state === StateType.Leader && !cs.voters.includes(r.id)) {
      r.becomeFollower(r.term, NONE);
    }
    leaderAfterConfChange(r, added);
    return cs;
  }

  /**
   * Feeds a message received from a peer. Local-only types throw StepLocalMessageError. A forwarded
   * request (ReadIndex, transfer) that this node can no longer route is dropped silently: its origin
   * retries after its own timeout.
   */
  step(m: Message): void {
    if (LOCAL_MESSAGE_TYPES.has(m.type)) throw new StepLocalMessageError(m.type);
    if (RESPONSE_MESSAGE_TYPES.has(m.type) && !this.raft.progress.has(m.from)) return;
    try {
      this.raft.step(m);
    } catch (err) {
      if (!(err instanceof ProposalDroppedError)) throw err;
      // A forgery (a non-member's proposal, a membership change from the network) is worth a warning;
      // a proposal that raced a leader change is routine.
      if (err.reason === DropReason.SenderNotMember || err.reason === DropReason.ConfChangeFromPeer) {
        this.raft.logger?.warn({ type: m.type, from: m.from, reason: err.reason }, "raft: refused a forwarded proposal");
      } else this.raft.logger?.debug({ type: m.type, from: m.from, reason: err.reason }, "raft: dropped a forwarded request");
    }
  }

  /**
   * Requests a linearizable read: when a ReadState with this context appears in a Ready, reads
   * served after applying up to its index are linearizable. Throws ProposalDroppedError without a leader.
   */
  readIndex(context: Buffer): void {
    this.raft.step(newMessage({ type: MessageType.MSG_READ_INDEX, from: this.raft.id, context }));
  }

  /** Asks the leader to hand leadership to `to` (it must be caught up; done within an election timeout). */
  transferLeadership(to: number): void {
    this.raft.step(newMessage({ type: MessageType.MSG_TRANSFER_LEADER, from: to }));
  }

  /** The transport could not reach `id`: slow down replication to it. */
  reportUnreachable(id: number): void {
    this.raft.step(newMessage({ type: MessageType.MSG_UNREACHABLE, from: id }));
  }

  /** A snapshot sent to `id` was delivered (ok) or failed. */
  reportSnapshot(id: number, ok: boolean): void {
    this.raft.step(newMessage({ type: MessageType.MSG_SNAP_STATUS, from: id, reject: !ok }));
  }

  private softState(): SoftState {
    return { lead: this.raft.lead, raftState: this.raft.state };
  }

  private hardState(): HardState {
    return { term: this.raft.term, vote: this.raft.vote, commit: this.raft.raftLog.committed };
  }

  /** True if ready() would return something to do. */
  hasReady(): boolean {
    const r = this.raft;
    const ss = this.softState();
    if (ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState) return true;
    if (!hardStateEqual(this.hardState(), this.prevHardState)) return true;
    if (r.raftLog.unstable.nextSnapshot() !== undefined) return true;
    const u = r.raftLog.unstable;
    return (
      r.msgs.length > 0 ||
      r.msgsAfterPersist.length > 0 ||
      u.offsetInProgress < u.offset + u.entries.length ||
      r.raftLog.hasNextCommittedEntries() ||
      r.readStates.length > 0
    );
  }

  /**
   * Collects the pending work; everything in it is handed over (not returned again). ready() may be
   * called again before the previous Ready is advanced (pipelining): Readies must then be persisted
   * and advanced in the order they were returned.
   */
  ready(): Ready {
    const r = this.raft;
    const ss = this.softState();
    const hs = this.hardState();
    const softChanged = ss.lead !== this.prevSoftState.lead || ss.raftState !== this.prevSoftState.raftState;
    const hardChanged = !hardStateEqual(hs, this.prevHardState);
    const entries = r.raftLog.unstableEntries();
    const snapshot = r.raftLog.unstable.nextSnapshot();
    const termOrVoteChanged = hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote;
    // Our term and vote must be durable before anything that carries them leaves: otherwise a leader
    // could restart in its old term and win the same term twice (e.g. a single voter). With Readies in
    // flight, "durable" is the last advanced one, not the last handed out.
    const termDurable = hs.term === this.durableHardState.term && hs.vote === this.durableHardState.vote;
    const committedEntries = r.raftLog.nextCommittedEntries(r.maxCommittedSize);
    const rd: Ready = {
      ...(softChanged ? { softState: ss } : {}),
      ...(hardChanged ? { hardState: hs } : {}),
      entries,
      ...(snapshot !== undefined ? { snapshot } : {}),
      committedEntries,
      messages: termDurable ? r.msgs : [],
      messagesAfterPersist: termDurable ? r.msgsAfterPersist : r.msgs.concat(r.msgsAfterPersist),
      readStates: r.readStates,
      mustSync: entries.length > 0 || termOrVoteChanged,
    };
    r.msgs = [];
    r.msgsAfterPersist = [];
    r.readStates = [];
    r.raftLog.unstable.acceptInProgress();
    const lastCommitted = committedEntries[committedEntries.length - 1];
    if (lastCommitted !== undefined) r.raftLog.applyingTo(lastCommitted.index);
    if (softChanged) this.prevSoftState = ss;
    if (hardChanged) this.prevHardState = hs;
    return rd;
  }

  /** Marks a Ready as done: its entries/snapshot persisted, its committed entries applied. */
  advance(rd: Ready): void {
    const r = this.raft;
    if (rd.hardState !== undefined) this.durableHardState = rd.hardState;
    if (rd.snapshot !== undefined) {
      r.raftLog.stableSnapTo(snapshotMeta(rd.snapshot).index);
      const idx = snapshotMeta(rd.snapshot).index;
      if (idx > r.raftLog.applied) r.raftLog.appliedTo(idx);
    }
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied !== undefined) r.raftLog.appliedTo(lastApplied.index);
    const lastEntry = rd.entries[rd.entries.length - 1];
    if (lastEntry !== undefined) r.raftLog.stableTo(lastEntry.index, lastEntry.term);
    // A leader counts its own entries only now that they are durable.
    r.persisted();
  }

  /** Current state (progress only on the leader). */
  status(): Status {
    const r = this.raft;
    const progress = new Map<number, ProgressStatus>();
    if (r.state === StateType.Leader) {
      for (const [id, pr] of r.progress) {
        progress.set(id, {
          match: pr.match,
          next: pr.next,
          state: pr.state,
          recentActive: pr.recentActive,
          isLearner: pr.isLearner,
        });
      }
    }
    return {
      id: r.id,
      hardState: this.hardState(),
      softState: this.softState(),
      applied: r.raftLog.applied,
      lastIndex: r.raftLog.lastIndex(),
      confState: r.confState(),
      leadTransferee: r.leadTransferee,
      progress,
    };
  }

  /** Throws if the node is not the leader (helper for runners that want to fail fast). */
  assertLeader(): void {
    if (this.raft.state !== StateType.Leader) throw new ProposalDroppedError(DropReason.NotLeader, this.raft.lead);
  }
}
