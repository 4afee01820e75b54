// Original file: proto/types.proto

/**
 * TaskState enumerates the states a task moves through. The numeric values are SwarmKit's: a state only
 * ever moves forward, so of two observations the greater number is the true state ("only forward" is a
 * numeric compare; see taskStateOrder in src/api/task-state.ts since enums decode as strings).
 */
export const TaskState = {
  /**
   * NEW is a task just created by an orchestrator.
   */
  NEW: 'NEW',
  /**
   * PENDING is waiting for the scheduler to find a node (allocation done).
   */
  PENDING: 'PENDING',
  /**
   * ASSIGNED has a node; the dispatcher will send it to that node's agent.
   */
  ASSIGNED: 'ASSIGNED',
  /**
   * ACCEPTED was received and accepted by the agent.
   */
  ACCEPTED: 'ACCEPTED',
  /**
   * PREPARING: the agent fetches the image and builds the bundle, network and mounts.
   */
  PREPARING: 'PREPARING',
  /**
   * READY: prepared, about to start.
   */
  READY: 'READY',
  /**
   * STARTING: the runtime is starting the container.
   */
  STARTING: 'STARTING',
  /**
   * RUNNING: the container process runs.
   */
  RUNNING: 'RUNNING',
  /**
   * COMPLETE: the process exited 0 by itself.
   */
  COMPLETE: 'COMPLETE',
  /**
   * SHUTDOWN: stopped because a manager asked for it (desired state).
   */
  SHUTDOWN: 'SHUTDOWN',
  /**
   * FAILED: the process exited non-zero or could not start.
   */
  FAILED: 'FAILED',
  /**
   * REJECTED: the node refused the task (e.g. image not found, invalid spec).
   */
  REJECTED: 'REJECTED',
  /**
   * REMOVE: desired state only; the task should be shut down and then deleted from the store.
   */
  REMOVE: 'REMOVE',
  /**
   * ORPHANED: the node was down too long; the task's fate is unknown and it is no longer tracked.
   */
  ORPHANED: 'ORPHANED',
} as const;

/**
 * TaskState enumerates the states a task moves through. The numeric values are SwarmKit's: a state only
 * ever moves forward, so of two observations the greater number is the true state ("only forward" is a
 * numeric compare; see taskStateOrder in src/api/task-state.ts since enums decode as strings).
 */
export type TaskState =
  /**
   * NEW is a task just created by an orchestrator.
   */
  | 'NEW'
  | 0
  /**
   * PENDING is waiting for the scheduler to find a node (allocation done).
   */
  | 'PENDING'
  | 64
  /**
   * ASSIGNED has a node; the dispatcher will send it to that node's agent.
   */
  | 'ASSIGNED'
  | 192
  /**
   * ACCEPTED was received and accepted by the agent.
   */
  | 'ACCEPTED'
  | 256
  /**
   * PREPARING: the agent fetches the image and builds the bundle, network and mounts.
   */
  | 'PREPARING'
  | 320
  /**
   * READY: prepared, about to start.
   */
  | 'READY'
  | 384
  /**
   * STARTING: the runtime is starting the container.
   */
  | 'STARTING'
  | 448
  /**
   * RUNNING: the container process runs.
   */
  | 'RUNNING'
  | 512
  /**
   * COMPLETE: the process exited 0 by itself.
   */
  | 'COMPLETE'
  | 576
  /**
   * SHUTDOWN: stopped because a manager asked for it (desired state).
   */
  | 'SHUTDOWN'
  | 640
  /**
   * FAILED: the process exited non-zero or could not start.
   */
  | 'FAILED'
  | 704
  /**
   * REJECTED: the node refused the task (e.g. image not found, invalid spec).
   */
  | 'REJECTED'
  | 768
  /**
   * REMOVE: desired state only; the task should be shut down and then deleted from the store.
   */
  | 'REMOVE'
  | 800
  /**
   * ORPHANED: the node was down too long; the task's fate is unknown and it is no longer tracked.
   */
  | 'ORPHANED'
  | 832

/**
 * TaskState enumerates the states a task moves through. The numeric values are SwarmKit's: a state only
 * ever moves forward, so of two observations the greater number is the true state ("only forward" is a
 * numeric compare; see taskStateOrder in src/api/task-state.ts since enums decode as strings).
 */
export type TaskState__Output = typeof TaskState[keyof typeof TaskState]
