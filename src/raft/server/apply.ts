/**
 * The applying side of a RaftServer: committed entries go to the state machine (resolving the
 * proposer's promise on the member that proposed them) or, for membership changes, to the core, the
 * member list and the transport's peers; a snapshot sent by the leader replaces the state; and this
 * member takes its own snapshots (then compacts the in-memory log and releases WAL segments). Owns
 * the applied index, the membership and the index of the last snapshot.
 */
import type { Wal } from "../storage/wal.js";
import { MAX_RAFT_MESSAGE_BYTES, type RaftTransport } from "../transport/transport.js";
import {
  type RaftNode,
  type MemoryStorage,
  decodeConfChange,
  emptyConfState,
  snapshotMeta,
  type ConfState,
  type Entry,
  type Ready,
} from "../core/index.js";
import { errorMessage } from "../../lib/errors.js";
import { decodeProposal, decodeSnapshotData, encodeSnapshotData } from "./envelope.js";
import type { ResolvedRaftServerOptions } from "./options.js";
import type { RequestBook } from "./requests.js";

/** The transport's peer list, which follows the membership. */
export type PeerList = Pick<RaftTransport, "addPeer" | "removePeer">;

/** What the applier works with; `members`, `confState` and `applied` are the recovered starting point. */
export interface ApplierParts<R> {
  readonly o: ResolvedRaftServerOptions<R>;
  readonly node: RaftNode;
  readonly storage: MemoryStorage;
  readonly wal: Wal;
  readonly req: RequestBook<R>;
  readonly members: Map<number, string>;
  readonly confState: ConfState;
  readonly applied: number;
}

/** Applies what the core committed and keeps the snapshots; see the file comment. */
export class Applier<R> {
  /** Member id → address, as of the last applied entry (the transport's peer list is the same map). */
  readonly members: Map<number, string>;
  private conf: ConfState;
  private appliedIndex: number;
  private snapIndex: number;
  /** Set when a member was added: the next snapshot must include it (a member ignores snapshots without itself). */
  private snapshotWanted = false;

  constructor(private readonly p: ApplierParts<R>) {
    this.members = p.members;
    this.conf = p.confState;
    this.appliedIndex = p.applied;
    this.snapIndex = p.applied;
  }

  /** Index of the last entry applied. */
  get applied(): number {
    return this.appliedIndex;
  }

  /** Membership as of the last applied entry. */
  get confState(): ConfState {
    return this.conf;
  }

  /**
   * Applies a Ready's snapshot (if newer than what is applied) and its committed entries. `isLeader`:
   * whether this member leads now; `peers` follows membership changes.
   */
  apply(rd: Ready, isLeader: boolean, peers: PeerList): void {
    if (rd.snapshot !== undefined) {
      const meta = snapshotMeta(rd.snapshot);
      if (meta.index > this.appliedIndex) {
        const { members, state } = decodeSnapshotData(rd.snapshot.data);
        this.p.o.stateMachine.restore(meta.index, state);
        for (const [id, addr] of members) this.setMember(id, addr, peers);
        this.conf = meta.confState ?? emptyConfState();
        this.appliedIndex = meta.index;
        this.snapIndex = meta.index;
        this.p.o.logger.info({ index: meta.index }, "raft: restored from a snapshot sent by the leader");
      }
    }
    for (const e of rd.committedEntries) {
      if (e.index <= this.appliedIndex) continue;
      if (e.type === "ENTRY_CONF_CHANGE") this.applyConfChange(e, isLeader, peers);
      else if (e.data.length > 0) this.applyNormal(e);
      this.appliedIndex = e.index;
    }
  }

  /**
   * Decodes a committed entry's data, or logs and returns undefined. A committed entry that cannot be
   * decoded is skipped: the decision depends only on its bytes, so every replica skips it alike, and
   * it stays skipped on replay. Throwing instead would stop the member at the same index after every
   * restart, on every replica at once.
   */
  private decoded<T>(e: Entry, decode: (data: Buffer) => T): T | undefined {
    try {
      return decode(e.data);
    } catch (err) {
      this.p.o.logger.error({ index: e.index, term: e.term, type: e.type, bytes: e.data.length, err: errorMessage(err) }, `raft: skipped undecodable committed entry at index ${e.index}`);
      return undefined;
    }
  }

  private applyNormal(e: Entry): void {
    const proposal = this.decoded(e, decodeProposal);
    if (proposal === undefined) return;
    const { id, payload } = proposal;
    const mine = id.proposer === this.p.o.id && id.nonce === this.p.o.nonce;
    const p = mine ? this.p.req.pending.get(id.seq) : undefined;
    if (p !== undefined) this.p.req.pending.delete(id.seq);
    let result: R;
    try {
      result = this.p.o.stateMachine.apply(e.index, payload);
    } catch (err) {
      this.p.o.logger.error({ err: errorMessage(err), index: e.index }, "raft: state machine threw while applying");
      p?.reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    p?.resolve(result);
  }

  private applyConfChange(e: Entry, isLeader: boolean, peers: PeerList): void {
    const cc = this.decoded(e, decodeConfChange);
    if (cc === undefined) return;
    this.conf = this.p.node.applyConfChange(cc);
    if (cc.type === "CONF_REMOVE_NODE") {
      this.members.delete(cc.nodeId);
      if (cc.nodeId !== this.p.o.id) peers.removePeer(cc.nodeId);
    } else {
      const isNew = !this.members.has(cc.nodeId);
      if (cc.context.length > 0) this.setMember(cc.nodeId, cc.context.toString("utf8"), peers);
      // A member that needs a snapshot must get one that already lists it: take one once the log was
      // compacted. And the leader takes one for a member it has just added (compacting all but
      // compactionMargin entries): a joiner with an empty log then installs the state in one MSG_SNAP
      // instead of replaying (fsync + apply) every entry since the last snapshot.
      if (this.p.storage.firstIndex() > 1 || (isNew && isLeader)) this.snapshotWanted = true;
    }
    this.p.o.logger.info({ index: e.index, change: cc.type, node: cc.nodeId, voters: this.conf.voters, learners: this.conf.learners }, "raft: membership changed");
    this.p.req.confApplied(cc.type, cc.nodeId, this.conf);
  }

  private setMember(id: number, addr: string, peers: PeerList): void {
    this.members.set(id, addr);
    if (id !== this.p.o.id) peers.addPeer(id, addr);
  }

  /** True when a snapshot should be taken: snapshotEntries applied since the last one, or a member was added. */
  snapshotDue(): boolean {
    return this.appliedIndex > this.snapIndex && (this.snapshotWanted || this.appliedIndex - this.snapIndex >= this.p.o.snapshotEntries);
  }

  /**
   * Snapshots everything applied, keeps compactionMargin entries before it in memory and releases the
   * WAL segments it covers. Call only once everything applied is durable.
   */
  async takeSnapshot(): Promise<void> {
    this.snapshotWanted = false;
    const index = this.appliedIndex;
    const data = encodeSnapshotData(this.members, this.p.o.stateMachine.snapshot());
    if (data.length > MAX_RAFT_MESSAGE_BYTES) {
      // Snapshots travel in one message: a member that needs this one cannot receive it.
      this.p.o.logger.error({ index, bytes: data.length, limit: MAX_RAFT_MESSAGE_BYTES }, "raft: snapshot exceeds the raft message limit; a member that needs it cannot receive it");
    }
    const snap = this.p.storage.createSnapshot(index, this.conf, data);
    this.snapIndex = index;
    await this.p.wal.saveSnapshot(snap, false);
    const compactTo = index - this.p.o.compactionMargin;
    if (compactTo >= this.p.storage.firstIndex()) this.p.storage.compact(compactTo);
    const released = await this.p.wal.releaseTo(index);
    this.p.o.logger.info({ index, bytes: data.length, releasedSegments: released }, "raft: snapshot taken");
  }
}
