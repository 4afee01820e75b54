/**
 * Task state order. Enums decode as strings (src/lib/proto.ts), so the numeric order SwarmKit encodes
 * in the TaskState values (types.proto) is kept here: a task's observed state only moves forward, and
 * "forward" is a numeric compare of these values.
 */
import type { TaskState__Output } from "../gen/swarm/api/TaskState.js";
import { TaskState } from "../gen/swarm/api/TaskState.js";

/** A task state name, as decoded from the wire. */
export type TaskStateName = TaskState__Output;

/** The proto numeric value of every task state (equal to the numbers in types.proto). */
export const TASK_STATE_ORDER: Readonly<Record<TaskStateName, number>> = {
  NEW: 0,
  PENDING: 64,
  ASSIGNED: 192,
  ACCEPTED: 256,
  PREPARING: 320,
  READY: 384,
  STARTING: 448,
  RUNNING: 512,
  COMPLETE: 576,
  SHUTDOWN: 640,
  FAILED: 704,
  REJECTED: 768,
  REMOVE: 800,
  ORPHANED: 832,
};

/** All task states in lifecycle order. */
export const TASK_STATES: readonly TaskStateName[] = (Object.keys(TaskState) as TaskStateName[]).sort(
  (a, b) => TASK_STATE_ORDER[a] - TASK_STATE_ORDER[b],
);

/** Numeric value of a state (for "only forward" checks). */
export function taskStateOrder(state: TaskStateName): number {
  return TASK_STATE_ORDER[state];
}

/** True when `next` is strictly after `current` (the only allowed kind of observed-state change). */
export function isForwardTransition(current: TaskStateName, next: TaskStateName): boolean {
  return TASK_STATE_ORDER[next] > TASK_STATE_ORDER[current];
}

/** True for states after RUNNING: the task's process is gone (or its fate is no longer tracked). */
export function isTerminalTaskState(state: TaskStateName): boolean {
  return TASK_STATE_ORDER[state] > TASK_STATE_ORDER.RUNNING;
}

/** Lower-case display name as Docker prints it ("running", "complete"). */
export function taskStateDisplayName(state: TaskStateName): string {
  return state.toLowerCase();
}
