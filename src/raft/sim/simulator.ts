/**
 * The seeded Raft simulator: N RaftNodes on a virtual clock and a faulty in-memory network
 * (drop, delay, reorder, duplicate, partitions), crash-restart that keeps only what was persisted
 * (crashes may strike before or after the persistence step of a Ready), client puts/gets recorded as
 * a KV history, membership changes, leadership transfers and snapshots with log compaction.
 * Every step (tick or delivery) is followed by the safety checks of invariants.ts.
 *
 * Everything random comes from one Prng(seed): a seed replays exactly.
 *
 * This file builds one cluster and steps its virtual time; the parts: world.ts (what they share),
 * member.ts (starting, crashing and the Ready pipeline of a member), faulty-network.ts (messages),
 * faults.ts (crashes, partitions, membership changes, transfers), workload.ts (clients, history).
 */
import { MemoryStorage, StateType, bootstrapEntries, emptyConfState } from "../core/index.js";
import type { KvHistory } from "./history.js";
import { SafetyChecker } from "./invariants.js";
import { Prng } from "../../lib/prng.js";
import { type SimOptions, type SimParams, type SimResult, SimulationFailure, drawParams } from "./params.js";
import { FaultyNetwork } from "./faulty-network.js";
import { AdminActions, injectFaults } from "./faults.js";
import { ReadyPipeline, startMember } from "./member.js";
import { ClientWorkload } from "./workload.js";
import type { SimNode, SimStats, SimWorld } from "./world.js";

export { SimulationFailure, type SimResult, type SimOptions, type SimParams };

/** One simulated cluster: builds the parts and steps virtual time. Use runSimulation(). */
class Simulation implements SimWorld {
  readonly rng: Prng;
  readonly params: SimParams;
  readonly checker = new SafetyChecker();
  readonly nodes = new Map<number, SimNode>();
  now = 0;
  readonly trace: string[] = [];
  readonly tracing: boolean;
  readonly stats: SimStats = {
    appliedIndexes: 0,
    maxTerm: 0,
    crashes: 0,
    snapshotsSent: 0,
    confChangesApplied: 0,
    putsOk: 0,
    getsOk: 0,
    delivered: 0,
  };
  private readonly net: FaultyNetwork;
  private readonly clients: ClientWorkload;
  private readonly admin: AdminActions;
  private readonly readies: ReadyPipeline;

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
      startMember(this, n);
    }
    this.net = new FaultyNetwork(this);
    this.clients = new ClientWorkload(this);
    this.admin = new AdminActions(this, voters);
    this.readies = new ReadyPipeline(this, (m) => this.net.enqueue(m), this.clients);
  }

  log(s: string): void {
    if (this.tracing) this.trace.push(`t=${this.now} ${s}`);
  }

  checkAll(): void {
    for (const n of this.nodes.values()) {
      if (n.node === undefined) continue;
      this.checker.checkNode(n.id, n.node.raft);
      this.stats.maxTerm = Math.max(this.stats.maxTerm, n.node.raft.term);
    }
  }

  settle(n: SimNode): void {
    this.readies.process(n);
    this.checkAll();
  }

  anyLeader(): SimNode | undefined {
    const ls = [...this.nodes.values()].filter((n) => n.node?.raft.state === StateType.Leader);
    return this.rng.pick(ls);
  }

  /** Runs `ticks` ticks of virtual time. */
  run(ticks: number): void {
    this.checkAll();
    for (this.now = 0; this.now < ticks; this.now++) {
      const quiet = this.now > ticks * 0.8; // the last fifth runs without new faults
      if (!quiet) injectFaults(this, this.net);
      else if (this.net.partitioned) this.net.heal();
      if (quiet) for (const n of this.nodes.values()) if (n.node === undefined) startMember(this, n);
      for (const n of this.rng.shuffle([...this.nodes.values()])) {
        if (n.node === undefined || this.rng.chance(0.05)) continue; // clock skew: sometimes skip a tick
        n.node.tick();
        this.settle(n);
      }
      this.net.deliverDue();
      this.readies.finishDue();
      if (!quiet) this.admin.step();
      this.clients.step();
    }
    this.clients.finish();
  }

  history(): KvHistory {
    return this.clients.history();
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

