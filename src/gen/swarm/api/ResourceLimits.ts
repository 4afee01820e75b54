// Original file: proto/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * ResourceLimits are the hard caps enforced on a running task by the runtime (cgroups).
 */
export interface ResourceLimits {
  /**
   * NanoCpus caps CPU time (CFS quota) in billionths of a core; 0 means no cap.
   */
  'nanoCpus'?: (number | string | Long);
  /**
   * MemoryBytes caps memory; 0 means no cap.
   */
  'memoryBytes'?: (number | string | Long);
  /**
   * Pids caps the number of processes in the task; 0 means no cap.
   */
  'pids'?: (number | string | Long);
}

/**
 * ResourceLimits are the hard caps enforced on a running task by the runtime (cgroups).
 */
export interface ResourceLimits__Output {
  /**
   * NanoCpus caps CPU time (CFS quota) in billionths of a core; 0 means no cap.
   */
  'nanoCpus': (number);
  /**
   * MemoryBytes caps memory; 0 means no cap.
   */
  'memoryBytes': (number);
  /**
   * Pids caps the number of processes in the task; 0 means no cap.
   */
  'pids': (number);
}
