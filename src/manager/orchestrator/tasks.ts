/**
 * Pure helpers shared by the orchestrators: building a service's new task, classifying tasks and
 * nodes, the restart supervisor (its decision for a task that stopped while it should run, and applying
 * it), the steps both orchestrators take (newest wins per place, orphaning, removal) and a pass's writes.
 */
import { isTerminalTaskState, taskStateOrder } from "../../spec/task-state.js";
import { SERVICE_DEFAULTS } from "../../spec/defaults.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Service__Output } from "../../gen/swarm/api/Service.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import { isTaskDirty } from "../../spec/task-dirty.js";
import { makeTask } from "../../store/objects.js";
import type { WriteTx } from "../../store/store.js";

/** Task label holding the times (Unix ms, comma-separated) of the restarts that led to this task. */
export const RESTART_HISTORY_LABEL = "swarm.restart.history";

/**
 * Task label on a task the rebalancer created to move a replica: the hostname of the node it moved
 * from. `service ps` shows it as "rebalanced from <host>".
 */
export const REBALANCE_FROM_LABEL = "swarm.rebalance.from";

/** Where a new task goes: a replica slot, or a node (global services). */
export type TaskPlace = { readonly kind: "slot"; readonly slot: number } | { readonly kind: "node"; readonly nodeId: string };

/** The spec version tasks of the service are created with. */
export function serviceSpecVersion(service: Service__Output): number {
  return service.specVersion !== 0 ? service.specVersion : (service.meta?.version ?? 0);
}

/** The service's name, or its id when it has none. */
export function serviceName(service: Service__Output): string {
  return service.spec?.annotations?.name ?? service.id;
}

/** True for a global-mode service. */
export function isGlobal(service: Service__Output): boolean {
  return service.spec?.global != null;
}

/** A new PENDING task of the service (desired RUNNING) with a copy of its task spec and endpoint. */
export function newTask(service: Service__Output, place: TaskPlace, id: string, now: number, restartHistory: readonly number[] = []): Task__Output {
  const name = serviceName(service);
  const labels: Record<string, string> = restartHistory.length > 0 ? { [RESTART_HISTORY_LABEL]: restartHistory.join(",") } : {};
  return makeTask({
    id,
    meta: { version: 0, createdAt: now, updatedAt: now },
    serviceId: service.id,
    slot: place.kind === "slot" ? place.slot : 0,
    nodeId: place.kind === "node" ? place.nodeId : "",
    specVersion: serviceSpecVersion(service),
    spec: service.spec?.task ?? {},
    annotations: { name: `${name}.${place.kind === "slot" ? place.slot : place.nodeId}.${id}`, labels },
    serviceAnnotations: service.spec?.annotations ?? { name },
    endpoint: service.endpoint ?? {},
    status: { state: "PENDING", timestamp: now, message: "pending task scheduling" },
    desiredState: "RUNNING",
  });
}

/** The restart times recorded on a task. */
export function restartHistory(task: Task__Output): number[] {
  const text = task.annotations?.labels[RESTART_HISTORY_LABEL] ?? "";
  return text === "" ? [] : text.split(",").map(Number).filter((n) => Number.isFinite(n));
}

/** The task's observed state (NEW if it has no status). */
export function observed(task: Task__Output): Task__Output["desiredState"] {
  return task.status?.state ?? "NEW";
}

/** True when the task is wanted running (desired state RUNNING or earlier). */
export function wantedRunning(task: Task__Output): boolean {
  return taskStateOrder(task.desiredState) <= taskStateOrder("RUNNING");
}

/** True when the task's process is gone (observed state past RUNNING). */
export function isDead(task: Task__Output): boolean {
  return isTerminalTaskState(observed(task));
}

/** True when the node is down or gone: its tasks are replaced elsewhere. */
export function nodeLost(node: Node__Output | undefined): boolean {
  return node === undefined || node.status?.state === "DOWN";
}

/** True when the node is being drained: its tasks move off. */
export function nodeDraining(node: Node__Output | undefined): boolean {
  return node?.spec?.availability === "DRAIN";
}

/** A task's age key: creation time, then id (deterministic order). */
export function byCreation(a: Task__Output, b: Task__Output): number {
  return (a.meta?.createdAt ?? 0) - (b.meta?.createdAt ?? 0) || (a.meta?.version ?? 0) - (b.meta?.version ?? 0) || a.id.localeCompare(b.id);
}

/** The tasks grouped by `key`, each group in the tasks' order. */
export function groupTasks<K>(tasks: Iterable<Task__Output>, key: (task: Task__Output) => K): Map<K, Task__Output[]> {
  const groups = new Map<K, Task__Output[]>();
  for (const t of tasks) {
    const k = key(t);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [t]);
    else list.push(t);
  }
  return groups;
}

/**
 * One place's live tasks (a slot's, or a node's for a global service; not empty): the newest wins,
 * the older ones are surplus (a race left two) — none when the group mixes tasks of the old and the
 * current spec: that place is the updater's (a start-first update, or a paused one); none either while
 * the newest is a start-first rebalancing move that does not run yet (the rebalancer's).
 */
export function newestWins(service: Service__Output, group: readonly Task__Output[]): { readonly newest: Task__Output; readonly surplus: Task__Output[] } {
  const sorted = [...group].sort(byCreation);
  const newest = sorted[sorted.length - 1]!;
  const dirty = sorted.map((t) => isTaskDirty(service, t));
  // A start-first rebalancing move keeps the task it replaces until the new one runs.
  const moving = newest.annotations?.labels[REBALANCE_FROM_LABEL] !== undefined && observed(newest) !== "RUNNING" && !isDead(newest);
  return { newest, surplus: moving || (dirty.includes(true) && dirty.includes(false)) ? [] : sorted.slice(0, -1) };
}

/** The restart supervisor's verdict on a dead task that is still desired RUNNING. */
export type RestartDecision =
  | { readonly kind: "restart"; readonly history: number[] }
  | { readonly kind: "wait"; readonly until: number }
  | { readonly kind: "give-up"; readonly message: string };

/**
 * Decides what to do with a task whose observed state is terminal while its desired state is RUNNING,
 * from its restart policy (condition, delay, max attempts, window), the restart history recorded on
 * the task and the time it stopped (meta.updatedAt: the store's clock when the terminal status was
 * written). Pure.
 */
export function restartDecision(task: Task__Output, now: number): RestartDecision {
  const policy = task.spec?.restart;
  const d = SERVICE_DEFAULTS.restart;
  const condition = policy?.condition ?? d.condition;
  const delayMs = policy?.delayMs ?? d.delayMs;
  const maxAttempts = policy?.maxAttempts ?? d.maxAttempts;
  const windowMs = policy?.windowMs ?? d.windowMs;
  const state = observed(task);
  if (condition === "NONE") return { kind: "give-up", message: `task ${state.toLowerCase()}; not restarted (restart condition none)` };
  if (condition === "ON_FAILURE" && state === "COMPLETE") return { kind: "give-up", message: "task complete; not restarted (restart condition on-failure)" };
  const stoppedAt = task.meta?.updatedAt ?? 0;
  const history = restartHistory(task).filter((t) => windowMs <= 0 || t > now - windowMs);
  if (maxAttempts > 0 && history.length >= maxAttempts) {
    const within = windowMs > 0 ? ` within ${windowMs} ms` : "";
    return { kind: "give-up", message: `task ${state.toLowerCase()}; restart policy gave up after ${maxAttempts} restart attempts${within}` };
  }
  if (now < stoppedAt + delayMs) return { kind: "wait", until: stoppedAt + delayMs };
  return { kind: "restart", history: [...history, now] };
}

/** A copy of `task` with label `key` set to `value` (the orchestrators keep their progress in task labels). */
export function withLabel(task: Task__Output, key: string, value: string): Task__Output {
  const next = structuredClone(task);
  const annotations = next.annotations ?? { name: "", labels: {} };
  annotations.labels = { ...annotations.labels, [key]: value };
  next.annotations = annotations;
  return next;
}

/** A copy of the task with a new desired state (and optionally a status change), for tx.update. */
export function withDesired(task: Task__Output, desiredState: Task__Output["desiredState"], status?: Partial<NonNullable<Task__Output["status"]>>): Task__Output {
  const next = structuredClone(task);
  next.desiredState = desiredState;
  if (status !== undefined) next.status = { ...(next.status ?? makeTask({}).status!), ...status };
  return next;
}

/** What one service's reconcile steps share: the service, the pass's clock reading, tuning and writes. */
export interface ServicePass {
  readonly service: Service__Output;
  readonly now: number;
  readonly tuning: OrchestratorTuning;
  readonly writes: TaskWrites;
}

/** What became of a dead task: the task now holding its place (none once shut down) and when to look again. */
export interface Supervised {
  readonly holder: Task__Output | undefined;
  readonly wakeAt: number | undefined;
}

/**
 * The restart supervisor applied to a dead task still desired RUNNING, writing through `pass.writes`:
 * shut down when its place is `covered` by another live task (a start-first update's pair); else per
 * {@link restartDecision} shut down and replaced in the same `place`, left to wait for the delay, or
 * given up (desired COMPLETE with the reason).
 */
export function superviseDead(pass: ServicePass, task: Task__Output, place: TaskPlace, covered: boolean): Supervised {
  const { writes, now } = pass;
  if (covered) {
    writes.update(withDesired(task, "SHUTDOWN"));
    return { holder: undefined, wakeAt: undefined };
  }
  const decision = restartDecision(task, now);
  if (decision.kind === "restart") {
    const replacement = newTask(pass.service, place, pass.tuning.newId(), now, decision.history);
    writes.replace(withDesired(task, "SHUTDOWN"), replacement);
    return { holder: replacement, wakeAt: undefined };
  }
  if (decision.kind === "give-up") writes.update(withDesired(task, "COMPLETE", { message: decision.message }));
  return { holder: writes.current(task), wakeAt: decision.kind === "wait" ? decision.until : undefined };
}

/** Marks every task of a removed service desired REMOVE (those not already). */
export function markRemoved(tasks: readonly Task__Output[], writes: TaskWrites): void {
  for (const t of tasks) if (t.desiredState !== "REMOVE") writes.update(withDesired(t, "REMOVE"));
}

/** Writes per transaction at most; a pass with more asks to run again at once. */
export const MAX_WRITES_PER_TX = 1_000;

/** Tunables of the orchestrators. */
export interface OrchestratorTuning {
  /**
   * How long after its node went down (node.meta.updatedAt, the time the DOWN status was written) a
   * task still reported running there is marked ORPHANED. SwarmKit waits 24 h; default here 0 (at once).
   */
  readonly orphanAfterMs: number;
  /** Id source for new tasks. */
  readonly newId: () => string;
}

/** Earliest of two optional wake-up times. */
export function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/**
 * Tasks on a down or vanished node that are not yet terminal are marked ORPHANED once the grace has
 * passed (their agent cannot report any more); `tasks` are read as `writes` left them so far. Returns
 * when to look again.
 */
export function orphanOnLostNodes(
  tasks: readonly Task__Output[],
  nodes: ReadonlyMap<string, Node__Output>,
  now: number,
  orphanAfterMs: number,
  writes: TaskWrites,
): number | undefined {
  let wakeAt: number | undefined;
  for (const task of tasks.map((t) => writes.current(t))) {
    if (task.nodeId === "" || isDead(task)) continue;
    const node = nodes.get(task.nodeId);
    if (!nodeLost(node)) continue;
    const since = node?.meta?.updatedAt ?? 0;
    if (now < since + orphanAfterMs) {
      wakeAt = earliest(wakeAt, since + orphanAfterMs);
      continue;
    }
    const desired = wantedRunning(task) ? "SHUTDOWN" : task.desiredState;
    writes.update(withDesired(task, desired, { state: "ORPHANED", timestamp: now, message: node === undefined ? "node removed" : "node down", appliedBy: "" }));
  }
  return wakeAt;
}

/**
 * Task writes of one pass, keyed by task id so later steps see earlier changes; staged into the
 * transaction once at the end (an object may be written only once per transaction).
 */
export class TaskWrites {
  readonly tasks = new Map<string, Task__Output>();
  private readonly created = new Set<string>();
  /** Replacement id → id of the task it replaces: staged together or not at all. */
  private readonly replaces = new Map<string, string>();
  update(task: Task__Output): void {
    this.tasks.set(task.id, task);
  }
  create(task: Task__Output): void {
    this.tasks.set(task.id, task);
    this.created.add(task.id);
  }
  /** Shuts `old` down (already updated by the caller's copy) and creates its replacement, atomically. */
  replace(old: Task__Output, replacement: Task__Output): void {
    this.update(old);
    this.create(replacement);
    this.replaces.set(replacement.id, old.id);
  }
  current(task: Task__Output): Task__Output {
    return this.tasks.get(task.id) ?? task;
  }
  /**
   * Stages the writes into the transaction, at most `limit` of them (one Raft entry stays small), never
   * separating a restarted task from its replacement; returns true when some were left for the next pass.
   */
  flush(tx: WriteTx, limit = MAX_WRITES_PER_TX): boolean {
    const staged = new Set<string>();
    const pairedOld = new Set(this.replaces.values());
    for (const id of this.tasks.keys()) {
      if (staged.has(id) || pairedOld.has(id)) continue;
      const old = this.replaces.get(id);
      const group = old === undefined ? [id] : [old, id];
      if (staged.size + group.length > limit) return true;
      for (const gid of group) {
        const task = this.tasks.get(gid)!;
        if (this.created.has(gid)) tx.create("task", task);
        else tx.update("task", task);
        staged.add(gid);
      }
    }
    return false;
  }
}
