// Original file: proto/types.proto

import type { TaskState as _swarm_api_TaskState, TaskState__Output as _swarm_api_TaskState__Output } from '../../swarm/api/TaskState.js';
import type { ContainerStatus as _swarm_api_ContainerStatus, ContainerStatus__Output as _swarm_api_ContainerStatus__Output } from '../../swarm/api/ContainerStatus.js';
import type { Long } from '@grpc/proto-loader';

// Original file: proto/types.proto

/**
 * HealthState is the result of the task's health check.
 */
export const _swarm_api_TaskStatus_HealthState = {
  /**
   * NO_HEALTHCHECK: the task has no health check.
   */
  NO_HEALTHCHECK: 'NO_HEALTHCHECK',
  /**
   * HEALTH_STARTING: checks run but have not passed yet (within the start period).
   */
  HEALTH_STARTING: 'HEALTH_STARTING',
  /**
   * HEALTHY: the last check passed.
   */
  HEALTHY: 'HEALTHY',
  /**
   * UNHEALTHY: `retries` consecutive checks failed.
   */
  UNHEALTHY: 'UNHEALTHY',
} as const;

/**
 * HealthState is the result of the task's health check.
 */
export type _swarm_api_TaskStatus_HealthState =
  /**
   * NO_HEALTHCHECK: the task has no health check.
   */
  | 'NO_HEALTHCHECK'
  | 0
  /**
   * HEALTH_STARTING: checks run but have not passed yet (within the start period).
   */
  | 'HEALTH_STARTING'
  | 1
  /**
   * HEALTHY: the last check passed.
   */
  | 'HEALTHY'
  | 2
  /**
   * UNHEALTHY: `retries` consecutive checks failed.
   */
  | 'UNHEALTHY'
  | 3

/**
 * HealthState is the result of the task's health check.
 */
export type _swarm_api_TaskStatus_HealthState__Output = typeof _swarm_api_TaskStatus_HealthState[keyof typeof _swarm_api_TaskStatus_HealthState]

/**
 * TaskStatus is the observed state of a task, reported by the agent (or set by managers before the
 * task reaches an agent).
 */
export interface TaskStatus {
  /**
   * Timestamp of this observation (Unix milliseconds).
   */
  'timestamp'?: (number | string | Long);
  /**
   * State is the current state of the task.
   */
  'state'?: (_swarm_api_TaskState);
  /**
   * Message is a short human-readable note on how the task got into this state ("started",
   * "no suitable node (insufficient memory on 3 nodes)").
   */
  'message'?: (string);
  /**
   * Err is set in the error states FAILED and REJECTED.
   */
  'err'?: (string);
  /**
   * ContainerStatus has runtime details once the task reached a node.
   */
  'containerStatus'?: (_swarm_api_ContainerStatus | null);
  /**
   * Health of the task as seen by its health check.
   */
  'health'?: (_swarm_api_TaskStatus_HealthState);
  /**
   * AppliedBy is the node id of the agent that reported this status ("" for managers).
   */
  'appliedBy'?: (string);
}

/**
 * TaskStatus is the observed state of a task, reported by the agent (or set by managers before the
 * task reaches an agent).
 */
export interface TaskStatus__Output {
  /**
   * Timestamp of this observation (Unix milliseconds).
   */
  'timestamp': (number);
  /**
   * State is the current state of the task.
   */
  'state': (_swarm_api_TaskState__Output);
  /**
   * Message is a short human-readable note on how the task got into this state ("started",
   * "no suitable node (insufficient memory on 3 nodes)").
   */
  'message': (string);
  /**
   * Err is set in the error states FAILED and REJECTED.
   */
  'err': (string);
  /**
   * ContainerStatus has runtime details once the task reached a node.
   */
  'containerStatus': (_swarm_api_ContainerStatus__Output | null);
  /**
   * Health of the task as seen by its health check.
   */
  'health': (_swarm_api_TaskStatus_HealthState__Output);
  /**
   * AppliedBy is the node id of the agent that reported this status ("" for managers).
   */
  'appliedBy': (string);
}
