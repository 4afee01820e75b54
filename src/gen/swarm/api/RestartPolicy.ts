// Original file: proto/types.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/types.proto

/**
 * Condition under which a stopped task is restarted.
 */
export const _swarm_api_RestartPolicy_RestartCondition = {
  /**
   * NONE never restarts.
   */
  NONE: 'NONE',
  /**
   * ON_FAILURE restarts when the task exits non-zero or fails to start.
   */
  ON_FAILURE: 'ON_FAILURE',
  /**
   * ANY restarts whatever the exit status (the default).
   */
  ANY: 'ANY',
} as const;

/**
 * Condition under which a stopped task is restarted.
 */
export type _swarm_api_RestartPolicy_RestartCondition =
  /**
   * NONE never restarts.
   */
  | 'NONE'
  | 0
  /**
   * ON_FAILURE restarts when the task exits non-zero or fails to start.
   */
  | 'ON_FAILURE'
  | 1
  /**
   * ANY restarts whatever the exit status (the default).
   */
  | 'ANY'
  | 2

/**
 * Condition under which a stopped task is restarted.
 */
export type _swarm_api_RestartPolicy_RestartCondition__Output = typeof _swarm_api_RestartPolicy_RestartCondition[keyof typeof _swarm_api_RestartPolicy_RestartCondition]

/**
 * RestartPolicy says when the orchestrator replaces a task that stopped.
 */
export interface RestartPolicy {
  /**
   * Condition for restarting; default ANY.
   */
  'condition'?: (_swarm_api_RestartPolicy_RestartCondition);
  /**
   * DelayMs between a task stopping and its replacement starting; default 5000.
   */
  'delayMs'?: (number | string | Long);
  /**
   * MaxAttempts is the number of restarts of one slot before giving up; 0 means unlimited.
   */
  'maxAttempts'?: (number | string | Long);
  /**
   * WindowMs is the time window in which max_attempts is counted; 0 means unbounded.
   */
  'windowMs'?: (number | string | Long);
  '_condition'?: "condition";
  '_delayMs'?: "delayMs";
}

/**
 * RestartPolicy says when the orchestrator replaces a task that stopped.
 */
export interface RestartPolicy__Output {
  /**
   * Condition for restarting; default ANY.
   */
  'condition'?: (_swarm_api_RestartPolicy_RestartCondition__Output);
  /**
   * DelayMs between a task stopping and its replacement starting; default 5000.
   */
  'delayMs'?: (number);
  /**
   * MaxAttempts is the number of restarts of one slot before giving up; 0 means unlimited.
   */
  'maxAttempts': (number);
  /**
   * WindowMs is the time window in which max_attempts is counted; 0 means unbounded.
   */
  'windowMs': (number);
  '_condition'?: "condition";
  '_delayMs'?: "delayMs";
}
