/**
 * The task controller state machine (pure). Shaped after SwarmKit's agent/exec `Do`: given what the agent
 * last observed of a task and what the managers want, {@link nextAction} says which ONE step to take next;
 * the step's outcome is an event, and {@link applyEvent} turns it into the next observed status. Status
 * only moves forward (numeric TaskState order, src/api/task-state.ts); an event that would move it
 * backwards is refused (`null`). No I/O, no timers: time comes in as `now`.
 *
 *   ASSIGNED → ACCEPTED → PREPARING → READY → STARTING → RUNNING → COMPLETE | FAILED | SHUTDOWN
 *                                      (held at READY while desired READY: a stop-first update)
 *                            └─→ REJECTED                └─→ FAILED        (+ SHUTDOWN from any state < RUNNING)
 */
import type { TaskState__Output } from "../gen/swarm/api/TaskState.js";
import type { TaskStatus__Output, _swarm_api_TaskStatus_HealthState__Output as HealthState } from "../gen/swarm/api/TaskStatus.js";
import { isTerminalTaskState, taskStateOrder } from "../spec/task-state.js";

/** The health states a task status carries. */
export type TaskHealth = HealthState;

/** One step the runner should take next. */
export type TaskAction =
  /** Report ACCEPTED. */
  | { readonly type: "accept" }
  /** Report PREPARING, then `Controller.prepare` (image, rootfs, network, bundle, create). */
  | { readonly type: "prepare" }
  /** Report STARTING, then `Controller.start`. */
  | { readonly type: "start" }
  /** Prepared, but desired READY (a stop-first update waits for the old task): wait for RUNNING. */
  | { readonly type: "hold" }
  /** The container runs: wait for it to exit (or for the desired state to change). */
  | { readonly type: "wait" }
  /** Desired state is past RUNNING and the container runs: stop signal, then SIGKILL after the grace period. */
  | { readonly type: "shutdown" }
  /** Desired state is past RUNNING before the container ever ran: report SHUTDOWN, nothing to stop. */
  | { readonly type: "cancel" }
  /** The health check declared the container unhealthy: stop it and report FAILED. */
  | { readonly type: "failUnhealthy" }
  /** The task reached a final state: nothing more to do but clean up when told. */
  | { readonly type: "finished" };

/** What {@link nextAction} decides from. */
export interface TaskSituation {
  /** Last observed state (the agent's own, or the store's for a task it just got). */
  readonly observed: TaskState__Output;
  /** The managers' desired state. */
  readonly desired: TaskState__Output;
  /** The health check declared the running container unhealthy. */
  readonly unhealthy?: boolean;
}

/**
 * Desired states that mean "stop it": everything past RUNNING (COMPLETE, SHUTDOWN, REMOVE…). A desired
 * COMPLETE is treated like SHUTDOWN, as the contract in design/agent.md says.
 */
export function wantsStop(desired: TaskState__Output): boolean {
  return taskStateOrder(desired) > taskStateOrder("RUNNING");
}

/** The one step to take next. */
export function nextAction(s: TaskSituation): TaskAction {
  const observed = taskStateOrder(s.observed);
  if (isTerminalTaskState(s.observed)) return { type: "finished" };
  if (wantsStop(s.desired)) return observed >= taskStateOrder("RUNNING") ? { type: "shutdown" } : { type: "cancel" };
  if (observed < taskStateOrder("ACCEPTED")) return { type: "accept" };
  if (observed < taskStateOrder("READY")) return { type: "prepare" }; // ACCEPTED, or PREPARING interrupted
  if (observed === taskStateOrder("READY") && taskStateOrder(s.desired) <= taskStateOrder("READY")) return { type: "hold" };
  if (observed < taskStateOrder("RUNNING")) return { type: "start" }; // READY (or STARTING interrupted)
  return s.unhealthy === true ? { type: "failUnhealthy" } : { type: "wait" };
}

/** Outcomes of steps (and observations) that change a task's status. */
export type TaskEvent =
  | { readonly type: "accepted" }
  | { readonly type: "preparing" }
  | { readonly type: "prepared" }
  /** The node cannot run the task (image missing, spec impossible here). */
  | { readonly type: "rejected"; readonly err: string }
  | { readonly type: "starting" }
  | { readonly type: "started"; readonly containerId: string; readonly pid: number }
  | { readonly type: "startFailed"; readonly err: string }
  /** The process ended by itself. */
  | { readonly type: "exited"; readonly exitCode: number }
  /** The agent stopped the container because the desired state asked for it. */
  | { readonly type: "stopped"; readonly exitCode: number | null }
  /** Desired state turned past RUNNING before the container ran. */
  | { readonly type: "cancelled" }
  /** The health check result changed while RUNNING. */
  | { readonly type: "health"; readonly health: TaskHealth; readonly output?: string }
  /** The container was stopped because it turned unhealthy. */
  | { readonly type: "unhealthyStopped"; readonly exitCode: number | null; readonly output: string }
  /** The container is gone and its fate unknown (e.g. not found after an agent restart). */
  | { readonly type: "lost"; readonly err: string };

/** Context stamped on every status. */
export interface StatusContext {
  /** Unix milliseconds. */
  readonly now: number;
  /** The reporting node (TaskStatus.appliedBy). */
  readonly nodeId: string;
}

/** A fresh status (for a task the agent has never seen) in `state`. */
export function initialStatus(state: TaskState__Output, now: number): TaskStatus__Output {
  return { timestamp: now, state, message: "", err: "", containerStatus: null, health: "NO_HEALTHCHECK", appliedBy: "" };
}

/** Non-zero exit message as SwarmKit words it. */
export function exitMessage(exitCode: number): string {
  return `task: non-zero exit (${String(exitCode)})`;
}

/**
 * The status after `event`, or null when the event does not apply: it would move the state backwards or
 * sideways (except health, which only changes while RUNNING), or it repeats the current state.
 */
export function applyEvent(current: TaskStatus__Output, event: TaskEvent, ctx: StatusContext): TaskStatus__Output | null {
  const container = current.containerStatus ?? { containerId: "", pid: 0, exitCode: 0 };
  const base = { ...current, timestamp: ctx.now, appliedBy: ctx.nodeId, err: "" };
  const to = (state: TaskState__Output, message: string, extra: Partial<TaskStatus__Output> = {}): TaskStatus__Output | null =>
    taskStateOrder(state) > taskStateOrder(current.state) ? { ...base, state, message, ...extra } : null;
  const exited = (exitCode: number | null): TaskStatus__Output["containerStatus"] => ({ ...container, pid: 0, exitCode: exitCode ?? container.exitCode });
  switch (event.type) {
    case "accepted":
      return to("ACCEPTED", "accepted");
    case "preparing":
      return to("PREPARING", "preparing");
    case "prepared":
      return to("READY", "prepared");
    case "rejected":
      return to("REJECTED", "preparing failed", { err: event.err });
    case "starting":
      return to("STARTING", "starting");
    case "started":
      return to("RUNNING", "started", { containerStatus: { containerId: event.containerId, pid: event.pid, exitCode: 0 } });
    case "startFailed":
      return to("FAILED", "starting failed", { err: event.err });
    case "exited":
      return event.exitCode === 0
        ? to("COMPLETE", "finished", { containerStatus: exited(0) })
        : to("FAILED", "failed", { err: exitMessage(event.exitCode), containerStatus: exited(event.exitCode) });
    case "stopped":
      return to("SHUTDOWN", "shutdown", { containerStatus: exited(event.exitCode) });
    case "cancelled":
      return to("SHUTDOWN", "shutdown before start");
    case "unhealthyStopped":
      return to("FAILED", "unhealthy container", {
        err: `task: container unhealthy${event.output === "" ? "" : `: ${event.output}`}`,
        health: "UNHEALTHY",
        containerStatus: exited(event.exitCode),
      });
    case "lost":
      return to("FAILED", "container lost", { err: event.err, containerStatus: exited(null) });
    case "health":
      if (current.state !== "RUNNING" || current.health === event.health) return null;
      return { ...base, health: event.health, message: `health: ${event.health.toLowerCase()}${event.output ? ` (${event.output})` : ""}` };
  }
}
