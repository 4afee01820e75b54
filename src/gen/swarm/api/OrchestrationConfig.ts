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
  '_taskHistoryRetentionLimit'?: "taskHistoryRetentionLimit";
}

/**
 * OrchestrationConfig tunes the orchestrators.
 */
export interface OrchestrationConfig__Output {
  /**
   * TaskHistoryRetentionLimit is how many old (stopped) tasks to keep per slot; default 5.
   */
  'taskHistoryRetentionLimit'?: (number);
  '_taskHistoryRetentionLimit'?: "taskHistoryRetentionLimit";
}
