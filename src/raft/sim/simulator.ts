/**
 * The seeded Raft simulator: N RaftNodes on a virtual clock and a faulty in-memory network
 * (drop, delay, reorder, duplicate, partitions), crash-restart that keeps only what was persisted
 * (crashes may strike before or after the persistence step of a Ready), client puts/gets recorded as
 * a KV history, membership changes, leadership transfers and snapshots with log compaction.
 * Every step (tick or delivery) is followed by the safety checks of invariants.ts.
 *
 * Everything random comes from one Prng(seed): a seed replays exactly.
 */
import {
  ConfChangeType,
  type ConfState,
  type Entry,
  EntryType,
  MemoryStorage,
  type Message,
  ProposalDroppedError,
  RaftNode,
  type ReadState,
  type Ready,
  StateType,
  bootstrapEntries,
  decodeConfChange,
  emptyConfState,
  snapshotConfState,
  snapshotMeta,
} from "../core/index.js";
import type { Raft } from "../core/raft.js";
import type { KvHistory, KvInput, KvOperation } from "./history.js";
import { SafetyChecker } from "./invariants.js";
import { Prng } from "../../lib/prng.js";
import { type SimOptions, type SimParams, type SimResult, SimulationFailure, decodeKv, drawParams, encodeKv } from "./params.js";

export { SimulationFailure, type SimResult, type SimOptions, type SimParams };

interface Pending {
  readonly clientId: number;
  readonly seq: number;
  readonly input: KvInput;
  readonly node: number;
  readonly incarnation: number;
  readonly call: number;
  readonly deadline: number;
  readIndex?: number;
}

interface SimNode {
  readonly id: number;
  readonly storage: MemoryStorage;
  node: RaftNode | undefined;
  incarnation: number;
  kv: Map<string, string>;
  appliedIndex: number;
  confState: ConfState;
  restartAt: number;
  /** Readies whose persistence is in progress (sent, applied, not yet durable), oldest first. */
  inflight: { readonly rd: Ready; readonly doneAt: number }[];
}

interface InFlight {
  readonly at: number;
  readonly msg: Message;
}

const ELECTION_TICK = 10;
const HEARTBEAT_TICK = 1;
const CLIENTS = 3;
const KEYS = ["x", "y", "z"];
const OP_TIMEOUT = 60;

/** One simulated cluster. Use runSimulation(). */
class Simulation {
  readonly rng: Prng;
  readonly params: SimParams;
  readonly checker = new SafetyChecker();
  readonly nodes = new Map<number, SimNode>();
  private queue: InFlight[] = [];
  /** Transport feedback to hand to senders: snapshot delivered / lost, peer unreachable. */
  private reports: { from: number; to: number; kind: "snap-ok" | "snap-failed" | "unreachable" }[] = [];
  private now = 0;
  private clock = 0;
  private partition: Map<number, number> | undefined;
  private readonly clients: { seq: number; pending: Pending | undefined; nextAt: number }[] = [];
  private readonly ops: KvOperation[] = [];
  private readonly usedIds = new Set<number>();
  readonly trace: string[] = [];
  private readonly tracing: boolean;
  readonly stats = {
    appliedIndexes: 0,
    maxTerm: 0,
    crashes: 0,
    snapshotsSent: 0,
    confChangesApplied: 0,
    putsOk: 0,
    getsOk: 0,
    delivered: 0,
  };

  constructor(seed: number, tracing: boolean) {
    this.rng = new Prng(seed);
    this.params = drawParams(this.rng);
    this.tracing = tracing;
    const voters = Array.from({ length: this.params.initialVoters }, (_, i) => i + 1);
    for (let id = 1; id <= this.params.poolSize; id++) {
      const storage = new MemoryStorage();
      if (id <= this.params.initialVoters) {
        storage.append(bootstrapEntries(voters));
        storage.setHardState({ term: 1, vote: 0, commit: voters.length });
        this.usedIds.add(id);
      }
      const n: SimNode = {
        id,
        storage,
        node: undefined,
        incarnation: 0,
        kv: new Map(),
        appliedIndex: 0,
        confState: emptyConfState(),
        restartAt: 0,
        inflight: [],
      };
      this.nodes.set(id, n);
      this.start(n);
    }
    for (let c = 0; c < CLIENTS; c++) this.clients.push({ seq: 0, pending: undefined, nextAt: this.rng.int(0, 20) });
  }

  private log(s: string): void {
    if (this.tracing) this.trace.push(`t=${this.now} ${s}`);
  }

  private start(n: SimNode): void {
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
      random: this.rng.fn(),
      preVote: this.params.preVote,
      checkQuorum: this.params.checkQuorum,
      maxSizePerMsg: this.params.maxSizePerMsg,
      maxInflightMsgs: this.params.maxInflightMsgs,
      ...(this.params.maxCommittedSizePerReady !== undefined ? { maxCommittedSizePerReady: this.params.maxCommittedSizePerReady } : {}),
      applied: meta.index,
    });
    this.checker.restarted(n.id, n.storage.getHardState().commit);
    this.checker.restartedAt(n.id, meta.index);
  }

  private crash(n: SimNode, where: string): void {
    this.log(`crash ${n.id} (${where})`);
    n.node = undefined;
    n.inflight = [];
    n.restartAt = this.now + this.rng.int(3, 40);
    this.stats.crashes++;
  }

  private leaders(): Map<number, Raft> {
    const m = new Map<number, Raft>();
    for (const n of this.nodes.values()) {
      if (n.node !== undefined && n.node.raft.state === StateType.Leader) m.set(n.id, n.node.raft);
    }
    return m;
  }

  private checkAll(): void {
    for (const n of this.nodes.values()) {
      if (n.node === undefined) continue;
      this.checker.checkNode(n.id, n.node.raft);
      this.stats.maxTerm = Math.max(this.stats.maxTerm, n.node.raft.term);
    }
  }

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
  private processReady(n: SimNode): void {
    while (n.node?.hasReady() === true) {
      const node = n.node;
      const rd = node.ready();
      if (this.rng.chance(this.params.readyCrashRate)) {
        this.crash(n, "before sending a Ready");
        return;
      }
      if (this.tracing && rd.softState !== undefined) {
        this.log(`${n.id} is ${rd.softState.raftState} (term ${node.raft.term}, leader ${rd.softState.lead})`);
      }
      for (const m of rd.messages) this.enqueue(m);
      if (rd.messages.length > 0 && this.rng.chance(this.params.readyCrashRate * 4)) {
        this.crash(n, "after sending, before persisting");
        return;
      }
      if (rd.snapshot !== undefined) {
        while (n.inflight.length > 0 && n.node === node) this.finishReady(n, node, n.inflight.shift()?.rd as Ready);
        if (n.node !== node) return;
        this.finishReady(n, node, rd);
        continue;
      }
      for (const e of rd.committedEntries) this.apply(n, node, e);
      const last = n.inflight[n.inflight.length - 1];
      if (last !== undefined || this.rng.chance(this.params.persistDelayRate)) {
        n.inflight.push({ rd, doneAt: Math.max(this.now + this.rng.int(0, 2), last?.doneAt ?? 0) });
        continue;
      }
      this.finishReady(n, node, rd);
    }
  }

  /** Persists a Ready, then sends what had to wait for it and advances the node. */
  private finishReady(n: SimNode, node: RaftNode, rd: Ready): void {
    if (rd.snapshot !== undefined) n.storage.applySnapshot(rd.snapshot);
    n.storage.append(rd.entries);
    this.checker.appended(n.id, node.raft, rd.entries);
    if (rd.hardState !== undefined) {
      n.storage.setHardState(rd.hardState);
      this.checker.persistedHardState(n.id, rd.hardState.commit);
    }
    if (this.rng.chance(this.params.readyCrashRate)) {
      this.crash(n, "after persisting, before sending");
      return;
    }
    for (const m of rd.messagesAfterPersist) this.enqueue(m);
    if (rd.snapshot !== undefined) {
      const meta = snapshotMeta(rd.snapshot);
      n.kv = decodeKv(rd.snapshot.data);
      n.appliedIndex = meta.index;
      n.confState = snapshotConfState(rd.snapshot);
      this.checker.restoredSnapshot(n.id, meta.index);
      this.log(`${n.id} restored snapshot ${meta.index}`);
      for (const e of rd.committedEntries) this.apply(n, node, e);
    }
    for (const rs of rd.readStates) this.readStateReady(n, rs);
    node.advance(rd);
    this.maybeSnapshot(n);
    this.completeReads(n);
  }

  /** Completes, in order, the delayed persistence of Readies that are due. */
  private finishDuePersists(): void {
    for (const n of this.nodes.values()) {
      const node = n.node;
      if (node === undefined || (n.inflight[0]?.doneAt ?? Infinity) > this.now) continue;
      while (n.node === node && (n.inflight[0]?.doneAt ?? Infinity) <= this.now) this.finishReady(n, node, n.inflight.shift()?.rd as Ready);
      this.processReady(n);
      this.checkAll();
    }
  }

  private apply(n: SimNode, node: RaftNode, e: Entry): void {
    this.checker.appliedEntry(n.id, e, node.raft.term, this.leaders());
    n.appliedIndex = e.index;
    this.stats.appliedIndexes = Math.max(this.stats.appliedIndexes, e.index);
    if (e.type === EntryType.ENTRY_CONF_CHANGE) {
      const cc = decodeConfChange(e.data);
      n.confState = node.applyConfChange(cc);
      this.stats.confChangesApplied++;
      this.log(`${n.id} applied conf ${e.index} ${cc.type} ${cc.nodeId} → voters ${n.confState.voters.join(",")} learners ${n.confState.learners.join(",")}`);
      return;
    }
    if (e.data.length === 0) return;
    const cmd = JSON.parse(e.data.toString()) as { c: number; s: number; k: string; v: string };
    n.kv.set(cmd.k, cmd.v);
    const client = this.clients[cmd.c];
    const p = client?.pending;
    if (client !== undefined && p !== undefined && p.seq === cmd.s && p.node === n.id && p.incarnation === n.incarnation) {
      this.ops.push({ clientId: cmd.c, input: p.input, call: p.call, output: {}, ret: ++this.clock });
      this.stats.putsOk++;
      client.pending = undefined;
      client.nextAt = this.now + this.rng.int(0, 3);
    }
  }

  private readStateReady(n: SimNode, rs: ReadState): void {
    const [c, s] = rs.requestCtx.toString().split(":").map(Number);
    const p = this.clients[c ?? -1]?.pending;
    if (p !== undefined && p.seq === s && p.node === n.id && p.incarnation === n.incarnation) p.readIndex = rs.index;
  }

  private completeReads(n: SimNode): void {
    this.clients.forEach((client, c) => {
      const p = client.pending;
      if (p === undefined || p.input.op !== "get" || p.readIndex === undefined) return;
      if (p.node !== n.id || p.incarnation !== n.incarnation || n.appliedIndex < p.readIndex) return;
      this.ops.push({ clientId: c, input: p.input, call: p.call, output: { value: n.kv.get(p.input.key) }, ret: ++this.clock });
      this.stats.getsOk++;
      client.pending = undefined;
      client.nextAt = this.now + this.rng.int(0, 3);
    });
  }

  private maybeSnapshot(n: SimNode): void {
    const snapIndex = snapshotMeta(n.storage.snapshot()).index;
    if (n.appliedIndex - snapIndex < this.params.snapshotInterval) return;
    // Entries applied from a later Ready may not be persisted (nor their commit index) yet: a snapshot
    // must not run ahead of the durable commit index, or a restart would find commit < snapshot.
    if (n.appliedIndex > n.storage.lastIndex() || n.appliedIndex > n.storage.getHardState().commit) return;
    n.storage.createSnapshot(n.appliedIndex, n.confState, encodeKv(n.kv));
    const compactTo = n.appliedIndex - this.params.keepEntries;
    if (compactTo >= n.storage.firstIndex()) n.storage.compact(compactTo);
  }

  private enqueue(m: Message): void {
    if (m.type === "MSG_SNAP") this.stats.snapshotsSent++;
    if (this.rng.chance(this.params.dropRate)) {
      if (m.type === "MSG_SNAP") this.reports.push({ from: m.from, to: m.to, kind: "snap-failed" });
      return;
    }
    const copies = this.rng.chance(this.params.dupRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) this.queue.push({ at: this.now + this.rng.int(0, this.params.maxDelay), msg: m });
  }

  private connected(a: number, b: number): boolean {
    if (this.partition === undefined) return true;
    return (this.partition.get(a) ?? 0) === (this.partition.get(b) ?? 0);
  }

  private deliver(m: Message): void {
    const n = this.nodes.get(m.to);
    if (n?.node === undefined || !this.connected(m.from, m.to)) {
      if (m.type === "MSG_SNAP") this.reports.push({ from: m.from, to: m.to, kind: "snap-failed" });
      else if (this.rng.chance(0.1)) this.reports.push({ from: m.from, to: m.to, kind: "unreachable" });
      return;
    }
    if (m.type === "MSG_SNAP") this.reports.push({ from: m.from, to: m.to, kind: "snap-ok" });
    this.stats.delivered++;
    try {
      n.node.step(m);
    } catch (err) {
      if (!(err instanceof ProposalDroppedError)) throw err;
    }
    this.processReady(n);
    this.checkAll();
  }

  private deliverReports(): void {
    const reports = this.reports;
    this.reports = [];
    for (const r of reports) {
      const n = this.nodes.get(r.from);
      if (n?.node === undefined) continue;
      if (r.kind === "unreachable") n.node.reportUnreachable(r.to);
      else n.node.reportSnapshot(r.to, r.kind === "snap-ok");
      this.processReady(n);
      this.checkAll();
    }
  }

  private deliverDue(): void {
    for (let round = 0; round < 50; round++) {
      const due: InFlight[] = [];
      const later: InFlight[] = [];
      for (const f of this.queue) (f.at <= this.now ? due : later).push(f);
      if (due.length === 0) return;
      this.queue = later;
      for (const f of this.rng.shuffle(due)) this.deliver(f.msg);
      this.deliverReports();
    }
  }

  private faults(): void {
    const p = this.params;
    for (const n of this.nodes.values()) {
      if (n.node === undefined) {
        if (this.now >= n.restartAt) {
          this.log(`restart ${n.id}`);
          this.start(n);
          this.checkAll();
        }
      } else if (this.rng.chance(p.crashRate)) {
        this.crash(n, "between steps");
      } else if (n.node.raft.state === StateType.Leader && this.rng.chance(p.leaderCrashRate)) {
        this.crash(n, "leader, between steps");
      }
    }
    if (this.rng.chance(p.partitionRate)) {
      if (this.partition === undefined) {
        this.partition = new Map();
        for (const id of this.nodes.keys()) this.partition.set(id, this.rng.int(0, 1));
        this.log(`partition ${JSON.stringify([...this.partition])}`);
      } else {
        this.partition = undefined;
        this.log("heal");
      }
    }
  }

  private anyLeader(): SimNode | undefined {
    const ls = [...this.nodes.values()].filter((n) => n.node?.raft.state === StateType.Leader);
    return this.rng.pick(ls);
  }

  private admin(): void {
    const leader = this.anyLeader();
    if (leader?.node === undefined) return;
    if (this.rng.chance(this.params.confChangeRate)) {
      const cs = leader.confState;
      const fresh = [...this.nodes.keys()].filter((id) => !this.usedIds.has(id));
      const choices: { type: ConfChangeType; nodeId: number }[] = [];
      const f = this.rng.pick(fresh);
      if (f !== undefined) {
        choices.push({ type: ConfChangeType.CONF_ADD_LEARNER, nodeId: f }, { type: ConfChangeType.CONF_ADD_VOTER, nodeId: f });
      }
      const l = this.rng.pick(cs.learners);
      if (l !== undefined) {
        choices.push({ type: ConfChangeType.CONF_ADD_VOTER, nodeId: l }, { type: ConfChangeType.CONF_REMOVE_NODE, nodeId: l });
      }
      const v = this.rng.pick(cs.voters);
      if (v !== undefined && cs.voters.length > 2) choices.push({ type: ConfChangeType.CONF_REMOVE_NODE, nodeId: v });
      if (v !== undefined && cs.voters.length > 3) choices.push({ type: ConfChangeType.CONF_ADD_LEARNER, nodeId: v });
      const cc = this.rng.pick(choices);
      if (cc !== undefined) {
        try {
          leader.node.proposeConfChange({ ...cc, context: Buffer.alloc(0) });
          this.usedIds.add(cc.nodeId);
          this.log(`propose conf ${cc.type} ${cc.nodeId} at ${leader.id}`);
        } catch (err) {
          if (!(err instanceof ProposalDroppedError)) throw err;
        }
        this.processReady(leader);
        this.checkAll();
      }
    }
    if (leader.node !== undefined && this.rng.chance(this.params.transferRate)) {
      const to = this.rng.pick(leader.confState.voters);
      if (to !== undefined) {
        this.log(`transfer ${leader.id} → ${to}`);
        leader.node.transferLeadership(to);
        this.processReady(leader);
        this.checkAll();
      }
    }
  }

  private clientsStep(): void {
    this.clients.forEach((client, c) => {
      const p = client.pending;
      if (p !== undefined) {
        if (this.now < p.deadline) return;
        // Timed out: a put's outcome is unknown; a get without an answer has no effect.
        if (p.input.op === "put") this.ops.push({ clientId: c, input: p.input, call: p.call, output: undefined, ret: undefined });
        client.pending = undefined;
        client.nextAt = this.now + 1;
        return;
      }
      if (this.now < client.nextAt) return;
      const up = [...this.nodes.values()].filter((n) => n.node !== undefined);
      const target = (this.rng.chance(0.7) ? this.anyLeader() : undefined) ?? this.rng.pick(up);
      if (target?.node === undefined) return;
      const seq = ++client.seq;
      const key = this.rng.pick(KEYS) ?? "x";
      const input: KvInput = this.rng.chance(0.6) ? { op: "put", key, value: `v${c}.${seq}` } : { op: "get", key };
      const call = ++this.clock;
      try {
        if (input.op === "put") {
          target.node.propose(Buffer.from(JSON.stringify({ c, s: seq, k: input.key, v: input.value })));
        } else {
          target.node.readIndex(Buffer.from(`${c}:${seq}`));
        }
        this.log(`client ${c} ${input.op} ${input.key}${input.op === "put" ? `=${input.value}` : ""} at ${target.id}`);
        client.pending = {
          clientId: c,
          seq,
          input,
          node: target.id,
          incarnation: target.incarnation,
          call,
          deadline: this.now + OP_TIMEOUT,
        };
      } catch (err) {
        if (!(err instanceof ProposalDroppedError)) throw err;
        client.nextAt = this.now + this.rng.int(1, 5); // definitely not appended: no history entry
      }
      this.processReady(target);
      this.checkAll();
    });
  }

  /** Runs `ticks` ticks of virtual time. */
  run(ticks: number): void {
    this.checkAll();
    for (this.now = 0; this.now < ticks; this.now++) {
      const quiet = this.now > ticks * 0.8; // the last fifth runs without new faults
      if (!quiet) this.faults();
      else if (this.partition !== undefined) this.partition = undefined;
      if (quiet) for (const n of this.nodes.values()) if (n.node === undefined) this.start(n);
      for (const n of this.rng.shuffle([...this.nodes.values()])) {
        if (n.node === undefined || this.rng.chance(0.05)) continue; // clock skew: sometimes skip a tick
        n.node.tick();
        this.processReady(n);
        this.checkAll();
      }
      this.deliverDue();
      this.finishDuePersists();
      if (!quiet) this.admin();
      this.clientsStep();
    }
    for (const [c, client] of this.clients.entries()) {
      const p = client.pending;
      if (p?.input.op === "put") this.ops.push({ clientId: c, input: p.input, call: p.call, output: undefined, ret: undefined });
    }
  }

  history(): KvHistory {
    return { operations: this.ops };
  }
}

/** Runs one seed; throws SimulationFailure (with the replay command) if any invariant breaks. */
export function runSimulation(opts: SimOptions): SimResult {
  const sim = new Simulation(opts.seed, opts.trace ?? false);
  try {
    sim.run(opts.ticks ?? 300);
  } catch (err) {
    throw new SimulationFailure(opts.seed, err, sim.trace.slice(-200));
  }
  return { seed: opts.seed, params: sim.params, history: sim.history(), stats: { ...sim.stats }, trace: sim.trace };
}

