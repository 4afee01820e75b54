/**
 * RaftServer: the I/O loop around the pure core (src/raft/core). One loop turn (woken on
 * setImmediate, so everything that arrived in one event-loop turn shares a Ready):
 *
 *   1. batch queued proposals into ONE MSG_PROP (stepped locally on the leader, sent to the leader
 *      otherwise) and queued reads into ONE ReadIndex request;
 *   2. rd = node.ready(); send rd.messages at once — a leader's appends leave before its own fsync
 *      (the core counts the leader's own ack only at advance, so nothing commits on its unsynced write);
 *   3. append the Ready's entries and hard state to the WAL and ask for a sync, WITHOUT waiting: the
 *      WAL's group commit gives every Ready that arrives while one fdatasync runs the next one;
 *      apply the committed entries at once (they are durable on a quorum), resolving the proposer's
 *      promise with the state machine's result; serve reads whose index is applied;
 *   4. when the Ready is durable — strictly in Ready order — update the in-memory log, send
 *      rd.messagesAfterPersist (append acks, votes: the persistence barrier), node.advance(rd) (the
 *      leader's own ack may commit more) and wake the loop.
 * A Ready with a snapshot from the leader waits for every earlier Ready, is persisted (snapshot file
 * + marker) and applied alone. Taking our own snapshot also waits until everything applied is durable.
 *
 * This file holds the loop, persistence, the public API and the lifecycle; step 1 is batching.ts, and
 * applying (entries, membership changes, snapshots restored and taken) is apply.ts.
 */
import { Wal } from "../storage/wal.js";
import { RaftTransport } from "../transport/transport.js";
import {
  RaftNode,
  type MemoryStorage,
  ProposalDroppedError,
  snapshotMeta,
  type ConfState,
  type Message,
  type Ready,
  type ConfChangeType,
} from "../core/index.js";
import type { Logger } from "../../lib/logger.js";
import { errorMessage } from "../../lib/errors.js";
import { RaftServerError, RaftServerErrorCode } from "./errors.js";
import { encodeProposal } from "./envelope.js";
import { memberId, resolveServerOptions, type RaftServerOptions, type ResolvedRaftServerOptions } from "./options.js";
import { recoverStorage, type Recovered } from "./recover.js";
import { RequestBook } from "./requests.js";
import { forceNewClusterOnStart } from "./force-new-cluster.js";
import { PeerActivityBook, type PeerActivity } from "./peer-activity.js";
import { Applier } from "./apply.js";
import { RequestBatcher } from "./batching.js";
import { senderRefusal, type PeerDirectory } from "./peer-auth.js";
import type { CallerIdentity } from "../../ca/tls.js";

/** What a member reports about itself. */
export interface RaftServerStatus {
  readonly id: number;
  readonly leader: number;
  readonly isLeader: boolean;
  readonly term: number;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly confState: ConfState;
  readonly members: ReadonlyMap<number, string>;
}

/** A Raft member: WAL + core + transport + state machine. */
export class RaftServer<R = unknown> {
  private readonly o: ResolvedRaftServerOptions<R>;
  private readonly log: Logger;
  private readonly node: RaftNode;
  private readonly storage: MemoryStorage;
  private readonly wal: Wal;
  private transport!: RaftTransport;
  private leader = 0;
  private isLeaderNow = false;
  private seq = 0;
  private readonly req = new RequestBook<R>();
  private readonly applier: Applier<R>;
  private readonly batcher: RequestBatcher<R>;
  private readonly activity = new PeerActivityBook();
  private wake: (() => void) | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  /** Settles once every Ready handed to the WAL so far is durable and advanced (in order). */
  private persisting: Promise<void> = Promise.resolve();
  private fatal: unknown = null;
  private stopped: Promise<void> | null = null;
  private readonly counters = { readies: 0, syncs: 0, entriesPersisted: 0, entriesApplied: 0, messagesSent: 0, proposalsBatched: 0, batches: 0, persistMs: 0, idleMs: 0, turnMs: 0 };

  private constructor(o: ResolvedRaftServerOptions<R>, wal: Wal, storage: MemoryStorage, members: Map<number, string>, confState: ConfState, applied: number) {
    this.o = o;
    this.log = o.logger;
    this.wal = wal;
    this.storage = storage;
    this.node = new RaftNode({
      id: o.id,
      storage,
      electionTick: o.electionTicks,
      heartbeatTick: o.heartbeatTicks,
      random: o.random,
      preVote: true,
      checkQuorum: true,
      applied,
      logger: o.logger,
    });
    this.applier = new Applier({ o, node: this.node, storage, wal, req: this.req, members, confState, applied });
    this.batcher = new RequestBatcher({ id: o.id, nonce: o.nonce, node: this.node, req: this.req, log: this.log, counters: this.counters });
  }

  /** Opens the WAL (bootstrapping a new cluster if asked), starts the transport, the ticker and the loop. */
  static async start<R>(options: RaftServerOptions<R>): Promise<RaftServer<R>> {
    const o = resolveServerOptions(options);
    const { wal, state: opened } = await Wal.open({ dir: o.dataDir, segmentBytes: o.segmentBytes, logger: o.logger });
    let rec: Recovered;
    let state = opened;
    try {
      if (o.forceNewCluster) state = await forceNewClusterOnStart(o, wal, opened);
      rec = await recoverStorage(o, wal, state);
    } catch (err) {
      await wal.close();
      throw err;
    }
    const { storage, members, confState, applied } = rec;
    const server = new RaftServer(o, wal, storage, members, confState, applied);
    try {
      server.transport = await RaftTransport.start({
        id: o.id,
        listen: o.listen,
        peers: members,
        onMessages: (ms) => server.onMessages(ms),
        onUnreachable: (id) => server.node.reportUnreachable(id),
        onSnapshotStatus: (id, ok) => {
          server.node.reportSnapshot(id, ok);
          server.kick();
        },
        serverCredentials: o.serverCredentials,
        channelCredentials: o.channelCredentials,
        ...(o.peerDirectory !== undefined ? { checkSender: senderCheck(o.id, o.peerDirectory, members) } : {}),
        logger: o.logger,
      });
    } catch (err) {
      await wal.close();
      throw err;
    }
    server.ticker = setInterval(() => server.onTick(), o.tickMs);
    server.loopDone = server.loop();
    o.logger.info({ id: o.id, applied, entries: rec.entries, truncatedTail: state.truncatedTail }, "raft: member started");
    return server;
  }

  // ---- inputs ---------------------------------------------------------------------------------

  /**
   * Wakes the loop — on setImmediate, after the I/O callbacks of this event-loop turn: every message
   * and proposal that arrived in the same turn then goes into one Ready (fewer, larger appends).
   */
  private kick(): void {
    const w = this.wake;
    if (w !== null) {
      this.wake = null;
      setImmediate(w);
    }
  }

  private onTick(): void {
    this.node.tick();
    this.sweepTimeouts(Date.now());
    this.kick();
  }

  private onMessages(ms: readonly Message[]): void {
    const now = Date.now();
    for (const m of ms) {
      this.activity.heardFrom(m.from, now);
      try {
        this.node.step(m);
      } catch (err) {
        if (err instanceof ProposalDroppedError) this.log.debug({ from: m.from, reason: err.reason }, "raft: dropped a forwarded proposal");
        else this.log.warn({ err: errorMessage(err), type: m.type, from: m.from }, "raft: rejected a message");
      }
    }
    this.kick();
  }

  private sweepTimeouts(now: number): void {
    this.req.sweep(now, { leader: this.leader, noLeaderMs: 2 * this.o.electionTicks * this.o.tickMs, requestTimeoutMs: this.o.requestTimeoutMs });
  }

  private unusable(): RaftServerError | null {
    if (this.fatal !== null) return new RaftServerError(RaftServerErrorCode.StorageFailed, `raft: stopped after a storage failure: ${errorMessage(this.fatal)}`, { cause: this.fatal });
    if (this.stopping) return new RaftServerError(RaftServerErrorCode.Stopped, "raft: server is stopping");
    return null;
  }

  /**
   * Proposes `payload` for replication. Resolves with the state machine's result once this member
   * applied it; rejects with RaftServerError (Timeout ⇒ the outcome is unknown; NoLeader ⇒ not submitted).
   */
  propose(payload: Uint8Array): Promise<R> {
    const bad = this.unusable();
    if (bad !== null) return Promise.reject(bad);
    const seq = this.seq++ >>> 0;
    const data = encodeProposal({ proposer: this.o.id, nonce: this.o.nonce, seq }, payload);
    const now = Date.now();
    return new Promise<R>((resolve, reject) => {
      this.req.pending.set(seq, { resolve, reject, deadline: now + this.o.requestTimeoutMs, sent: false });
      this.req.propQueue.push({ seq, data, since: now });
      this.kick();
    });
  }

  /**
   * A linearizable read barrier (ReadIndex): resolves once this member has applied everything committed
   * when the read was confirmed by a quorum. Read the state machine right after it resolves.
   */
  read(): Promise<void> {
    const bad = this.unusable();
    if (bad !== null) return Promise.reject(bad);
    return new Promise<void>((resolve, reject) => {
      this.req.readQueue.push({ resolve, reject, deadline: Date.now() + this.o.requestTimeoutMs });
      this.kick();
    });
  }

  private changeMembership(type: ConfChangeType, nodeId: number, addr: string): Promise<ConfState> {
    const bad = this.unusable();
    if (bad !== null) return Promise.reject(bad);
    try {
      memberId("nodeId", nodeId);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (!this.isLeaderNow) {
      return Promise.reject(new RaftServerError(RaftServerErrorCode.NotLeader, `raft: membership changes go to the leader (member ${this.leader || "unknown"})`, { leader: this.leader }));
    }
    try {
      if (addr !== "") this.transport.addPeer(nodeId, addr);
      this.node.proposeConfChange({ type, nodeId, context: Buffer.from(addr) });
    } catch (err) {
      return Promise.reject(new RaftServerError(RaftServerErrorCode.NotLeader, `raft: membership change refused: ${errorMessage(err)}`, { leader: this.leader, cause: err }));
    }
    this.kick();
    return new Promise<ConfState>((resolve, reject) => {
      this.req.confWaiters.push({ type, nodeId, resolve, reject, deadline: Date.now() + this.o.requestTimeoutMs });
    });
  }

  /** Adds a voter (or a learner) reachable at `addr`; leader only. Resolves with the new membership. */
  addMember(nodeId: number, addr: string, options: { learner?: boolean } = {}): Promise<ConfState> {
    return this.changeMembership(options.learner === true ? "CONF_ADD_LEARNER" : "CONF_ADD_VOTER", nodeId, addr);
  }

  /** Promotes a learner to voter; leader only. */
  promoteMember(nodeId: number): Promise<ConfState> {
    return this.changeMembership("CONF_ADD_VOTER", nodeId, this.applier.members.get(nodeId) ?? "");
  }

  /** Removes a member; leader only. */
  removeMember(nodeId: number): Promise<ConfState> {
    return this.changeMembership("CONF_REMOVE_NODE", nodeId, "");
  }

  /** Asks the leader to hand leadership to `to`. */
  transferLeadership(to: number): void {
    try {
      this.node.transferLeadership(to);
    } catch (err) {
      throw new RaftServerError(RaftServerErrorCode.NoLeader, `raft: cannot transfer leadership: ${errorMessage(err)}`, { cause: err });
    }
    this.kick();
  }

  /** Current role, indexes and membership. */
  status(): RaftServerStatus {
    const s = this.node.status();
    return {
      id: this.o.id,
      leader: this.leader,
      isLeader: this.isLeaderNow,
      term: s.hardState.term,
      commit: s.hardState.commit,
      applied: this.applier.applied,
      lastIndex: s.lastIndex,
      confState: this.applier.confState,
      members: new Map(this.applier.members),
    };
  }

  /** Counters of the loop since start (readies, fsyncs, entries, messages, proposal batches). */
  metrics(): Readonly<Record<string, number>> {
    return { ...this.counters, walGroups: this.wal.stats.groups, walGroupMs: Math.round(this.wal.stats.groupMs) };
  }

  /** On the leader: each follower's replication state and match index, e.g. "2:replicate@120". */
  progressSummary(): string {
    return [...this.node.status().progress].map(([id, p]) => `${id}:${p.state}@${p.match}/${p.next}`).join(" ");
  }

  /** Read-only: when each other member was last heard from, and (on the leader) its progress. */
  peerActivity(): PeerActivity[] {
    return this.activity.view(this.o.id, this.applier.members.keys(), this.node.status().progress, Date.now());
  }

  /** The transport port actually bound (useful with port 0). */
  get port(): number {
    return this.transport.port;
  }

  // ---- the loop -------------------------------------------------------------------------------

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.batcher.flushProposals(this.leader, this.isLeaderNow, this.transport);
      this.batcher.flushReads(this.leader);
      if (!this.node.hasReady()) {
        const w0 = performance.now();
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.counters.idleMs += performance.now() - w0;
        continue;
      }
      const t0 = performance.now();
      const rd = this.node.ready();
      this.counters.readies++;
      this.counters.entriesPersisted += rd.entries.length;
      this.counters.messagesSent += rd.messages.length + rd.messagesAfterPersist.length;
      this.counters.entriesApplied += rd.committedEntries.length;
      if (rd.mustSync) this.counters.syncs++;
      // A snapshot from the leader replaces the log: persist it after everything before it, alone.
      if (rd.snapshot !== undefined) await this.persisting;
      // Appends and heartbeats leave before our own fsync (the core counts our ack only at advance).
      this.transport.send(rd.messages.filter((m) => m.to !== this.o.id));
      if (rd.softState !== undefined) this.onSoftState(rd.softState.lead, rd.softState.raftState === "leader");
      for (const rs of rd.readStates) {
        const b = this.req.readBatches.get(rs.requestCtx.toString("hex"));
        if (b !== undefined) b.index = rs.index;
      }
      if (rd.snapshot !== undefined) {
        if (!(await this.persistOrFail(rd))) return;
        this.applier.apply(rd, this.isLeaderNow, this.transport);
        this.afterPersist(rd, t0);
        continue;
      }
      // Pipelined: this Ready's records join the WAL's next group commit while the loop goes on
      // producing Readies; the committed entries (durable on a quorum) are applied right away.
      const previous = this.persisting;
      const written = this.writeReady(rd);
      this.applier.apply(rd, this.isLeaderNow, this.transport);
      this.req.serveReads(this.applier.applied);
      this.persisting = (async () => {
        await previous;
        let ok = true;
        try {
          await written;
        } catch (err) {
          ok = false;
          this.failStorage(err);
        }
        if (ok && this.fatal === null) this.afterPersist(rd, t0);
      })();
      if (this.applier.snapshotDue()) {
        await this.persisting; // a snapshot must not run ahead of the durable log and commit index
        if (this.fatal !== null) return;
        try {
          await this.applier.takeSnapshot();
        } catch (err) {
          this.log.error({ err: errorMessage(err) }, "raft: snapshot failed");
        }
      }
    }
  }

  /** Persists a Ready and waits for it; false (and the server stops) if storage failed. */
  private async persistOrFail(rd: Ready): Promise<boolean> {
    try {
      if (rd.snapshot !== undefined && snapshotMeta(rd.snapshot).index > 0) {
        await this.wal.saveSnapshot(rd.snapshot, true);
        this.storage.applySnapshot(rd.snapshot);
      }
      await this.writeReady(rd);
      return true;
    } catch (err) {
      this.failStorage(err);
      return false;
    }
  }

  /** Appends a Ready's entries and hard state to the WAL; resolves once durable (if it must be). */
  private writeReady(rd: Ready): Promise<void> {
    if (rd.entries.length > 0 || rd.hardState !== undefined) this.wal.append(rd.hardState ?? null, rd.entries);
    return rd.mustSync ? this.wal.sync() : Promise.resolve();
  }

  /** The Ready is durable (and every one before it): update the in-memory log, send acks, advance. */
  private afterPersist(rd: Ready, t0: number): void {
    if (rd.hardState !== undefined) this.storage.setHardState(rd.hardState);
    this.storage.append(rd.entries);
    this.transport.send(rd.messagesAfterPersist.filter((m) => m.to !== this.o.id));
    this.node.advance(rd);
    this.req.serveReads(this.applier.applied);
    const ms = performance.now() - t0;
    this.counters.persistMs += ms;
    this.counters.turnMs += ms;
    this.kick();
  }

  private failStorage(err: unknown): void {
    if (this.fatal !== null) return;
    this.fatal = err;
    this.log.error({ err: errorMessage(err) }, "raft: persisting failed; stopping");
    this.req.failAll(this.unusable() as RaftServerError);
    this.stopping = true;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.kick();
  }

  private onSoftState(lead: number, isLeader: boolean): void {
    const changed = lead !== this.leader || isLeader !== this.isLeaderNow;
    this.leader = lead;
    this.isLeaderNow = isLeader;
    if (!changed) return;
    this.log.info({ leader: lead, isLeader }, "raft: leader changed");
    // Reads sent to a former leader may never be answered; they are idempotent, so re-issue them.
    this.req.requeueUnansweredReads();
    try {
      this.o.onLeaderChange(lead, isLeader);
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, "raft: onLeaderChange threw");
    }
  }

  /** Stops ticking, fails pending requests, closes the transport and the WAL. Safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      if (this.ticker !== null) clearInterval(this.ticker);
      this.kick();
      await this.loopDone;
      await this.persisting;
      this.req.failAll(new RaftServerError(RaftServerErrorCode.Stopped, "raft: server stopped", { unknownOutcome: true }));
      await this.transport.close();
      await this.wal.close();
    })();
    return this.stopped;
  }
}

/** The transport's sender check: the membership as applied here (the applier's live map), the bindings from the directory. */
function senderCheck(self: number, directory: PeerDirectory, members: ReadonlyMap<number, string>): (caller: CallerIdentity | undefined, from: number) => string | null {
  return (caller, from) => senderRefusal({ self, members, directory }, caller, from);
}
