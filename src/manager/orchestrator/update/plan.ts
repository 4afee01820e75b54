/**
 * The rolling-update planner (pure): one pass over a service and its tasks decides which slots to
 * replace now, what happens to the tasks of slots being replaced, and the service's update state.
 * Everything it needs is in the store, so a new leader resumes an update where the old one was:
 *
 * - `service.updateStatus` holds the state (UPDATING … ROLLBACK_COMPLETED), when the update started
 *   and why it is where it is.
 * - A task created for the current spec since `startedAt` belongs to the update; when the updater first
 *   sees it up (RUNNING, and HEALTHY if it has a health check) it stamps the label
 *   {@link UPDATE_UP_LABEL} with the time. From there the task's slot holds a worker for `delay`, and the
 *   task is watched for `monitor`.
 * - A failure is a task of the update that ended FAILED, REJECTED or COMPLETE (the health check turning
 *   it unhealthy ends it FAILED) before it came up or within `monitor` after. More failures than
 *   `maxFailureRatio × slots` trigger the failure action: PAUSE (state PAUSED), ROLLBACK (the spec goes
 *   back to the previous one, state ROLLBACK_STARTED, the rollback config applies; a failing rollback
 *   pauses as ROLLBACK_PAUSED), CONTINUE (ignored).
 *
 * A slot is one replica number (replicated) or one node (global). At most `parallelism` slots are in
 * flight (0 = all): a slot is in flight from the moment its replacement is created until the
 * replacement is up plus `delay`. stop-first: the old task is shut down and the replacement created
 * desired READY (its node prepares it: image, rootfs) and set RUNNING once the old one is gone.
 * start-first: the replacement is created RUNNING; the old task is shut down once the replacement is
 * up. The update is COMPLETED when no slot is dirty or in flight and every replacement passed its
 * monitor window.
 */
import { normalizeServiceSpec } from "../../../spec/defaults.js";
import type { Node__Output } from "../../../gen/swarm/api/Node.js";
import type { Service__Output } from "../../../gen/swarm/api/Service.js";
import type { Task__Output } from "../../../gen/swarm/api/Task.js";
import type { UpdateConfig__Output } from "../../../gen/swarm/api/UpdateConfig.js";
import type { UpdateStatus__Output } from "../../../gen/swarm/api/UpdateStatus.js";
import { byCreation, earliest, isDead, isGlobal, newTask, nodeLost, observed, wantedRunning, withDesired, withLabel, type TaskPlace, type TaskWrites } from "../tasks.js";
import { isTaskDirty } from "../../../spec/task-dirty.js";

/** Task label: when (Unix ms, the leader's clock) the updater saw this replacement up. */
export const UPDATE_UP_LABEL = "swarm.update.up-at";

/** An update state name. */
export type UpdateState = UpdateStatus__Output["state"];

/** States in which the updater replaces tasks. */
export function isActiveUpdate(state: UpdateState | undefined): boolean {
  return state === "UPDATING" || state === "ROLLBACK_STARTED";
}

/** True for the states of a rollback (the rollback config applies). */
export function isRollbackState(state: UpdateState | undefined): boolean {
  return state === "ROLLBACK_STARTED" || state === "ROLLBACK_PAUSED" || state === "ROLLBACK_COMPLETED";
}

/** The config in force: `rollback` while rolling back, else `update`; defaults filled. */
export function updateConfigOf(service: Service__Output): UpdateConfig__Output {
  const spec = normalizeServiceSpec(service.spec ?? {});
  const config = isRollbackState(service.updateStatus?.state) ? spec.rollback : spec.update;
  return config!;
}

/** When the updater saw the task up, if it did. */
export function upAt(task: Task__Output): number | undefined {
  const text = task.annotations?.labels[UPDATE_UP_LABEL];
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** Running and, when it has a health check, healthy. */
export function isUp(task: Task__Output): boolean {
  const health = task.status?.health ?? "NO_HEALTHCHECK";
  return observed(task) === "RUNNING" && wantedRunning(task) && health !== "HEALTH_STARTING" && health !== "UNHEALTHY";
}

const FAILED_STATES: ReadonlySet<string> = new Set(["FAILED", "REJECTED", "COMPLETE"]);

/** A task of the update that ended on its own before it came up or within the monitor window. */
export function failedInMonitor(task: Task__Output, monitorMs: number): boolean {
  if (!FAILED_STATES.has(observed(task))) return false;
  const up = upAt(task);
  return up === undefined || (task.status?.timestamp ?? 0) <= up + monitorMs;
}

/** The outcome of planning one service. */
export interface UpdatePlan {
  /** The service with its new update state (and spec, on an automatic rollback), if it changed. */
  readonly service?: Service__Output;
  /** When the plan wants to be looked at again (delay or monitor ends). */
  readonly wakeAt?: number;
}

/** Inputs of {@link planUpdate} besides the service. */
export interface PlanContext {
  /** The service's tasks (all of them, history included). */
  readonly tasks: readonly Task__Output[];
  readonly nodes: ReadonlyMap<string, Node__Output>;
  readonly now: number;
  readonly newId: () => string;
  /** Task writes of this pass (creations and desired-state changes are staged here). */
  readonly writes: TaskWrites;
}

interface Slot {
  readonly key: string;
  readonly place: TaskPlace;
  /** Tasks wanted running (desired ≤ RUNNING), oldest first. */
  readonly live: Task__Output[];
  /** Every task of the slot. */
  readonly all: Task__Output[];
}

function slotsOf(service: Service__Output, tasks: readonly Task__Output[]): Map<string, Slot> {
  const global = isGlobal(service);
  const slots = new Map<string, Slot>();
  for (const t of tasks) {
    if (global ? t.nodeId === "" : Number(t.slot) <= 0) continue;
    const key = global ? t.nodeId : String(t.slot);
    let slot = slots.get(key);
    if (slot === undefined) {
      const place: TaskPlace = global ? { kind: "node", nodeId: t.nodeId } : { kind: "slot", slot: Number(t.slot) };
      slot = { key, place, live: [], all: [] };
      slots.set(key, slot);
    }
    slot.all.push(t);
    if (wantedRunning(t)) slot.live.push(t);
  }
  for (const s of slots.values()) s.live.sort(byCreation);
  return slots;
}

function withStatus(service: Service__Output, status: Partial<UpdateStatus__Output>): Service__Output {
  const next = structuredClone(service);
  next.updateStatus = { state: "UNKNOWN", startedAt: 0, completedAt: 0, message: "", ...(service.updateStatus ?? {}), ...status };
  return next;
}

/** Still holding a node: placed, not dead, and the node is not lost. */
function stillThere(task: Task__Output, nodes: ReadonlyMap<string, Node__Output>): boolean {
  return task.nodeId !== "" && observed(task) !== "PENDING" && !isDead(task) && !nodeLost(nodes.get(task.nodeId));
}

/** The failure that made the ratio cross the threshold, if it did. */
function triggeringFailure(failures: readonly Task__Output[], slots: number, ratio: number): Task__Output | undefined {
  const ordered = [...failures].sort((a, b) => (a.status?.timestamp ?? 0) - (b.status?.timestamp ?? 0) || (a.meta?.version ?? 0) - (b.meta?.version ?? 0) || a.id.localeCompare(b.id));
  for (let i = 0; i < ordered.length; i++) if ((i + 1) / Math.max(1, slots) > ratio) return ordered[i];
  return undefined;
}

/**
 * Plans one pass of the rolling update of `service`: stages task writes into `ctx.writes` and returns
 * the service's new update state when it changes. Pure apart from `ctx.newId`.
 */
export function planUpdate(service: Service__Output, ctx: PlanContext): UpdatePlan {
  if (service.pendingDelete || service.spec == null) return {};
  const { now, writes, nodes } = ctx;
  const slots = slotsOf(service, ctx.tasks);
  const dirty = (t: Task__Output): boolean => isTaskDirty(service, t);
  const dirtySlots = [...slots.values()].filter((s) => s.live.length > 0 && s.live.every(dirty));

  let state = service.updateStatus?.state ?? "UNKNOWN";
  let changed: Service__Output | undefined;
  if (!isActiveUpdate(state)) {
    if (state === "PAUSED" || state === "ROLLBACK_PAUSED" || dirtySlots.length === 0) return {};
    changed = withStatus(service, { state: "UPDATING", startedAt: now, completedAt: 0, message: "update in progress" });
    state = "UPDATING";
  }
  const current = changed ?? service;
  const startedAt = current.updateStatus?.startedAt ?? now;
  const rollingBack = state === "ROLLBACK_STARTED";
  const config = updateConfigOf(current);
  const monitorMs = Number(config.monitorMs ?? 5_000);
  const delayMs = Number(config.delayMs);
  const parallelism = Number(config.parallelism ?? 1);

  const ours = (t: Task__Output): boolean => !dirty(t) && (t.meta?.createdAt ?? 0) >= startedAt;
  const liveSlots = [...slots.values()].filter((s) => s.live.length > 0).length;

  // 1. Failures of the update's tasks.
  if (config.failureAction !== "CONTINUE") {
    const failures = ctx.tasks.filter((t) => ours(t) && failedInMonitor(t, monitorMs));
    const culprit = triggeringFailure(failures, liveSlots, config.maxFailureRatio);
    if (culprit !== undefined) {
      const why = `due to failure or early termination of task ${culprit.id}`;
      if (config.failureAction === "PAUSE" || rollingBack || current.previousSpec == null) {
        const what = rollingBack ? "rollback" : "update";
        const extra = !rollingBack && config.failureAction === "ROLLBACK" ? " (no previous spec to roll back to)" : "";
        return { service: withStatus(current, { state: rollingBack ? "ROLLBACK_PAUSED" : "PAUSED", completedAt: now, message: `${what} paused ${why}${extra}` }) };
      }
      const back = withStatus(current, { state: "ROLLBACK_STARTED", startedAt: now, completedAt: 0, message: `update rolled back ${why}` });
      back.spec = current.previousSpec;
      back.previousSpec = current.spec;
      back.specVersion = Number(current.specVersion) + 1;
      return { service: back };
    }
  }

  // 2. Slots in flight: replacements not up yet, or up less than `delay` ago.
  let busy = 0;
  let monitoring = false;
  let wakeAt: number | undefined;
  for (const slot of slots.values()) {
    const clean = slot.live.filter((t) => !dirty(t));
    const old = slot.live.filter(dirty);
    const replacement = clean[clean.length - 1];
    if (replacement === undefined) continue;
    if (!ours(replacement) && old.length === 0) continue;
    const seen = upAt(replacement);
    if (seen === undefined) {
      if (isUp(replacement)) {
        writes.update(withLabel(writes.current(replacement), UPDATE_UP_LABEL, String(now)));
        for (const o of old) writes.update(withDesired(writes.current(o), "SHUTDOWN"));
        if (delayMs > 0) {
          busy++;
          wakeAt = earliest(wakeAt, now + delayMs);
        }
        if (monitorMs > 0) {
          monitoring = true;
          wakeAt = earliest(wakeAt, now + monitorMs);
        }
        continue;
      }
      if (isDead(replacement)) continue; // failed: counted above; the restart supervisor replaces it
      busy++;
      if (replacement.desiredState === "READY" && !slot.all.some((t) => t.id !== replacement.id && dirty(t) && stillThere(t, nodes))) {
        writes.update(withDesired(writes.current(replacement), "RUNNING"));
      }
      continue;
    }
    for (const o of old) writes.update(withDesired(writes.current(o), "SHUTDOWN"));
    if (seen + delayMs > now) {
      busy++;
      wakeAt = earliest(wakeAt, seen + delayMs);
    }
    if (!isDead(replacement) && seen + monitorMs > now) {
      monitoring = true;
      wakeAt = earliest(wakeAt, seen + monitorMs);
    }
  }

  // 3. Start the next slots: dead or lost ones first, then by slot.
  const free = parallelism <= 0 ? Infinity : parallelism - busy;
  const order = [...dirtySlots].sort((a, b) => {
    const gone = (s: Slot): number => (s.live.some((t) => stillThere(t, nodes)) ? 1 : 0);
    return gone(a) - gone(b) || (Number(a.key) || 0) - (Number(b.key) || 0) || a.key.localeCompare(b.key);
  });
  const starting = order.slice(0, Math.max(0, free));
  const startFirst = config.order === "START_FIRST";
  for (const slot of starting) {
    const alive = slot.live.filter((t) => stillThere(t, nodes));
    const fresh = newTask(current, slot.place, ctx.newId(), now);
    if (!startFirst && alive.length > 0) fresh.desiredState = "READY";
    const [first, ...rest] = slot.live.filter((t) => startFirst ? !stillThere(t, nodes) : true);
    if (first === undefined) writes.create(fresh);
    else writes.replace(withDesired(writes.current(first), "SHUTDOWN"), fresh);
    for (const o of rest) writes.update(withDesired(writes.current(o), "SHUTDOWN"));
  }

  // 4. Done?
  const remaining = dirtySlots.length - starting.length;
  if (remaining === 0 && starting.length === 0 && busy === 0 && !monitoring) {
    return {
      service: withStatus(current, {
        state: rollingBack ? "ROLLBACK_COMPLETED" : "COMPLETED",
        completedAt: now,
        message: rollingBack ? completedRollbackMessage(current.updateStatus?.message ?? "") : "update completed",
      }),
    };
  }
  return { ...(changed === undefined ? {} : { service: changed }), ...(wakeAt === undefined ? {} : { wakeAt }) };
}

/**
 * The message of a finished rollback. An automatic one keeps its reason (which task failed): a client
 * that polls may first see the service only once the rollback is over, and must still be able to say why.
 */
function completedRollbackMessage(previous: string): string {
  return previous.startsWith("update rolled back ") ? `${previous} (rollback completed)` : "rollback completed";
}
