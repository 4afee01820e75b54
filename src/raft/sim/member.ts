/**
 * Stepping a simulated member: starting it from what its storage kept, crashing it, and handling
 * its Readies as the server does (send, apply, persist — possibly delayed and pipelined — then the
 * after-persist messages and advance), with crashes striking between those steps. Applies committed
 * entries to the member's tiny KV state machine and takes snapshots with log compaction. Messages
 * go to the network (`send`) and applied puts and read states to the clients (ReadyClients).
 */
import {
  type Entry,
  EntryType,
  type Message,
  RaftNode,
  type ReadState,
  type Ready,
  StateType,
  decodeConfChange,
  snapshotConfState,
  snapshotMeta,
} from "../core/index.js";
import type { Raft } from "../core/raft.js";
import { decodeKv, encodeKv } from "./params.js";
import type { SimNode, SimWorld } from "./world.js";

const ELECTION_TICK = 10;
const HEARTBEAT_TICK = 1;

/** The clients waiting on what members apply (workload.ts). */
export interface ReadyClients {
  /** Member `n` applied put `seq` of client `clientId`. */
  putApplied(n: SimNode, clientId: number, seq: number): void;
  /** Member `n` learned the index a read must wait for. */
  readIndexKnown(n: SimNode, rs: ReadState): void;
  /** Member `n` applied more entries: reads waiting for them may complete. */
  completeReads(n: SimNode): void;
}

/** (Re)starts a member from its storage: the last snapshot's state, a new RaftNode, a new incarnation. */
export function startMember(w: SimWorld, n: SimNode): void {
  const snap = n.storage.snapshot();
  const meta = snapshotMeta(snap);
  n.kv = meta.index > 0 ? decodeKv(snap.data) : new Map<string, string>();
  n.appliedIndex = meta.index;
  n.confState = snapshotConfState(snap);
  n.incarnation++;
  n.node = new RaftNode({
    id: n.id,
    storage: n.storage,
    electionTick: ELECTION_TICK,
    heartbeatTick: HEARTBEAT_TICK,
    random: w.rng.fn(),
    preVote: w.params.preVote,
    checkQuorum: w.params.checkQuorum,
    maxSizePerMsg: w.params.maxSizePerMsg,
    maxInflightMsgs: w.params.maxInflightMsgs,
    ...(w.params.maxCommittedSizePerReady !== undefined ? { maxCommittedSizePerReady: w.params.maxCommittedSizePerReady } : {}),
    applied: meta.index,
  });
  w.checker.restarted(n.id, n.storage.getHardState().commit);
  w.checker.restartedAt(n.id, meta.index);
}

/** Crashes a member: everything not in its storage is lost; it restarts 3–40 ticks later. */
export function crashMember(w: SimWorld, n: SimNode, where: string): void {
  w.log(`crash ${n.id} (${where})`);
  n.node = undefined;
  n.inflight = [];
  n.restartAt = w.now + w.rng.int(3, 40);
  w.stats.crashes++;
}

function leaders(w: SimWorld): Map<number, Raft> {
  const m = new Map<number, Raft>();
  for (const n of w.nodes.values()) {
    if (n.node !== undefined && n.node.raft.state === StateType.Leader) m.set(n.id, n.node.raft);
  }
  return m;
}

/** Handles the Readies of the members. */
export class ReadyPipeline {
  constructor(
    private readonly w: SimWorld,
    private readonly send: (m: Message) => void,
    private readonly clients: ReadyClients,
  ) {}

  /**
   * Handles every pending Ready of a node as the server does: messages that may precede persistence
   * leave first, committed entries are applied (they are durable on a quorum), then the Ready is
   * persisted — at once or, with `persistDelayRate`, 0–2 ticks later while the node keeps stepping
   * messages and producing further Readies (pipelined; they complete in order) — and only then are
   * the after-persist messages sent and advance() called. A Ready with a snapshot first waits for
   * the Readies before it. Crashes strike before sending, after sending but before persisting (the
   * leader's entries are then lost locally although followers may have them), and after persisting
   * but before the rest is sent.
   */
  process(n: SimNode): void {
    const w = this.w;
    while (n.node?.hasReady() === true) {
      const node = n.node;
      const rd = node.ready();
      if (w.rng.chance(w.params.readyCrashRate)) {
        crashMember(w, n, "before sending a Ready");
        return;
      }
      if (w.tracing && rd.softState !== undefined) {
        w.log(`${n.id} is ${rd.softState.raftState} (term ${node.raft.term}, leader ${rd.softState.lead})`);
      }
      for (const m of rd.messages) this.send(m);
      if (rd.messages.length > 0 && w.rng.chance(w.params.readyCrashRate * 4)) {
        crashMember(w, n, "after sending, before persisting");
        return;
      }
      if (rd.snapshot !== undefined) {
        while (n.inflight.length > 0 && n.node === node) this.finish(n, node, n.inflight.shift()?.rd as Ready);
        if (n.node !== node) return;
        this.finish(n, node, rd);
        continue;
      }
      for (const e of rd.committedEntries) this.apply(n, node, e);
      const last = n.inflight[n.inflight.length - 1];
      if (last !== undefined || w.rng.chance(w.params.persistDelayRate)) {
        n.inflight.push({ rd, doneAt: Math.max(w.now + w.rng.int(0, 2), last?.doneAt ?? 0) });
        continue;
      }
      this.finish(n, node, rd);
    }
  }

  /** Completes, in order, the delayed persistence of Readies that are due. */
  finishDue(): void {
    for (const n of this.w.nodes.values()) {
      const node = n.node;
      if (node === undefined || (n.inflight[0]?.doneAt ?? Infinity) > this.w.now) continue;
      while (n.node === node && (n.inflight[0]?.doneAt ?? Infinity) <= this.w.now) this.finish(n, node, n.inflight.shift()?.rd as Ready);
      this.process(n);
      this.w.checkAll();
    }
  }

  /** Persists a Ready, then sends what had to wait for it and advances the node. */
  private finish(n: SimNode, node: RaftNode, rd: Ready): void {
    const w = this.w;
    if (rd.snapshot !== undefined) n.storage.applySnapshot(rd.snapshot);
    n.storage.append(rd.entries);
    w.checker.appended(n.id, node.raft, rd.entries);
    if (rd.hardState !== undefined) {
      n.storage.setHardState(rd.hardState);
      w.checker.persistedHardState(n.id, rd.hardState.commit);
    }
    if (w.rng.chance(w.params.readyCrashRate)) {
      crashMember(w, n, "after persisting, before sending");
      return;
    }
    for (const m of rd.messagesAfterPersist) this.send(m);
    if (rd.snapshot !== undefined) {
      const meta = snapshotMeta(rd.snapshot);
      n.kv = decodeKv(rd.snapshot.data);
      n.appliedIndex = meta.index;
      n.confState = snapshotConfState(rd.snapshot);
      w.checker.restoredSnapshot(n.id, meta.index);
      w.log(`${n.id} restored snapshot ${meta.index}`);
      for (const e of rd.committedEntries) this.apply(n, node, e);
    }
    for (const rs of rd.readStates) this.clients.readIndexKnown(n, rs);
    node.advance(rd);
    this.maybeSnapshot(n);
    this.clients.completeReads(n);
  }

  private apply(n: SimNode, node: RaftNode, e: Entry): void {
    const w = this.w;
    w.checker.appliedEntry(n.id, e, node.raft.term, leaders(w));
    n.appliedIndex = e.index;
    w.stats.appliedIndexes = Math.max(w.stats.appliedIndexes, e.index);
    if (e.type === EntryType.ENTRY_CONF_CHANGE) {
      const cc = decodeConfChange(e.data);
      n.confState = node.applyConfChange(cc);
      w.stats.confChangesApplied++;
      w.log(`${n.id} applied conf ${e.index} ${cc.type} ${cc.nodeId} → voters ${n.confState.voters.join(",")} learners ${n.confState.learners.join(",")}`);
      return;
    }
    if (e.data.length === 0) return;
    const cmd = JSON.parse(e.data.toString()) as { c: number; s: number; k: string; v: string };
    n.kv.set(cmd.k, cmd.v);
    this.clients.putApplied(n, cmd.c, cmd.s);
  }

  private maybeSnapshot(n: SimNode): void {
    const snapIndex = snapshotMeta(n.storage.snapshot()).index;
    if (n.appliedIndex - snapIndex < this.w.params.snapshotInterval) return;
    // Entries applied from a later Ready may not be persisted (nor their commit index) yet: a snapshot
    // must not run ahead of the durable commit index, or a restart would find commit < snapshot.
    if (n.appliedIndex > n.storage.lastIndex() || n.appliedIndex > n.storage.getHardState().commit) return;
    n.storage.createSnapshot(n.appliedIndex, n.confState, encodeKv(n.kv));
    const compactTo = n.appliedIndex - this.w.params.keepEntries;
    if (compactTo >= n.storage.firstIndex()) n.storage.compact(compactTo);
  }
}
