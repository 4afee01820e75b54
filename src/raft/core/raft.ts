/**
 * The Raft state machine (after etcd-io/raft): roles, terms, elections (with PreVote and CheckQuorum),
 * the follower side of replication, and message dispatch. The leader side lives in leader.ts.
 *
 * Pure: no timers, sockets, clocks or randomness of its own. Time advances only through tick();
 * outputs accumulate in `msgs`, `msgsAfterPersist`, the log's unstable part and `readStates`, collected
 * by RaftNode.ready().
 */
import type { Logger } from "../../lib/logger.js";
import { type ResolvedRaftConfig } from "./config.js";
import { DropReason, ProposalDroppedError, RaftInvariantError } from "./errors.js";
import { RaftLog } from "./log.js";
import { Progress } from "./progress.js";
import { VoteResult, voteResult } from "./quorum.js";
import { ReadOnly } from "./readonly.js";
import {
  type ConfState,
  type Entry,
  EntryType,
  type Message,
  MessageType,
  NONE,
  type ReadState,
  StateType,
  newEntry,
  newMessage,
} from "./types.js";
import { handleAppendEntries, handleHeartbeat, handleSnapshot } from "./follower.js";
import {
  abortLeaderTransfer,
  bcastAppend,
  becomeLeaderProgress,
  leaderCommitted,
  stepLeader,
} from "./leader.js";

/** Context marking a vote request caused by leadership transfer: it bypasses the leader lease. */
export const CAMPAIGN_TRANSFER = Buffer.from("CampaignTransfer");

const CampaignKind = { PreElection: "pre", Election: "election", Transfer: "transfer" } as const;
type CampaignKind = (typeof CampaignKind)[keyof typeof CampaignKind];

function voteRespType(t: MessageType): MessageType {
  return t === MessageType.MSG_VOTE ? MessageType.MSG_VOTE_RESP : MessageType.MSG_PRE_VOTE_RESP;
}

/**
 * Messages that must not leave before the Ready that produced them is durable: an append ack claims the
 * entries are on disk, a (pre-)vote response claims the vote is, and a vote request is sent only once
 * our own vote for ourselves (counted at once) is durable — else a crash could let us vote twice in a term.
 * Everything else (appends, heartbeats, their responses, read index, transfer) may go before the fsync.
 */
export const AFTER_PERSIST_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  MessageType.MSG_APP_RESP,
  MessageType.MSG_VOTE,
  MessageType.MSG_VOTE_RESP,
  MessageType.MSG_PRE_VOTE_RESP,
]);

/** The Raft protocol state of one node. Used through RaftNode; fields are public for leader.ts and tests. */
export class Raft {
  readonly id: number;
  term = 0;
  vote = NONE;
  lead = NONE;
  state: StateType = StateType.Follower;
  readonly raftLog: RaftLog;
  readStates: ReadState[] = [];
  /** Outgoing messages that may leave before this node's unstable state is durable. */
  msgs: Message[] = [];
  /** Outgoing messages that speak for our durable state (acks, votes): sent only after persisting. */
  msgsAfterPersist: Message[] = [];

  /** Sorted voter and learner ids of the applied configuration. */
  voters: number[] = [];
  learners: number[] = [];
  /** Replication progress of every member (meaningful on the leader). */
  progress = new Map<number, Progress>();
  /** Votes received in the current (pre-)election. */
  votes = new Map<number, boolean>();

  isLearner = false;
  leadTransferee = NONE;
  /** Index of the last conf change proposed by this leader; a new one waits until it is applied. */
  pendingConfIndex = 0;
  readOnly = new ReadOnly();
  /** ReadIndex requests received before this leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = [];

  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  readonly electionTimeout: number;
  readonly heartbeatTimeout: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly maxMsgSize: number;
  readonly maxInflight: number;
  /** Bound of Ready.committedEntries in bytes (undefined: unbounded). */
  readonly maxCommittedSize: number | undefined;
  private readonly random: () => number;
  readonly logger: Logger | undefined;

  constructor(c: ResolvedRaftConfig) {
    this.id = c.id;
    this.raftLog = new RaftLog(c.storage);
    this.electionTimeout = c.electionTick;
    this.heartbeatTimeout = c.heartbeatTick;
    this.checkQuorum = c.checkQuorum;
    this.preVote = c.preVote;
    this.maxMsgSize = c.maxSizePerMsg;
    this.maxInflight = c.maxInflightMsgs;
    this.maxCommittedSize = c.maxCommittedSizePerReady;
    this.random = c.random;
    this.logger = c.logger;

    const { hardState, confState } = c.storage.initialState();
    this.restoreConfState(confState);
    if (hardState.term !== 0 || hardState.vote !== NONE || hardState.commit !== 0) {
      if (hardState.commit < this.raftLog.committed || hardState.commit > this.raftLog.lastIndex()) {
        throw new RaftInvariantError(
          `hard state commit ${hardState.commit} is outside [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
        );
      }
      this.raftLog.committed = hardState.commit;
      this.term = hardState.term;
      this.vote = hardState.vote;
    }
    if (c.applied !== undefined && c.applied > 0) this.raftLog.appliedTo(c.applied);
    this.becomeFollower(this.term, NONE);
  }

  // ---- membership -------------------------------------------------------------------------------

  /** Replaces the tracked membership (startup and snapshot restore); progress is reset. */
  restoreConfState(cs: ConfState): void {
    this.voters = [...cs.voters].sort((a, b) => a - b);
    this.learners = [...cs.learners].sort((a, b) => a - b);
    this.progress = new Map();
    const next = this.raftLog.lastIndex() + 1;
    for (const id of this.voters) this.progress.set(id, new Progress(next, this.maxInflight, false));
    for (const id of this.learners) this.progress.set(id, new Progress(next, this.maxInflight, true));
    this.isLearner = this.learners.includes(this.id);
  }

  /** The applied membership. */
  confState(): ConfState {
    return { voters: [...this.voters], learners: [...this.learners] };
  }

  /** A voter of the current configuration may campaign. */
  promotable(): boolean {
    return this.voters.includes(this.id);
  }

  // ---- roles ------------------------------------------------------------------------------------

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    abortLeaderTransfer(this);
    this.votes = new Map();
    const next = this.raftLog.lastIndex() + 1;
    for (const [id, pr] of this.progress) {
      const fresh = new Progress(next, this.maxInflight, pr.isLearner);
      if (id === this.id) fresh.match = this.raftLog.stableLastIndex();
      this.progress.set(id, fresh);
    }
    this.pendingConfIndex = 0;
    this.readOnly = new ReadOnly();
    this.pendingReadIndexMessages = [];
  }

  resetRandomizedElectionTimeout(): void {
    const r = this.random();
    this.randomizedElectionTimeout = this.electionTimeout + Math.floor(Math.min(Math.max(r, 0), 0.999999) * this.electionTimeout);
  }

  becomeFollower(term: number, lead: number): void {
    this.reset(term);
    this.lead = lead;
    this.state = StateType.Follower;
  }

  becomeCandidate(): void {
    if (this.state === StateType.Leader) throw new RaftInvariantError("leader cannot become candidate");
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = StateType.Candidate;
    this.logger?.info({ id: this.id, term: this.term }, "raft: became candidate");
  }

  becomePreCandidate(): void {
    if (this.state === StateType.Leader) throw new RaftInvariantError("leader cannot become pre-candidate");
    // Neither term nor vote change: a pre-election must not disturb anyone.
    this.votes = new Map();
    this.lead = NONE;
    this.state = StateType.PreCandidate;
  }

  becomeLeader(): void {
    if (this.state === StateType.Follower) throw new RaftInvariantError("follower cannot become leader");
    this.reset(this.term);
    this.lead = this.id;
    this.state = StateType.Leader;
    becomeLeaderProgress(this);
    this.appendEntries([newEntry({ term: 0, index: 0 })]);
    // A conf change waits until everything up to and including our empty entry is applied: a leader
    // must have committed an entry of its own term before changing the membership (the fix for the
    // single-server change bug, Ongaro 2015), and the previous change must be applied everywhere we count.
    this.pendingConfIndex = this.raftLog.lastIndex();
    this.logger?.info({ id: this.id, term: this.term }, "raft: became leader");
  }

  /**
   * Leader: stamps term/index on new entries and appends them. They are replicated at once, but our
   * own match counts them only once they are persisted (persisted(), from RaftNode.advance): the
   * leader may send entries before its own fsync because it does not vote for them until then.
   */
  appendEntries(es: Entry[]): void {
    let li = this.raftLog.lastIndex();
    const stamped = es.map((e) => ({ ...e, term: this.term, index: ++li }));
    this.raftLog.append(stamped);
  }

  /** The runner persisted the log up to stableLastIndex(): a leader now counts it as its own ack. */
  persisted(): void {
    if (this.state !== StateType.Leader) return;
    const pr = this.progress.get(this.id);
    if (pr === undefined || !pr.maybeUpdate(this.raftLog.stableLastIndex())) return;
    leaderCommitted(this);
  }

  // ---- time -------------------------------------------------------------------------------------

  /** Advances logical time by one tick. */
  tick(): void {
    if (this.state === StateType.Leader) this.tickHeartbeat();
    else this.tickElection();
  }

  private pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step(newMessage({ type: MessageType.MSG_HUP, from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(newMessage({ type: MessageType.MSG_CHECK_QUORUM, from: this.id }));
      if (this.state === StateType.Leader && this.leadTransferee !== NONE) abortLeaderTransfer(this);
    }
    if (this.state !== StateType.Leader) return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(newMessage({ type: MessageType.MSG_BEAT, from: this.id }));
    }
  }

  // ---- elections --------------------------------------------------------------------------------

  private hup(kind: CampaignKind): void {
    if (this.state === StateType.Leader) return;
    if (!this.promotable()) return;
    // Do not campaign while a committed conf change is not applied yet: we would use a stale config.
    const lo = Math.max(this.raftLog.applied + 1, this.raftLog.firstIndex());
    if (this.raftLog.committed >= lo) {
      const ents = this.raftLog.slice(lo, this.raftLog.committed + 1);
      if (ents.some((e) => e.type === EntryType.ENTRY_CONF_CHANGE)) {
        this.logger?.warn({ id: this.id }, "raft: not campaigning, a committed conf change is unapplied");
        return;
      }
    }
    this.campaign(kind);
  }

  private campaign(kind: CampaignKind): void {
    let voteMsg: MessageType;
    let term: number;
    if (kind === CampaignKind.PreElection) {
      this.becomePreCandidate();
      voteMsg = MessageType.MSG_PRE_VOTE;
      term = this.term + 1; // the term we would use; our own term is unchanged
    } else {
      this.becomeCandidate();
      voteMsg = MessageType.MSG_VOTE;
      term = this.term;
    }
    if (this.poll(this.id, true) === VoteResult.Won) {
      // Single-voter cluster: we won outright.
      if (kind === CampaignKind.PreElection) this.campaign(CampaignKind.Election);
      else this.becomeLeader();
      return;
    }
    const context = kind === CampaignKind.Transfer ? CAMPAIGN_TRANSFER : Buffer.alloc(0);
    for (const id of this.voters) {
      if (id === this.id) continue;
      this.send(
        newMessage({
          type: voteMsg,
          to: id,
          term,
          index: this.raftLog.lastIndex(),
          logTerm: this.raftLog.lastTerm(),
          context,
        }),
      );
    }
  }

  private poll(id: number, granted: boolean): VoteResult {
    if (!this.votes.has(id)) this.votes.set(id, granted);
    return voteResult(this.voters, this.votes);
  }

  // ---- messages ---------------------------------------------------------------------------------

  /** Queues an outgoing message, stamping `from` and (for non-vote messages) our term. */
  send(m: Message): void {
    m.from = this.id;
    const isVote =
      m.type === MessageType.MSG_VOTE ||
      m.type === MessageType.MSG_VOTE_RESP ||
      m.type === MessageType.MSG_PRE_VOTE ||
      m.type === MessageType.MSG_PRE_VOTE_RESP;
    if (isVote) {
      if (m.term === 0) throw new RaftInvariantError(`term must be set for ${m.type}`);
    } else if (m.type !== MessageType.MSG_PROP && m.type !== MessageType.MSG_READ_INDEX) {
      m.term = this.term;
    }
    if (AFTER_PERSIST_TYPES.has(m.type)) this.msgsAfterPersist.push(m);
    else this.msgs.push(m);
  }

  /** Handles one message (network or local). Throws ProposalDroppedError for refused proposals. */
  step(m: Message): void {
    if (m.term === 0) {
      // local message
    } else if (m.term > this.term) {
      if (m.type === MessageType.MSG_VOTE || m.type === MessageType.MSG_PRE_VOTE) {
        const force = m.context.equals(CAMPAIGN_TRANSFER);
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        if (!force && inLease) return; // leader lease: we heard from a live leader recently
      }
      if (m.type === MessageType.MSG_PRE_VOTE) {
        // never change our term in response to a pre-vote
      } else if (m.type === MessageType.MSG_PRE_VOTE_RESP && !m.reject) {
        // granted pre-vote for the term we would use: handled by the pre-candidate
      } else if (
        m.type === MessageType.MSG_APP ||
        m.type === MessageType.MSG_HEARTBEAT ||
        m.type === MessageType.MSG_SNAP
      ) {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === MessageType.MSG_HEARTBEAT || m.type === MessageType.MSG_APP)) {
        // Tell a stale leader about the newer term so it steps down (it cannot be disrupted by our
        // pre-votes, which do not raise terms).
        this.send(newMessage({ type: MessageType.MSG_APP_RESP, to: m.from }));
      } else if (m.type === MessageType.MSG_PRE_VOTE) {
        this.send(newMessage({ type: MessageType.MSG_PRE_VOTE_RESP, to: m.from, term: this.term, reject: true }));
      }
      return;
    }

    switch (m.type) {
      case MessageType.MSG_HUP:
        this.hup(this.preVote ? CampaignKind.PreElection : CampaignKind.Election);
        return;
      case MessageType.MSG_VOTE:
      case MessageType.MSG_PRE_VOTE: {
        const canVote =
          this.vote === m.from ||
          (this.vote === NONE && this.lead === NONE) ||
          (m.type === MessageType.MSG_PRE_VOTE && m.term > this.term);
        if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
          this.send(newMessage({ type: voteRespType(m.type), to: m.from, term: m.term }));
          if (m.type === MessageType.MSG_VOTE) {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.send(newMessage({ type: voteRespType(m.type), to: m.from, term: this.term, reject: true }));
        }
        return;
      }
    }
    switch (this.state) {
      case StateType.Leader:
        stepLeader(this, m);
        return;
      case StateType.Candidate:
      case StateType.PreCandidate:
        this.stepCandidate(m);
        return;
      case StateType.Follower:
        this.stepFollower(m);
        return;
    }
  }

  private stepCandidate(m: Message): void {
    const myVoteResp = this.state === StateType.PreCandidate ? MessageType.MSG_PRE_VOTE_RESP : MessageType.MSG_VOTE_RESP;
    switch (m.type) {
      case MessageType.MSG_PROP:
        throw new ProposalDroppedError(DropReason.NoLeader, NONE);
      case MessageType.MSG_READ_INDEX:
        throw new ProposalDroppedError(DropReason.NoLeader, NONE);
      case MessageType.MSG_APP:
        this.becomeFollower(m.term, m.from);
        handleAppendEntries(this, m);
        return;
      case MessageType.MSG_HEARTBEAT:
        this.becomeFollower(m.term, m.from);
        handleHeartbeat(this, m);
        return;
      case MessageType.MSG_SNAP:
        this.becomeFollower(m.term, m.from);
        handleSnapshot(this, m);
        return;
      case myVoteResp: {
        const res = this.poll(m.from, !m.reject);
        if (res === VoteResult.Won) {
          if (this.state === StateType.PreCandidate) {
            this.campaign(CampaignKind.Election);
          } else {
            this.becomeLeader();
            bcastAppend(this);
          }
        } else if (res === VoteResult.Lost) {
          this.becomeFollower(this.term, NONE);
        }
        return;
      }
      default:
        return;
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case MessageType.MSG_PROP:
        throw new ProposalDroppedError(this.lead === NONE ? DropReason.NoLeader : DropReason.NotLeader, this.lead);
      case MessageType.MSG_APP:
        this.electionElapsed = 0;
        this.lead = m.from;
        handleAppendEntries(this, m);
        return;
      case MessageType.MSG_HEARTBEAT:
        this.electionElapsed = 0;
        this.lead = m.from;
        handleHeartbeat(this, m);
        return;
      case MessageType.MSG_SNAP:
        this.electionElapsed = 0;
        this.lead = m.from;
        handleSnapshot(this, m);
        return;
      case MessageType.MSG_TRANSFER_LEADER:
        if (this.lead === NONE) throw new ProposalDroppedError(DropReason.NoLeader, NONE);
        this.msgs.push({ ...m, to: this.lead, term: 0 });
        return;
      case MessageType.MSG_TIMEOUT_NOW:
        // The leader asks us to campaign at once (leadership transfer); skips pre-vote and the lease.
        this.hup(CampaignKind.Transfer);
        return;
      case MessageType.MSG_READ_INDEX:
        if (this.lead === NONE) throw new ProposalDroppedError(DropReason.NoLeader, NONE);
        this.msgs.push({ ...m, to: this.lead, from: m.from || this.id, term: 0 });
        return;
      case MessageType.MSG_READ_INDEX_RESP:
        this.readStates.push({ index: m.index, requestCtx: m.context });
        return;
      default:
        return;
    }
  }
}
