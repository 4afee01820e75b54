// Original file: proto/specs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * OrchestrationConfig tunes the orchestrators.
 */
export interface OrchestrationConfig {
  /**
   * TaskHistoryRetentionLimit is how many old (stopped) tasks to keep per slot; default 5.
   */
  'taskHistoryRetentionLimit'?: (number | string | Long);
  /**
   * Rebalance: when a node becomes available (joins, recovers, is set active again), the leader moves
   * replicas of uneven services onto it as a rolling operation; default true. A service opts out with
   * the label com.swarm.rebalance=false.
   */
  'rebalance'?: (boolean);
  '_taskHistoryRetentionLimit'?: "taskHistoryRetentionLimit";
  '_rebalance'?: "rebalance";
}

/**
 * OrchestrationConfig tunes the orchestrators.
 */
export interface OrchestrationConfig__Output {
  /**
   * TaskHistoryRetentionLimit is how many old (stopped) tasks to keep per slot; default 5.
   */
  'taskHistoryRetentionLimit'?: (number);
  /**
   * Rebalance: when a node becomes available (joins, recovers, is set active again), the leader moves
   * replicas of uneven services onto it as a rolling operation; default true. A service opts out with
   * the label com.swarm.rebalance=false.
   */
  'rebalance'?: (boolean);
  '_taskHistoryRetentionLimit'?: "taskHistoryRetentionLimit";
  '_rebalance'?: "rebalance";
}
