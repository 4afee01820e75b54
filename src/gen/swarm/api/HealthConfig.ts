// Original file: proto/specs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * HealthConfig is a container health check.
 */
export interface HealthConfig {
  /**
   * Test is the check: [] inherits the image's, ["NONE"] disables, ["CMD", args...] execs args,
   * ["CMD-SHELL", command] runs command with /bin/sh -c.
   */
  'test'?: (string)[];
  /**
   * IntervalMs between two checks; default 30000.
   */
  'intervalMs'?: (number | string | Long);
  /**
   * TimeoutMs after which a check counts as failed; default 30000.
   */
  'timeoutMs'?: (number | string | Long);
  /**
   * Retries is the number of consecutive failures that make the task unhealthy; default 3.
   */
  'retries'?: (number | string | Long);
  /**
   * StartPeriodMs is a grace period after start during which failures do not count; default 0.
   */
  'startPeriodMs'?: (number | string | Long);
  '_intervalMs'?: "intervalMs";
  '_timeoutMs'?: "timeoutMs";
  '_retries'?: "retries";
}

/**
 * HealthConfig is a container health check.
 */
export interface HealthConfig__Output {
  /**
   * Test is the check: [] inherits the image's, ["NONE"] disables, ["CMD", args...] execs args,
   * ["CMD-SHELL", command] runs command with /bin/sh -c.
   */
  'test': (string)[];
  /**
   * IntervalMs between two checks; default 30000.
   */
  'intervalMs'?: (number);
  /**
   * TimeoutMs after which a check counts as failed; default 30000.
   */
  'timeoutMs'?: (number);
  /**
   * Retries is the number of consecutive failures that make the task unhealthy; default 3.
   */
  'retries'?: (number);
  /**
   * StartPeriodMs is a grace period after start during which failures do not count; default 0.
   */
  'startPeriodMs': (number);
  '_intervalMs'?: "intervalMs";
  '_timeoutMs'?: "timeoutMs";
  '_retries'?: "retries";
}
