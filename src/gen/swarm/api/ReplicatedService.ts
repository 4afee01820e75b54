// Original file: proto/specs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * ReplicatedService runs a fixed number of tasks.
 */
export interface ReplicatedService {
  /**
   * Replicas is the desired number of tasks (slots); must be >= 0.
   */
  'replicas'?: (number | string | Long);
}

/**
 * ReplicatedService runs a fixed number of tasks.
 */
export interface ReplicatedService__Output {
  /**
   * Replicas is the desired number of tasks (slots); must be >= 0.
   */
  'replicas': (number);
}
