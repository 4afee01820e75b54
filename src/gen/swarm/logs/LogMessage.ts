// Original file: proto/logs.proto

import type { LogContext as _swarm_logs_LogContext, LogContext__Output as _swarm_logs_LogContext__Output } from '../../swarm/logs/LogContext.js';
import type { Long } from '@grpc/proto-loader';

export interface LogMessage {
  'context'?: (_swarm_logs_LogContext | null);
  /**
   * TimeMs is when the container wrote the line (Unix milliseconds).
   */
  'timeMs'?: (number | string | Long);
  /**
   * Stream is "stdout" or "stderr".
   */
  'stream'?: (string);
  /**
   * Data is the line without its newline.
   */
  'data'?: (Buffer | Uint8Array | string);
}

export interface LogMessage__Output {
  'context': (_swarm_logs_LogContext__Output | null);
  /**
   * TimeMs is when the container wrote the line (Unix milliseconds).
   */
  'timeMs': (number);
  /**
   * Stream is "stdout" or "stderr".
   */
  'stream': (string);
  /**
   * Data is the line without its newline.
   */
  'data': (Buffer);
}
