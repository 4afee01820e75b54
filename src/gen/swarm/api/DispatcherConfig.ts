// Original file: proto/specs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * DispatcherConfig tunes worker sessions.
 */
export interface DispatcherConfig {
  /**
   * HeartbeatPeriodMs is how often workers heartbeat; a node is down after missing a few; default 5000.
   */
  'heartbeatPeriodMs'?: (number | string | Long);
  '_heartbeatPeriodMs'?: "heartbeatPeriodMs";
}

/**
 * DispatcherConfig tunes worker sessions.
 */
export interface DispatcherConfig__Output {
  /**
   * HeartbeatPeriodMs is how often workers heartbeat; a node is down after missing a few; default 5000.
   */
  'heartbeatPeriodMs'?: (number);
  '_heartbeatPeriodMs'?: "heartbeatPeriodMs";
}
