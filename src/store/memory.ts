/**
 * The in-memory tables of the store and the deterministic apply function.
 *
 * `apply(index, tx)` is the only way objects change. It runs identically on every manager, in Raft log
 * order, so everything it decides (version checks, name uniqueness, meta stamps) must depend only on the
 * store's contents, the entry index and the transaction — never on the local clock or process state.
 * A transaction is validated whole before anything is written: it applies entirely or not at all.
 */
import type { StoreTransaction__Output } from "../gen/swarm/store/StoreTransaction.js";
import type { StoreAction__Output } from "../gen/swarm/store/StoreAction.js";
import type { StoreSnapshot, StoreSnapshot__Output } from "../gen/swarm/store/StoreSnapshot.js";
import { StoreError, StoreErrorCode } from "./errors.js";
import { OBJECT_KINDS, type ObjectKind, type ObjectTypes, type StoreEvent } from "./types.js";

/** Snapshot format written by this version. */
export const SNAPSHOT_FORMAT = 1;

/** Outcome of applying one transaction. */
export type ApplyOutcome =
  | { readonly ok: true; readonly version: number; readonly events: readonly StoreEvent[] }
  | { readonly ok: false; readonly version: number; readonly error: StoreError };

type Tables = { [K in ObjectKind]: Map<string, ObjectTypes[K]> };

interface PlannedAction {
  readonly type: "create" | "update" | "remove";
  readonly kind: ObjectKind;
  readonly id: string;
  readonly object: ObjectTypes[ObjectKind];
}

/** The store's tables and indexes. Read methods return frozen objects. */
export class MemoryStore {
  private tables: Tables = emptyTables();
  private tasksByService = new Map<string, Set<string>>();
  private tasksByNode = new Map<string, Set<string>>();
  private serviceIdByName = new Map<string, string>();
  private appliedVersion = 0;

  /** The Raft index of the last applied transaction (0 when empty). */
  get version(): number {
    return this.appliedVersion;
  }

  /** One object by id. */
  get<K extends ObjectKind>(kind: K, id: string): ObjectTypes[K] | undefined {
    return this.tables[kind].get(id);
  }

  /** Every object of a kind, in insertion order. */
  list<K extends ObjectKind>(kind: K): ObjectTypes[K][] {
    return [...this.tables[kind].values()];
  }

  /** Number of objects of a kind. */
  count(kind: ObjectKind): number {
    return this.tables[kind].size;
  }

  /** Tasks of a service (index lookup). */
  tasksOfService(serviceId: string): ObjectTypes["task"][] {
    return this.lookup(this.tasksByService.get(serviceId));
  }

  /** Tasks assigned to a node (index lookup). */
  tasksOnNode(nodeId: string): ObjectTypes["task"][] {
    return this.lookup(this.tasksByNode.get(nodeId));
  }

  /** The service with a name, if any. */
  serviceByName(name: string): ObjectTypes["service"] | undefined {
    const id = this.serviceIdByName.get(name);
    return id === undefined ? undefined : this.tables.service.get(id);
  }

  /**
   * Applies a transaction at Raft index `index`. Refusals are outcomes, not exceptions: the same
   * refusal happens on every replica and the proposer reports it to its caller.
   */
  apply(index: number, tx: StoreTransaction__Output): ApplyOutcome {
    if (index <= this.appliedVersion) {
      return { ok: false, version: this.appliedVersion, error: new StoreError(StoreErrorCode.Invalid, `entry ${index} is not after the applied index ${this.appliedVersion}`) };
    }
    let plan: PlannedAction[];
    try {
      plan = this.plan(tx.actions);
    } catch (err) {
      this.appliedVersion = index;
      if (err instanceof StoreError) return { ok: false, version: index, error: err };
      throw err;
    }
    this.appliedVersion = index;
    const events: StoreEvent[] = [];
    for (const step of plan) events.push(this.write(step, index, tx.timestamp));
    return { ok: true, version: index, events };
  }

  /** The whole store as a snapshot message. */
  snapshot(): StoreSnapshot {
    return {
      format: SNAPSHOT_FORMAT,
      clusters: this.list("cluster"),
      nodes: this.list("node"),
      services: this.list("service"),
      tasks: this.list("task"),
    };
  }

  /** Replaces the contents with a snapshot taken at Raft index `index`. */
  restore(index: number, snap: StoreSnapshot__Output): void {
    if (snap.format !== SNAPSHOT_FORMAT) {
      throw new StoreError(StoreErrorCode.Invalid, `store snapshot: format ${snap.format} is not ${SNAPSHOT_FORMAT}`);
    }
    this.tables = emptyTables();
    this.tasksByService.clear();
    this.tasksByNode.clear();
    this.serviceIdByName.clear();
    const all: [ObjectKind, ObjectTypes[ObjectKind][]][] = [
      ["cluster", snap.clusters],
      ["node", snap.nodes],
      ["service", snap.services],
      ["task", snap.tasks],
    ];
    for (const [kind, objects] of all) for (const object of objects) this.insert(kind, deepFreeze(object));
    this.appliedVersion = index;
  }

  private plan(actions: readonly StoreAction__Output[]): PlannedAction[] {
    // Track ids and names touched earlier in the same transaction so later actions see them.
    const staged = new Map<string, ObjectTypes[ObjectKind] | null>();
    const stagedNames = new Map<string, string | null>();
    const current = (kind: ObjectKind, id: string): ObjectTypes[ObjectKind] | undefined => {
      const key = `${kind}/${id}`;
      if (staged.has(key)) return staged.get(key) ?? undefined;
      return this.tables[kind].get(id);
    };
    const plan: PlannedAction[] = [];
    actions.forEach((action, i) => {
      const kind = action.target;
      const object = kind === undefined ? undefined : action[kind];
      if (kind === undefined || object == null) {
        throw new StoreError(StoreErrorCode.Invalid, `transaction action ${i}: no object`);
      }
      const id = object.id;
      if (id === "") throw new StoreError(StoreErrorCode.Invalid, `transaction action ${i}: ${kind} without an id`);
      const existing = current(kind, id);
      const expected = object.meta?.version ?? 0;
      switch (action.kind) {
        case "STORE_ACTION_CREATE":
          if (existing !== undefined) throw new StoreError(StoreErrorCode.AlreadyExists, `${kind} ${id} already exists`, { kind, id });
          break;
        case "STORE_ACTION_UPDATE":
        case "STORE_ACTION_REMOVE": {
          if (existing === undefined) throw new StoreError(StoreErrorCode.NotFound, `${kind} ${id} not found`, { kind, id });
          const have = existing.meta?.version ?? 0;
          if (have !== expected) {
            throw new StoreError(StoreErrorCode.VersionConflict, `${kind} ${id}: update out of sequence (read version ${expected}, current ${have})`, { kind, id, expected, have });
          }
          break;
        }
        default:
          throw new StoreError(StoreErrorCode.Invalid, `transaction action ${i}: unknown kind ${String(action.kind)}`);
      }
      const type = action.kind === "STORE_ACTION_CREATE" ? "create" : action.kind === "STORE_ACTION_UPDATE" ? "update" : "remove";
      if (kind === "service") this.checkServiceName(type, object as ObjectTypes["service"], existing as ObjectTypes["service"] | undefined, stagedNames);
      staged.set(`${kind}/${id}`, type === "remove" ? null : object);
      plan.push({ type, kind, id, object: type === "remove" ? (existing as ObjectTypes[ObjectKind]) : object });
    });
    return plan;
  }

  private checkServiceName(
    type: "create" | "update" | "remove",
    service: ObjectTypes["service"],
    existing: ObjectTypes["service"] | undefined,
    stagedNames: Map<string, string | null>,
  ): void {
    const oldName = existing?.spec?.annotations?.name;
    if (type === "remove") {
      if (oldName !== undefined) stagedNames.set(oldName, null);
      return;
    }
    const name = service.spec?.annotations?.name ?? "";
    if (name === "") throw new StoreError(StoreErrorCode.Invalid, `service ${service.id}: spec.annotations.name is empty`);
    const holder = stagedNames.has(name) ? stagedNames.get(name) : this.serviceIdByName.get(name);
    if (holder != null && holder !== service.id) {
      throw new StoreError(StoreErrorCode.NameConflict, `service name "${name}" is already in use by service ${holder}`, { name, holder });
    }
    if (oldName !== undefined && oldName !== name) stagedNames.set(oldName, null);
    stagedNames.set(name, service.id);
  }

  private write(step: PlannedAction, index: number, timestamp: number): StoreEvent {
    const { kind, id } = step;
    const previous = this.tables[kind].get(id);
    if (step.type === "remove") {
      this.unindex(kind, previous as ObjectTypes[ObjectKind]);
      this.tables[kind].delete(id);
      return { type: "remove", kind, object: previous, version: index } as StoreEvent;
    }
    const createdAt = previous?.meta?.createdAt ?? timestamp;
    const object = deepFreeze({ ...step.object, meta: { version: index, createdAt, updatedAt: timestamp } });
    if (previous !== undefined) this.unindex(kind, previous);
    this.insert(kind, object);
    return (previous === undefined
      ? { type: "create", kind, object, version: index }
      : { type: "update", kind, object, previous, version: index }) as StoreEvent;
  }

  private insert(kind: ObjectKind, object: ObjectTypes[ObjectKind]): void {
    (this.tables[kind] as Map<string, ObjectTypes[ObjectKind]>).set(object.id, object);
    if (kind === "task") {
      const task = object as ObjectTypes["task"];
      addToIndex(this.tasksByService, task.serviceId, task.id);
      if (task.nodeId !== "") addToIndex(this.tasksByNode, task.nodeId, task.id);
    } else if (kind === "service") {
      const service = object as ObjectTypes["service"];
      this.serviceIdByName.set(service.spec?.annotations?.name ?? "", service.id);
    }
  }

  private unindex(kind: ObjectKind, object: ObjectTypes[ObjectKind]): void {
    if (kind === "task") {
      const task = object as ObjectTypes["task"];
      removeFromIndex(this.tasksByService, task.serviceId, task.id);
      removeFromIndex(this.tasksByNode, task.nodeId, task.id);
    } else if (kind === "service") {
      const service = object as ObjectTypes["service"];
      const name = service.spec?.annotations?.name ?? "";
      if (this.serviceIdByName.get(name) === service.id) this.serviceIdByName.delete(name);
    }
  }

  private lookup(ids: Set<string> | undefined): ObjectTypes["task"][] {
    if (ids === undefined) return [];
    const out: ObjectTypes["task"][] = [];
    for (const id of ids) {
      const task = this.tables.task.get(id);
      if (task !== undefined) out.push(task);
    }
    return out;
  }
}

function emptyTables(): Tables {
  return Object.fromEntries(OBJECT_KINDS.map((k) => [k, new Map()])) as unknown as Tables;
}

function addToIndex(index: Map<string, Set<string>>, key: string, id: string): void {
  let set = index.get(key);
  if (set === undefined) index.set(key, (set = new Set()));
  set.add(id);
}

function removeFromIndex(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}

/** Freezes an object graph so stored objects cannot be changed behind the store's back. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
