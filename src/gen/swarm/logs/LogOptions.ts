// Original file: proto/logs.proto

import type { Long } from '@grpc/proto-loader';

export interface LogOptions {
  'follow'?: (boolean);
  /**
   * Tail: only the last N lines of each task (-1 = all).
   */
  'tail'?: (number | string | Long);
  /**
   * SinceMs: only lines at or after this Unix time in milliseconds (0 = all).
   */
  'sinceMs'?: (number | string | Long);
}

export interface LogOptions__Output {
  'follow': (boolean);
  /**
   * Tail: only the last N lines of each task (-1 = all).
   */
  'tail': (number);
  /**
   * SinceMs: only lines at or after this Unix time in milliseconds (0 = all).
   */
  'sinceMs': (number);
}
