/**
 * The simulator's client workload: a few clients, each with at most one operation in flight, put
 * and get keys through a member (the leader, mostly) and give up after a timeout. Puts are Raft
 * proposals, gets are ReadIndex reads served once the member applied the read index. Every call
 * and return is recorded, with a logical clock, as the KV history the linearizability check reads;
 * a put that timed out (or was still open at the end) has an unknown outcome.
 */
import { type ReadState, ProposalDroppedError } from "../core/index.js";
import type { KvHistory, KvInput, KvOperation } from "./history.js";
import type { SimNode, SimWorld } from "./world.js";

const CLIENTS = 3;
const KEYS = ["x", "y", "z"];
const OP_TIMEOUT = 60;

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

interface Client {
  seq: number;
  pending: Pending | undefined;
  nextAt: number;
}

/** The clients of one simulation and the history of their operations. */
export class ClientWorkload {
  private readonly clients: Client[] = [];
  private readonly ops: KvOperation[] = [];
  /** Logical clock of calls and returns in the history. */
  private clock = 0;

  /** Draws each client's first start time (0–20 ticks). */
  constructor(private readonly w: SimWorld) {
    for (let c = 0; c < CLIENTS; c++) this.clients.push({ seq: 0, pending: undefined, nextAt: w.rng.int(0, 20) });
  }

  /** Member `n` applied put `seq` of client `clientId`: it returns if it is the one that client waits for there. */
  putApplied(n: SimNode, clientId: number, seq: number): void {
    const client = this.clients[clientId];
    const p = client?.pending;
    if (client !== undefined && p !== undefined && p.seq === seq && p.node === n.id && p.incarnation === n.incarnation) {
      this.ops.push({ clientId, input: p.input, call: p.call, output: {}, ret: ++this.clock });
      this.w.stats.putsOk++;
      client.pending = undefined;
      client.nextAt = this.w.now + this.w.rng.int(0, 3);
    }
  }

  /** Member `n` learned a read's index (its context is "client:seq"). */
  readIndexKnown(n: SimNode, rs: ReadState): void {
    const [c, s] = rs.requestCtx.toString().split(":").map(Number);
    const p = this.clients[c ?? -1]?.pending;
    if (p !== undefined && p.seq === s && p.node === n.id && p.incarnation === n.incarnation) p.readIndex = rs.index;
  }

  /** Returns the gets waiting at member `n` whose read index it has applied. */
  completeReads(n: SimNode): void {
    this.clients.forEach((client, c) => {
      const p = client.pending;
      if (p === undefined || p.input.op !== "get" || p.readIndex === undefined) return;
      if (p.node !== n.id || p.incarnation !== n.incarnation || n.appliedIndex < p.readIndex) return;
      this.ops.push({ clientId: c, input: p.input, call: p.call, output: { value: n.kv.get(p.input.key) }, ret: ++this.clock });
      this.w.stats.getsOk++;
      client.pending = undefined;
      client.nextAt = this.w.now + this.w.rng.int(0, 3);
    });
  }

  /** One tick of the clients: time out what waited too long, start new operations when due. */
  step(): void {
    const w = this.w;
    this.clients.forEach((client, c) => {
      const p = client.pending;
      if (p !== undefined) {
        if (w.now < p.deadline) return;
        // Timed out: a put's outcome is unknown; a get without an answer has no effect.
        if (p.input.op === "put") this.ops.push({ clientId: c, input: p.input, call: p.call, output: undefined, ret: undefined });
        client.pending = undefined;
        client.nextAt = w.now + 1;
        return;
      }
      if (w.now < client.nextAt) return;
      const up = [...w.nodes.values()].filter((n) => n.node !== undefined);
      const target = (w.rng.chance(0.7) ? w.anyLeader() : undefined) ?? w.rng.pick(up);
      if (target?.node === undefined) return;
      const seq = ++client.seq;
      const key = w.rng.pick(KEYS) ?? "x";
      const input: KvInput = w.rng.chance(0.6) ? { op: "put", key, value: `v${c}.${seq}` } : { op: "get", key };
      const call = ++this.clock;
      try {
        if (input.op === "put") {
          target.node.propose(Buffer.from(JSON.stringify({ c, s: seq, k: input.key, v: input.value })));
        } else {
          target.node.readIndex(Buffer.from(`${c}:${seq}`));
        }
        w.log(`client ${c} ${input.op} ${input.key}${input.op === "put" ? `=${input.value}` : ""} at ${target.id}`);
        client.pending = {
          clientId: c,
          seq,
          input,
          node: target.id,
          incarnation: target.incarnation,
          call,
          deadline: w.now + OP_TIMEOUT,
        };
      } catch (err) {
        if (!(err instanceof ProposalDroppedError)) throw err;
        client.nextAt = w.now + w.rng.int(1, 5); // definitely not appended: no history entry
      }
      w.settle(target);
    });
  }

  /** At the end of the run: puts still open have an unknown outcome. */
  finish(): void {
    for (const [c, client] of this.clients.entries()) {
      const p = client.pending;
      if (p?.input.op === "put") this.ops.push({ clientId: c, input: p.input, call: p.call, output: undefined, ret: undefined });
    }
  }

  /** The history recorded so far. */
  history(): KvHistory {
    return { operations: this.ops };
  }
}
