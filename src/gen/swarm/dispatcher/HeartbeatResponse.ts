// Original file: proto/dispatcher.proto

import type { Long } from '@grpc/proto-loader';

export interface HeartbeatResponse {
  /**
   * PeriodMs is when to send the next heartbeat.
   */
  'periodMs'?: (number | string | Long);
  /**
   * Managers are the API addresses of the current managers (so workers can fail over).
   */
  'managers'?: (string)[];
}

export interface HeartbeatResponse__Output {
  /**
   * PeriodMs is when to send the next heartbeat.
   */
  'periodMs': (number);
  /**
   * Managers are the API addresses of the current managers (so workers can fail over).
   */
  'managers': (string)[];
}
