/**
 * The replicated object store: reads from local memory, writes as transactions proposed through a
 * {@link Proposer} (Raft, in a manager) and applied in log order by {@link Store.applyEntry}.
 *
 * The store does not know Raft. A write is: run the caller's function against a transaction view
 * (reads see the tx's own writes), encode the recorded actions, propose them, and wait until the entry
 * is applied here; the apply outcome (success with the new version, or the refusal every replica made)
 * is the result. Optimistic concurrency: updates carry the version they read and are refused if the
 * object changed in between — callers re-read and retry.
 */
import type { StoreTransaction, StoreTransaction__Output } from "../gen/swarm/store/StoreTransaction.js";
import type { StoreSnapshot, StoreSnapshot__Output } from "../gen/swarm/store/StoreSnapshot.js";
import type { StoreAction } from "../gen/swarm/store/StoreAction.js";
import { messageCodec } from "../lib/proto-codec.js";
import { StoreError, StoreErrorCode } from "./errors.js";
import { MemoryStore, type ApplyOutcome } from "./memory.js";
import type { ObjectKind, ObjectTypes, StoreEvent } from "./types.js";
import { WatchHub, type WatchOptions, type Watcher } from "./watch.js";

const txCodec = messageCodec<StoreTransaction, StoreTransaction__Output>("store.proto", "swarm.store.StoreTransaction");
const snapCodec = messageCodec<StoreSnapshot, StoreSnapshot__Output>("store.proto", "swarm.store.StoreSnapshot");

/** Where writes go: proposes bytes and resolves with the local apply outcome of that entry. */
export interface Proposer {
  /** Resolves with what {@link Store.applyEntry} returned for the entry; rejects if it could not be committed. */
  propose(data: Uint8Array, signal?: AbortSignal): Promise<unknown>;
}

/** Read access, consistent within one synchronous callback. */
export interface ReadTx {
  get<K extends ObjectKind>(kind: K, id: string): ObjectTypes[K] | undefined;
  list<K extends ObjectKind>(kind: K): ObjectTypes[K][];
  tasksOfService(serviceId: string): ObjectTypes["task"][];
  tasksOnNode(nodeId: string): ObjectTypes["task"][];
  serviceByName(name: string): ObjectTypes["service"] | undefined;
}

/** A write transaction: reads see its own staged writes. */
export interface WriteTx extends ReadTx {
  /** Stages a create (the object's meta is filled in on apply). */
  create<K extends ObjectKind>(kind: K, object: ObjectTypes[K]): void;
  /** Stages an update; `object.meta.version` must be the version that was read. */
  update<K extends ObjectKind>(kind: K, object: ObjectTypes[K]): void;
  /** Stages a removal of the object as currently read. */
  remove(kind: ObjectKind, id: string): void;
}

/** Result of a successful write. */
export interface UpdateResult {
  /** Raft index the transaction was applied at (the new meta.version of every object it wrote). */
  readonly version: number;
  readonly events: readonly StoreEvent[];
}

/** Options for {@link Store}. */
export interface StoreOptions {
  readonly proposer: Proposer;
  /** Clock for meta timestamps (Unix ms); defaults to Date.now. */
  readonly now?: () => number;
}

/** The replicated object store of a manager. */
export class Store {
  private readonly memory = new MemoryStore();
  private readonly hub = new WatchHub();
  private readonly proposer: Proposer;
  private readonly now: () => number;
  private closed = false;

  constructor(options: StoreOptions) {
    this.proposer = options.proposer;
    this.now = options.now ?? Date.now;
  }

  // ---- state machine side (called by the Raft apply loop, in log order) ----

  /** Applies one committed entry; returns the outcome the proposer hands back to the writer. */
  applyEntry(index: number, data: Uint8Array): ApplyOutcome {
    const outcome = this.memory.apply(index, txCodec.decode(data));
    if (outcome.ok) this.hub.publish(outcome.events);
    return outcome;
  }

  /** The whole store, encoded for a Raft snapshot. */
  snapshotBytes(): Uint8Array {
    return snapCodec.encode(this.memory.snapshot());
  }

  /** Replaces the contents from a Raft snapshot taken at `index`. Watchers are closed (they must re-list). */
  restoreBytes(index: number, bytes: Uint8Array): void {
    this.memory.restore(index, snapCodec.decode(bytes));
    this.hub.failAll(new StoreError(StoreErrorCode.SlowWatcher, "store restored from a snapshot; re-list and watch again"));
  }

  /** Raft index of the last applied entry. */
  get version(): number {
    return this.memory.version;
  }

  // ---- read side ----

  /** Runs a synchronous read against a consistent view. */
  view<T>(fn: (tx: ReadTx) => T): T {
    return fn(this.memory);
  }

  /** Opens a change stream. */
  watch(options: WatchOptions = {}): Watcher {
    return this.hub.watch(options);
  }

  /** Reads a view and opens a watch atomically: no change is missed or seen twice between them. */
  viewAndWatch<T>(fn: (tx: ReadTx) => T, options: WatchOptions = {}): [T, Watcher] {
    // Apply is synchronous, so nothing can be applied between these two lines.
    const result = fn(this.memory);
    return [result, this.hub.watch(options)];
  }

  // ---- write side ----

  /** Runs `fn` against a write transaction and commits what it staged; no-op if it staged nothing. */
  async update(fn: (tx: WriteTx) => void, signal?: AbortSignal): Promise<UpdateResult> {
    if (this.closed) throw new StoreError(StoreErrorCode.Closed, "store is closed");
    const tx = new StagedTx(this.memory);
    fn(tx);
    if (tx.actions.length === 0) return { version: this.memory.version, events: [] };
    const bytes = txCodec.encode({ actions: tx.actions, timestamp: this.now() });
    const outcome = (await this.proposer.propose(bytes, signal)) as ApplyOutcome | undefined;
    if (outcome === undefined || typeof outcome !== "object" || !("ok" in outcome)) {
      throw new StoreError(StoreErrorCode.Invalid, "proposer returned no apply outcome");
    }
    if (!outcome.ok) throw outcome.error;
    return { version: outcome.version, events: outcome.events };
  }

  /**
   * Like {@link update}, but re-runs `fn` against fresh reads when a concurrent write made it stale
   * (STORE_VERSION_CONFLICT), up to `attempts` times. For writers whose change is still right after
   * re-reading (status updates, reconcilers).
   */
  async updateWithRetry(fn: (tx: WriteTx) => void, attempts = 5): Promise<UpdateResult> {
    for (let i = 1; ; i++) {
      try {
        return await this.update(fn);
      } catch (err) {
        if (i >= attempts || !(err instanceof StoreError) || err.code !== StoreErrorCode.VersionConflict) throw err;
      }
    }
  }

  /** Stops accepting writes and ends every watch. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hub.failAll(new StoreError(StoreErrorCode.Closed, "store is closed"));
  }
}

/** A write transaction over the memory store with an overlay of staged writes. */
class StagedTx implements WriteTx {
  readonly actions: StoreAction[] = [];
  private readonly staged = new Map<string, ObjectTypes[ObjectKind] | null>();

  constructor(private readonly memory: MemoryStore) {}

  get<K extends ObjectKind>(kind: K, id: string): ObjectTypes[K] | undefined {
    const key = `${kind}/${id}`;
    if (this.staged.has(key)) return (this.staged.get(key) ?? undefined) as ObjectTypes[K] | undefined;
    return this.memory.get(kind, id);
  }

  list<K extends ObjectKind>(kind: K): ObjectTypes[K][] {
    const out = new Map<string, ObjectTypes[K]>();
    for (const o of this.memory.list(kind)) out.set(o.id, o);
    for (const [key, o] of this.staged) {
      const [k, id] = key.split("/", 2) as [string, string];
      if (k !== kind) continue;
      if (o === null) out.delete(id);
      else out.set(id, o as ObjectTypes[K]);
    }
    return [...out.values()];
  }

  tasksOfService(serviceId: string): ObjectTypes["task"][] {
    return this.list("task").filter((t) => t.serviceId === serviceId);
  }

  tasksOnNode(nodeId: string): ObjectTypes["task"][] {
    return this.list("task").filter((t) => t.nodeId === nodeId);
  }

  serviceByName(name: string): ObjectTypes["service"] | undefined {
    return this.list("service").find((s) => s.spec?.annotations?.name === name);
  }

  create<K extends ObjectKind>(kind: K, object: ObjectTypes[K]): void {
    this.stage("STORE_ACTION_CREATE", kind, { ...object, meta: { version: 0, createdAt: 0, updatedAt: 0 } });
  }

  update<K extends ObjectKind>(kind: K, object: ObjectTypes[K]): void {
    this.stage("STORE_ACTION_UPDATE", kind, object);
  }

  remove(kind: ObjectKind, id: string): void {
    const current = this.get(kind, id);
    if (current === undefined) throw new StoreError(StoreErrorCode.NotFound, `${kind} ${id} not found`, { kind, id });
    this.stage("STORE_ACTION_REMOVE", kind, current);
    this.staged.set(`${kind}/${id}`, null);
  }

  private stage(action: StoreAction["kind"], kind: ObjectKind, object: ObjectTypes[ObjectKind]): void {
    this.actions.push({ kind: action, [kind]: object });
    if (action !== "STORE_ACTION_REMOVE") this.staged.set(`${kind}/${object.id}`, object);
  }
}

/**
 * A proposer that applies directly, without replication: for a store that lives in one process
 * (tests of store users, tools). Indexes count up from the store's current version.
 */
export class LocalProposer implements Proposer {
  private store: Store | undefined;

  /** Connects the proposer to the store it applies to. */
  attach(store: Store): void {
    this.store = store;
  }

  async propose(data: Uint8Array): Promise<ApplyOutcome> {
    if (this.store === undefined) throw new StoreError(StoreErrorCode.Closed, "local proposer is not attached to a store");
    return this.store.applyEntry(this.store.version + 1, data);
  }
}
