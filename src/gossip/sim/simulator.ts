/**
 * Deterministic network simulator for the gossip core: a virtual clock, seeded UDP loss and delay,
 * partitions, killed nodes and nodes whose event loop stalls. It runs the very same GossipCore the
 * real shell runs, and it encodes and decodes every packet with the real codec (so byte counts are
 * real and malformed-output bugs surface). Same seed → same run.
 */
import { decodePacket, encodePacket } from "../codec.js";
import { GossipCore } from "../core.js";
import { PacketSealer, ReplayGuard } from "../envelope.js";
import type { GossipTuning, Profile } from "../config.js";
import { Prng } from "../../lib/prng.js";
import { TimerHeap } from "../timer-heap.js";
import type { CoreOutput, GossipEvent, TcpPingOutcome } from "../types.js";
import type { NodeMeta } from "../../gen/swarm/gossip/NodeMeta.js";
import type { Packet, Packet__Output } from "../../gen/swarm/gossip/Packet.js";

/** Simulator settings. */
export interface SimOptions {
  readonly seed: number;
  /** Probability that a datagram is lost (TCP is never lost, only delayed). */
  readonly loss?: number;
  /** One-way delay bounds (uniform), ms. */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly profile?: Profile;
  readonly tuning?: Partial<GossipTuning>;
  /** Called for every event any node emits. */
  readonly onEvent?: (node: string, event: GossipEvent, now: number) => void;
  /** Called for every datagram put on the wire (what an eavesdropper captures). */
  readonly onDatagram?: (from: string, to: string, bytes: Uint8Array, now: number) => void;
}

type SimAction =
  | { readonly kind: "wake"; readonly node: string; readonly gen: number }
  | { readonly kind: "udp"; readonly to: string; readonly from: string; readonly bytes: Uint8Array }
  | { readonly kind: "push-pull-request"; readonly to: string; readonly from: string; readonly id: number; readonly bytes: Uint8Array; readonly replyLatency: number; readonly deadline: number }
  | { readonly kind: "push-pull-response"; readonly to: string; readonly id: number; readonly bytes: Uint8Array | undefined }
  | { readonly kind: "tcp-ping-request"; readonly to: string; readonly from: string; readonly id: number; readonly bytes: Uint8Array; readonly replyLatency: number; readonly deadline: number }
  | { readonly kind: "tcp-ping-result"; readonly to: string; readonly id: number; readonly outcome: TcpPingOutcome };

/** One simulated member. */
export interface SimNode {
  readonly name: string;
  readonly addr: string;
  readonly core: GossipCore;
  /** False after kill(): the process is gone, inputs vanish. */
  running: boolean;
  /** The event loop is blocked until this time; inputs queue up meanwhile. */
  stalledUntil: number;
  readonly backlog: SimAction[];
  wakeGen: number;
  wakeAt: number | undefined;
  /** Extra loss on every datagram to or from this node (a sick NIC, an overloaded host). */
  extraLoss: number;
  bytesSent: number;
  /** Of bytesSent, the part sent over (simulated) TCP: push-pull and fallback probes. */
  tcpBytesSent: number;
  packetsSent: number;
  group: number;
  /** Stamps the envelope (sender, epoch, seq) on what this member sends, as the real shell does. */
  readonly sealer: PacketSealer;
  /** Drops replayed packets, as the real shell does. */
  readonly replayGuard: ReplayGuard;
  /** Packets (UDP or TCP) this member dropped as replays. */
  replaysDropped: number;
}

/** The simulated cluster. */
export class Simulator {
  /** Virtual time, ms. */
  now = 0;
  /** Datagrams dropped by loss or partition. */
  dropped = 0;
  private readonly queue = new TimerHeap<SimAction>();
  private readonly nodes = new Map<string, SimNode>();
  private readonly byAddr = new Map<string, SimNode>();
  private readonly random: () => number;
  private readonly options: SimOptions;
  private nodeCount = 0;

  /** A simulator seeded by `options.seed`. */
  constructor(options: SimOptions) {
    this.options = options;
    this.random = new Prng(options.seed).fn();
  }

  /** Adds and starts a member; `join` lists members (names) to push-pull with. */
  addNode(name: string, options: { meta?: NodeMeta; join?: readonly string[]; tuning?: Partial<GossipTuning> } = {}): SimNode {
    const index = this.nodeCount++;
    const addr = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}:7946`;
    const core = new GossipCore(
      { name, addr, meta: options.meta, profile: this.options.profile ?? "lan", tuning: { ...this.options.tuning, ...options.tuning } },
      new Prng(this.options.seed * 7919 + index + 1).fn(),
    );
    const node: SimNode = {
      name, addr, core, running: true, stalledUntil: 0, backlog: [], wakeGen: 0, wakeAt: undefined, extraLoss: 0, bytesSent: 0, tcpBytesSent: 0, packetsSent: 0, group: 0,
      sealer: new PacketSealer(name, this.now + 1), replayGuard: new ReplayGuard(), replaysDropped: 0,
    };
    this.nodes.set(name, node);
    this.byAddr.set(addr, node);
    core.start(this.now);
    const seeds = (options.join ?? []).map((n) => this.node(n).addr);
    if (seeds.length > 0) core.join(this.now, seeds);
    this.afterInput(node);
    return node;
  }

  /** Builds an already-converged cluster of `n` members named n0..n{n-1} (no join traffic). */
  addConvergedCluster(n: number, prefix = "n"): SimNode[] {
    const created: SimNode[] = [];
    for (let i = 0; i < n; i++) created.push(this.addNode(`${prefix}${i}`));
    const known = created.map((c) => ({ name: c.name, addr: c.addr, incarnation: 1 }));
    for (const c of created) {
      c.core.bootstrap(this.now, known);
      this.afterInput(c);
    }
    return created;
  }

  /** The member named `name` (throws when unknown). */
  node(name: string): SimNode {
    const n = this.nodes.get(name);
    if (n === undefined) throw new Error(`simulator: no node ${name}`);
    return n;
  }

  /** All members, in creation order. */
  allNodes(): SimNode[] {
    return [...this.nodes.values()];
  }

  /** SIGKILL: the node stops at once, without a word. */
  kill(name: string): void {
    this.node(name).running = false;
  }

  /** Starts a fresh process under an existing (killed) name at a new address, joining via `join`. */
  restart(name: string, join: readonly string[]): SimNode {
    const old = this.node(name);
    old.running = false;
    this.nodes.delete(name);
    return this.addNode(name, { join });
  }

  /** Blocks the node's event loop for `ms` (a GC pause, a swapped process, SIGSTOP). */
  stall(name: string, ms: number): void {
    const n = this.node(name);
    n.stalledUntil = this.now + ms;
    this.queue.schedule(n.stalledUntil, { kind: "wake", node: name, gen: -1 });
  }

  /** Ends a stall early (the node reads its backlog and fires overdue timers now). */
  resume(name: string): void {
    const n = this.node(name);
    n.stalledUntil = this.now;
    this.queue.schedule(this.now, { kind: "wake", node: name, gen: -1 });
  }

  /** Makes one member's datagrams (both ways) lossy with probability `loss`. */
  degrade(name: string, loss: number): void {
    this.node(name).extraLoss = loss;
  }

  /** Splits the members into groups that cannot reach each other (others stay in group 0). */
  partition(...groups: readonly (readonly string[])[]): void {
    groups.forEach((names, i) => names.forEach((name) => (this.node(name).group = i + 1)));
  }

  /** Puts captured datagram bytes on the wire again, as from `fromAddr` to member `to`, after `delayMs`. */
  injectDatagram(to: string, fromAddr: string, bytes: Uint8Array, delayMs = 0): void {
    this.queue.schedule(this.now + delayMs, { kind: "udp", to, from: fromAddr, bytes });
  }

  /** Heals every partition. */
  heal(): void {
    for (const n of this.nodes.values()) n.group = 0;
  }

  /** Runs the simulation for `ms` of virtual time. */
  runFor(ms: number): void {
    this.runUntil(() => false, ms);
  }

  /** Runs until `done()` holds (checked after every step) or `maxMs` elapse; returns whether it held. */
  runUntil(done: () => boolean, maxMs: number): boolean {
    const end = this.now + maxMs;
    for (;;) {
      if (done()) return true;
      const entry = this.queue.popDue(end);
      if (entry === undefined) {
        this.now = end;
        return done();
      }
      this.now = Math.max(this.now, entry.due);
      this.step(entry.payload);
    }
  }

  private step(action: SimAction): void {
    const node = this.nodes.get(action.kind === "wake" ? action.node : action.to);
    if (node === undefined || !node.running) return;
    if (node.stalledUntil > this.now) {
      if (action.kind !== "wake") node.backlog.push(action);
      return;
    }
    if (node.backlog.length > 0) {
      // Recovering from a stall: everything that queued up is read first, then overdue timers fire.
      const backlog = node.backlog.splice(0);
      for (const queued of backlog) this.deliver(node, queued);
    }
    this.deliver(node, action);
    this.afterInput(node);
  }

  private deliver(node: SimNode, action: SimAction): void {
    const core = node.core;
    switch (action.kind) {
      case "wake":
        if (action.gen === node.wakeGen || action.gen === -1) {
          node.wakeAt = undefined;
          core.tick(this.now);
        }
        return;
      case "udp": {
        const packet = this.open(node, action.bytes);
        if (packet !== undefined) core.handlePacket(this.now, action.from, packet);
        return;
      }
      case "push-pull-request": {
        const reply = this.open(node, action.bytes);
        const response = reply === undefined ? undefined : core.handlePushPullRequest(this.now, reply);
        const bytes = response === undefined ? undefined : this.seal(node, response);
        if (bytes !== undefined) {
          this.countSent(node, bytes.length);
          node.tcpBytesSent += bytes.length;
        }
        const late = this.now + action.replyLatency > action.deadline;
        this.queue.schedule(late ? action.deadline : this.now + action.replyLatency,
          { kind: "push-pull-response", to: this.byAddr.get(action.from)?.name ?? "", id: action.id, bytes: late ? undefined : bytes });
        return;
      }
      case "push-pull-response":
        core.handlePushPullResponse(this.now, action.id, action.bytes === undefined ? undefined : this.open(node, action.bytes));
        return;
      case "tcp-ping-request": {
        const ping = this.open(node, action.bytes);
        const ack = ping === undefined ? undefined : core.handleTcpPing(this.now, ping);
        const late = this.now + action.replyLatency > action.deadline;
        this.queue.schedule(late ? action.deadline : this.now + action.replyLatency,
          { kind: "tcp-ping-result", to: this.byAddr.get(action.from)?.name ?? "", id: action.id, outcome: ack !== undefined && !late ? "acked" : "failed" });
        return;
      }
      case "tcp-ping-result":
        core.handleTcpPingResult(this.now, action.id, action.outcome);
        return;
    }
  }

  private afterInput(node: SimNode): void {
    for (const out of node.core.drain()) this.route(node, out);
    const due = node.core.nextDeadline();
    if (due !== undefined && due !== node.wakeAt) {
      node.wakeAt = due;
      node.wakeGen++;
      this.queue.schedule(Math.max(due, this.now), { kind: "wake", node: node.name, gen: node.wakeGen });
    }
  }

  private route(node: SimNode, out: CoreOutput): void {
    switch (out.type) {
      case "event":
        this.options.onEvent?.(node.name, out.event, this.now);
        return;
      case "udp": {
        const bytes = this.seal(node, out.packet);
        this.countSent(node, bytes.length);
        const target = this.byAddr.get(out.to);
        this.options.onDatagram?.(node.addr, out.to, bytes, this.now);
        if (target === undefined || !this.reachable(node, target) || this.random() < this.pairLoss(node, target)) {
          this.dropped++;
          return;
        }
        this.queue.schedule(this.now + this.delay(), { kind: "udp", to: target.name, from: node.addr, bytes });
        return;
      }
      case "push-pull":
      case "tcp-ping": {
        const bytes = this.seal(node, out.type === "push-pull" ? out.request : out.packet);
        this.countSent(node, bytes.length);
        node.tcpBytesSent += bytes.length;
        const target = this.byAddr.get(out.to);
        if (target === undefined || !target.running || !this.reachable(node, target)) {
          // Connect timeout: the caller hears of the failure at its deadline.
          this.queue.schedule(out.deadline, out.type === "push-pull"
            ? { kind: "push-pull-response", to: node.name, id: out.id, bytes: undefined }
            : { kind: "tcp-ping-result", to: node.name, id: out.id, outcome: "failed" });
          return;
        }
        // TCP is never lost, but a lost segment costs a retransmission timeout: 1 s for the SYN or
        // SYN-ACK, 200 ms for data. A reply that would arrive after the deadline is a failure.
        const loss = this.pairLoss(node, target);
        const requestLatency = 3 * this.delay() + this.retransmitPenalty(1000, loss) + this.retransmitPenalty(1000, loss) + this.retransmitPenalty(200, loss);
        const replyLatency = this.delay() + this.retransmitPenalty(200, loss);
        if (this.now + requestLatency > out.deadline) {
          this.queue.schedule(out.deadline, out.type === "push-pull"
            ? { kind: "push-pull-response", to: node.name, id: out.id, bytes: undefined }
            : { kind: "tcp-ping-result", to: node.name, id: out.id, outcome: "failed" });
          return;
        }
        const kind = out.type === "push-pull" ? "push-pull-request" : "tcp-ping-request";
        this.queue.schedule(this.now + requestLatency, { kind, to: target.name, from: node.addr, id: out.id, bytes, replyLatency, deadline: out.deadline });
        return;
      }
    }
  }

  private reachable(a: SimNode, b: SimNode): boolean {
    return a.group === b.group;
  }

  private seal(node: SimNode, packet: Packet): Uint8Array {
    return encodePacket(node.sealer.stamp(packet));
  }

  /** Decodes and runs the replay check, like the real shell (there is no encryption here). */
  private open(node: SimNode, bytes: Uint8Array): Packet__Output | undefined {
    const d = decodePacket(bytes);
    if (!d.ok) return undefined;
    if (node.replayGuard.check(d.packet) !== "accepted") {
      node.replaysDropped++;
      return undefined;
    }
    return d.packet;
  }

  private countSent(node: SimNode, bytes: number): void {
    node.bytesSent += bytes;
    node.packetsSent++;
  }

  /** Loss between two members: the network's plus each end's own. */
  private pairLoss(a: SimNode, b: SimNode): number {
    return 1 - (1 - (this.options.loss ?? 0)) * (1 - a.extraLoss) * (1 - b.extraLoss);
  }

  /** Time lost to retransmissions of one TCP segment (exponential backoff from `rtoMs`). */
  private retransmitPenalty(rtoMs: number, loss: number): number {
    let penalty = 0;
    for (let rto = rtoMs; this.random() < loss && penalty < 60_000; rto *= 2) penalty += rto;
    return penalty;
  }

  private delay(): number {
    const min = this.options.minDelayMs ?? 1;
    const max = this.options.maxDelayMs ?? 5;
    return min + this.random() * (max - min);
  }
}
