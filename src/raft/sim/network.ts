/**
 * A tiny in-memory network for scenario tests of the Raft core (the Raft-paper tests): nodes are
 * RaftNodes over MemoryStorage; `send()` delivers messages depth-first until the network is quiet,
 * processing every Ready with the persistence barrier (persist, then send, then apply, then advance).
 * Links can be cut, nodes isolated; nothing is random unless the test asks for it.
 */
import {
  type ConfChange,
  type ConfState,
  type Entry,
  EntryType,
  MemoryStorage,
  type Message,
  ProposalDroppedError,
  RaftNode,
  type ReadState,
  bootstrapEntries,
  decodeConfChange,
  snapshotMeta,
} from "../core/index.js";

/** One member of the test network. */
export interface NetNode {
  readonly id: number;
  node: RaftNode;
  readonly storage: MemoryStorage;
  /** Entries applied to the (trivial) state machine, in order. */
  readonly applied: Entry[];
  readonly readStates: ReadState[];
  confState: ConfState;
}

/** Options of a test network. */
export interface NetworkOptions {
  readonly electionTick?: number;
  readonly heartbeatTick?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly maxSizePerMsg?: number;
  readonly maxInflightMsgs?: number;
  /** Random source for election timeouts (default: a fixed sequence). */
  readonly random?: () => number;
}

/** An in-memory network of Raft nodes. */
export class Network {
  readonly nodes = new Map<number, NetNode>();
  private readonly cut = new Set<string>();
  /** Every message delivered (or dropped), for assertions. */
  readonly trace: Message[] = [];
  private readonly opts: NetworkOptions;

  constructor(opts: NetworkOptions = {}) {
    this.opts = opts;
  }

  /** A network of `ids` sharing one initial membership (voters = ids) and empty logs. */
  static of(ids: readonly number[], opts: NetworkOptions = {}): Network {
    const net = new Network(opts);
    for (const id of ids) net.add(id, new MemoryStorage({ confState: { voters: [...ids], learners: [] } }));
    return net;
  }

  /**
   * A network bootstrapped the production way: every initial member's log starts with the
   * bootstrapEntries() conf changes (committed at term 1), already applied. Joiners added later with
   * an empty MemoryStorage learn the membership by replaying the log.
   */
  static bootstrapped(ids: readonly number[], opts: NetworkOptions = {}): Network {
    const net = new Network(opts);
    for (const id of ids) {
      const s = new MemoryStorage();
      s.append(bootstrapEntries(ids));
      s.setHardState({ term: 1, vote: 0, commit: ids.length });
      net.add(id, s);
    }
    net.flush();
    return net;
  }

  /** Adds a node over the given storage (it may hold a preset log and hard state). */
  add(id: number, storage: MemoryStorage, applied?: number): NetNode {
    const node = new RaftNode({
      id,
      storage,
      electionTick: this.opts.electionTick ?? 10,
      heartbeatTick: this.opts.heartbeatTick ?? 1,
      random: this.opts.random ?? (() => (id % 10) / 10),
      preVote: this.opts.preVote ?? false,
      checkQuorum: this.opts.checkQuorum ?? false,
      maxSizePerMsg: this.opts.maxSizePerMsg ?? 1024 * 1024,
      maxInflightMsgs: this.opts.maxInflightMsgs ?? 256,
      ...(applied !== undefined ? { applied } : {}),
    });
    const n: NetNode = {
      id,
      node,
      storage,
      applied: [],
      readStates: [],
      confState: storage.initialState().confState,
    };
    this.nodes.set(id, n);
    return n;
  }

  /** The node with this id (throws if absent). */
  get(id: number): NetNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`network: no node ${id}`);
    return n;
  }

  /** Restarts a node from what it persisted (its MemoryStorage); unpersisted state is lost. */
  restart(id: number): NetNode {
    const old = this.get(id);
    const storage = old.storage;
    const applied = snapshotMeta(storage.snapshot()).index;
    const n = this.add(id, storage, applied);
    n.applied.push(...old.applied.filter((e) => e.index <= applied));
    return n;
  }

  /** Processes the node's Ready (persist → collect messages → apply → advance); returns its messages. */
  process(id: number): Message[] {
    const n = this.get(id);
    const out: Message[] = [];
    while (n.node.hasReady()) {
      const rd = n.node.ready();
      if (rd.snapshot !== undefined) n.storage.applySnapshot(rd.snapshot);
      n.storage.append(rd.entries);
      if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
      out.push(...rd.messages, ...rd.messagesAfterPersist);
      if (rd.snapshot !== undefined) n.confState = snapshotMeta(rd.snapshot).confState ?? n.confState;
      for (const e of rd.committedEntries) {
        if (e.type === EntryType.ENTRY_CONF_CHANGE) n.confState = n.node.applyConfChange(decodeConfChange(e.data));
        n.applied.push(e);
      }
      n.readStates.push(...rd.readStates);
      n.node.advance(rd);
    }
    return out;
  }

  /** Delivers messages (and everything they cause) until no message is in flight. */
  send(...msgs: Message[]): void {
    const queue = [...msgs];
    while (queue.length > 0) {
      const m = queue.shift() as Message;
      this.trace.push(m);
      if (this.cut.has(`${m.from}-${m.to}`)) continue;
      const n = this.nodes.get(m.to);
      if (n === undefined) continue;
      try {
        n.node.step(m);
      } catch (err) {
        if (!(err instanceof ProposalDroppedError)) throw err;
      }
      queue.push(...this.process(m.to));
    }
  }

  /** Flushes every node's pending output. */
  flush(): void {
    for (const id of this.nodes.keys()) this.send(...this.process(id));
  }

  /** Makes `id` campaign and runs the network until quiet. */
  campaign(id: number): void {
    this.get(id).node.campaign();
    this.send(...this.process(id));
  }

  /** Ticks a node n times, delivering what each tick causes. */
  tick(id: number, n = 1): void {
    for (let i = 0; i < n; i++) {
      this.get(id).node.tick();
      this.send(...this.process(id));
    }
  }

  /** Proposes data on `id` and delivers. Throws ProposalDroppedError if refused. */
  propose(id: number, data: string | Buffer): void {
    this.get(id).node.propose(typeof data === "string" ? Buffer.from(data) : data);
    this.send(...this.process(id));
  }

  /** Proposes a conf change on `id` and delivers. */
  proposeConfChange(id: number, cc: ConfChange): void {
    this.get(id).node.proposeConfChange(cc);
    this.send(...this.process(id));
  }

  /** Drops every message from a to b (one direction). */
  cutLink(a: number, b: number): void {
    this.cut.add(`${a}-${b}`);
  }

  /** Cuts a node off from all others in both directions. */
  isolate(id: number): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}-${other}`);
      this.cut.add(`${other}-${id}`);
    }
  }

  /** Heals every link. */
  recover(): void {
    this.cut.clear();
  }

  /** Terms of a node's whole log (firstIndex..lastIndex). */
  logTerms(id: number): number[] {
    return this.get(id).node.raft.raftLog.allEntries().map((e) => e.term);
  }

  /** Data of applied normal entries as strings (empty leader entries skipped). */
  appliedData(id: number): string[] {
    return this.get(id)
      .applied.filter((e) => e.type === EntryType.ENTRY_NORMAL && e.data.length > 0)
      .map((e) => e.data.toString());
  }
}

/** A MemoryStorage preloaded with a log of the given terms (indexes 1..n), a membership and a term. */
export function storageWithLog(voters: readonly number[], terms: readonly number[], term?: number): MemoryStorage {
  const s = new MemoryStorage({ confState: { voters: [...voters], learners: [] } });
  s.append(terms.map((t, i) => ({ term: t, index: i + 1, type: EntryType.ENTRY_NORMAL, data: Buffer.from(`t${t}i${i + 1}`) })));
  const last = terms[terms.length - 1] ?? 0;
  s.setHardState({ term: term ?? last, vote: 0, commit: 0 });
  return s;
}
