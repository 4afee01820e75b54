// Original file: proto/types.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/types.proto

/**
 * FailureAction is what the updater does when too many updated tasks fail.
 */
export const _swarm_api_UpdateConfig_FailureAction = {
  /**
   * PAUSE stops updating (the default).
   */
  PAUSE: 'PAUSE',
  /**
   * CONTINUE ignores failures.
   */
  CONTINUE: 'CONTINUE',
  /**
   * ROLLBACK reverts the service to its previous spec.
   */
  ROLLBACK: 'ROLLBACK',
} as const;

/**
 * FailureAction is what the updater does when too many updated tasks fail.
 */
export type _swarm_api_UpdateConfig_FailureAction =
  /**
   * PAUSE stops updating (the default).
   */
  | 'PAUSE'
  | 0
  /**
   * CONTINUE ignores failures.
   */
  | 'CONTINUE'
  | 1
  /**
   * ROLLBACK reverts the service to its previous spec.
   */
  | 'ROLLBACK'
  | 2

/**
 * FailureAction is what the updater does when too many updated tasks fail.
 */
export type _swarm_api_UpdateConfig_FailureAction__Output = typeof _swarm_api_UpdateConfig_FailureAction[keyof typeof _swarm_api_UpdateConfig_FailureAction]

// Original file: proto/types.proto

/**
 * UpdateOrder chooses whether the old task stops before its replacement starts.
 */
export const _swarm_api_UpdateConfig_UpdateOrder = {
  /**
   * STOP_FIRST stops the old task first (the default).
   */
  STOP_FIRST: 'STOP_FIRST',
  /**
   * START_FIRST starts the new task first and stops the old one once the new one runs.
   */
  START_FIRST: 'START_FIRST',
} as const;

/**
 * UpdateOrder chooses whether the old task stops before its replacement starts.
 */
export type _swarm_api_UpdateConfig_UpdateOrder =
  /**
   * STOP_FIRST stops the old task first (the default).
   */
  | 'STOP_FIRST'
  | 0
  /**
   * START_FIRST starts the new task first and stops the old one once the new one runs.
   */
  | 'START_FIRST'
  | 1

/**
 * UpdateOrder chooses whether the old task stops before its replacement starts.
 */
export type _swarm_api_UpdateConfig_UpdateOrder__Output = typeof _swarm_api_UpdateConfig_UpdateOrder[keyof typeof _swarm_api_UpdateConfig_UpdateOrder]

/**
 * UpdateConfig specifies the rate and policy of a rolling update (or of a rollback).
 */
export interface UpdateConfig {
  /**
   * Parallelism is the number of tasks updated at once; 0 means all at once; default 1.
   */
  'parallelism'?: (number | string | Long);
  /**
   * DelayMs is the pause between two batches; default 0.
   */
  'delayMs'?: (number | string | Long);
  /**
   * FailureAction when the failure ratio is exceeded; default PAUSE.
   */
  'failureAction'?: (_swarm_api_UpdateConfig_FailureAction);
  /**
   * MonitorMs is how long after its start an updated task is watched for failure; a task that ends
   * FAILED, REJECTED or COMPLETE within this window counts as a failure; default 5000.
   */
  'monitorMs'?: (number | string | Long);
  /**
   * MaxFailureRatio is the fraction (0..1) of updated tasks that may fail before failure_action.
   */
  'maxFailureRatio'?: (number | string);
  /**
   * Order of stopping the old and starting the new task; default STOP_FIRST.
   */
  'order'?: (_swarm_api_UpdateConfig_UpdateOrder);
  '_parallelism'?: "parallelism";
  '_monitorMs'?: "monitorMs";
}

/**
 * UpdateConfig specifies the rate and policy of a rolling update (or of a rollback).
 */
export interface UpdateConfig__Output {
  /**
   * Parallelism is the number of tasks updated at once; 0 means all at once; default 1.
   */
  'parallelism'?: (number);
  /**
   * DelayMs is the pause between two batches; default 0.
   */
  'delayMs': (number);
  /**
   * FailureAction when the failure ratio is exceeded; default PAUSE.
   */
  'failureAction': (_swarm_api_UpdateConfig_FailureAction__Output);
  /**
   * MonitorMs is how long after its start an updated task is watched for failure; a task that ends
   * FAILED, REJECTED or COMPLETE within this window counts as a failure; default 5000.
   */
  'monitorMs'?: (number);
  /**
   * MaxFailureRatio is the fraction (0..1) of updated tasks that may fail before failure_action.
   */
  'maxFailureRatio': (number);
  /**
   * Order of stopping the old and starting the new task; default STOP_FIRST.
   */
  'order': (_swarm_api_UpdateConfig_UpdateOrder__Output);
  '_parallelism'?: "parallelism";
  '_monitorMs'?: "monitorMs";
}
