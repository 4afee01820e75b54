// Original file: proto/types.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/types.proto

/**
 * UpdateState of a rolling update or rollback.
 */
export const _swarm_api_UpdateStatus_UpdateState = {
  /**
   * UNKNOWN means no update happened yet.
   */
  UNKNOWN: 'UNKNOWN',
  /**
   * UPDATING means batches are being replaced.
   */
  UPDATING: 'UPDATING',
  /**
   * PAUSED means the failure action PAUSE fired (or a user paused it).
   */
  PAUSED: 'PAUSED',
  /**
   * COMPLETED means every task runs the new spec.
   */
  COMPLETED: 'COMPLETED',
  /**
   * ROLLBACK_STARTED means the service is being reverted to its previous spec.
   */
  ROLLBACK_STARTED: 'ROLLBACK_STARTED',
  /**
   * ROLLBACK_PAUSED means the rollback itself failed and stopped.
   */
  ROLLBACK_PAUSED: 'ROLLBACK_PAUSED',
  /**
   * ROLLBACK_COMPLETED means every task runs the previous spec again.
   */
  ROLLBACK_COMPLETED: 'ROLLBACK_COMPLETED',
} as const;

/**
 * UpdateState of a rolling update or rollback.
 */
export type _swarm_api_UpdateStatus_UpdateState =
  /**
   * UNKNOWN means no update happened yet.
   */
  | 'UNKNOWN'
  | 0
  /**
   * UPDATING means batches are being replaced.
   */
  | 'UPDATING'
  | 1
  /**
   * PAUSED means the failure action PAUSE fired (or a user paused it).
   */
  | 'PAUSED'
  | 2
  /**
   * COMPLETED means every task runs the new spec.
   */
  | 'COMPLETED'
  | 3
  /**
   * ROLLBACK_STARTED means the service is being reverted to its previous spec.
   */
  | 'ROLLBACK_STARTED'
  | 4
  /**
   * ROLLBACK_PAUSED means the rollback itself failed and stopped.
   */
  | 'ROLLBACK_PAUSED'
  | 5
  /**
   * ROLLBACK_COMPLETED means every task runs the previous spec again.
   */
  | 'ROLLBACK_COMPLETED'
  | 6

/**
 * UpdateState of a rolling update or rollback.
 */
export type _swarm_api_UpdateStatus_UpdateState__Output = typeof _swarm_api_UpdateStatus_UpdateState[keyof typeof _swarm_api_UpdateStatus_UpdateState]

/**
 * UpdateStatus is the state of a rolling update in progress, stored in the service so that an update
 * survives a leader change.
 */
export interface UpdateStatus {
  /**
   * State of the update.
   */
  'state'?: (_swarm_api_UpdateStatus_UpdateState);
  /**
   * StartedAt is when the update started (Unix milliseconds).
   */
  'startedAt'?: (number | string | Long);
  /**
   * CompletedAt is when the update completed, paused or finished rolling back (Unix milliseconds).
   */
  'completedAt'?: (number | string | Long);
  /**
   * Message explains how the update got into its state (e.g. which task failure paused it).
   */
  'message'?: (string);
}

/**
 * UpdateStatus is the state of a rolling update in progress, stored in the service so that an update
 * survives a leader change.
 */
export interface UpdateStatus__Output {
  /**
   * State of the update.
   */
  'state': (_swarm_api_UpdateStatus_UpdateState__Output);
  /**
   * StartedAt is when the update started (Unix milliseconds).
   */
  'startedAt': (number);
  /**
   * CompletedAt is when the update completed, paused or finished rolling back (Unix milliseconds).
   */
  'completedAt': (number);
  /**
   * Message explains how the update got into its state (e.g. which task failure paused it).
   */
  'message': (string);
}
