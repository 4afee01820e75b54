/**
 * The simulator's faulty in-memory network: messages are dropped, duplicated and delayed (which
 * reorders them) as the seed's parameters say, partitions cut the members into two sides, and the
 * transport's feedback (snapshot delivered or lost, peer unreachable) goes back to the senders.
 * Delivering a message steps it into its member and settles that member (world.settle).
 */
import { type Message, ProposalDroppedError } from "../core/index.js";
import type { SimWorld } from "./world.js";

interface InFlight {
  readonly at: number;
  readonly msg: Message;
}

/** Transport feedback to hand to a sender. */
interface Report {
  readonly from: number;
  readonly to: number;
  readonly kind: "snap-ok" | "snap-failed" | "unreachable";
}

/** Messages in flight between the members of one simulation. */
export class FaultyNetwork {
  private queue: InFlight[] = [];
  private reports: Report[] = [];
  /** Side (0 or 1) of each member while partitioned; members not listed are on side 0. */
  private partition: Map<number, number> | undefined;

  constructor(private readonly w: SimWorld) {}

  /** True while a partition is in place. */
  get partitioned(): boolean {
    return this.partition !== undefined;
  }

  /** Cuts the network: members talk only to those on the same side. */
  split(sides: Map<number, number>): void {
    this.partition = sides;
  }

  /** Ends the partition. */
  heal(): void {
    this.partition = undefined;
  }

  /** Sends a message: maybe dropped (a snapshot then reports a failure), maybe twice, after 0–maxDelay ticks. */
  enqueue(m: Message): void {
    const w = this.w;
    if (m.type === "MSG_SNAP") w.stats.snapshotsSent++;
    if (w.rng.chance(w.params.dropRate)) {
      if (m.type === "MSG_SNAP") this.reports.push({ from: m.from, to: m.to, kind: "snap-failed" });
      return;
    }
    const copies = w.rng.chance(w.params.dupRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) this.queue.push({ at: w.now + w.rng.int(0, w.params.maxDelay), msg: m });
  }

  /** Delivers, in random order, every message that is due, then the feedback; repeats (at most 50 rounds) while more falls due. */
  deliverDue(): void {
    for (let round = 0; round < 50; round++) {
      const due: InFlight[] = [];
      const later: InFlight[] = [];
      for (const f of this.queue) (f.at <= this.w.now ? due : later).push(f);
      if (due.length === 0) return;
      this.queue = later;
      for (const f of this.w.rng.shuffle(due)) this.deliver(f.msg);
      this.deliverReports();
    }
  }

  private connected(a: number, b: number): boolean {
    if (this.partition === undefined) return true;
    return (this.partition.get(a) ?? 0) === (this.partition.get(b) ?? 0);
  }

  private deliver(m: Message): void {
    const n = this.w.nodes.get(m.to);
    if (n?.node === undefined || !this.connected(m.from, m.to)) {
      if (m.type === "MSG_SNAP") this.reports.push({ from: m.from, to: m.to, kind: "snap-failed" });
      else if (this.w.rng.chance(0.1)) this.reports.push({ from: m.from, to: m.to, kind: "unreachable" });
      return;
    }
    if (m.type === "MSG_SNAP") this.reports.push({ from: m.from, to: m.to, kind: "snap-ok" });
    this.w.stats.delivered++;
    try {
      n.node.step(m);
    } catch (err) {
      if (!(err instanceof ProposalDroppedError)) throw err;
    }
    this.w.settle(n);
  }

  private deliverReports(): void {
    const reports = this.reports;
    this.reports = [];
    for (const r of reports) {
      const n = this.w.nodes.get(r.from);
      if (n?.node === undefined) continue;
      if (r.kind === "unreachable") n.node.reportUnreachable(r.to);
      else n.node.reportSnapshot(r.to, r.kind === "snap-ok");
      this.w.settle(n);
    }
  }
}
