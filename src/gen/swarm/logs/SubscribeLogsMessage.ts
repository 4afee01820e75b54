// Original file: proto/logs.proto

import type { LogMessage as _swarm_logs_LogMessage, LogMessage__Output as _swarm_logs_LogMessage__Output } from '../../swarm/logs/LogMessage.js';

export interface SubscribeLogsMessage {
  'messages'?: (_swarm_logs_LogMessage)[];
  /**
   * Warnings say which part of the logs could not be read (a node down, a task gone).
   */
  'warnings'?: (string)[];
}

export interface SubscribeLogsMessage__Output {
  'messages': (_swarm_logs_LogMessage__Output)[];
  /**
   * Warnings say which part of the logs could not be read (a node down, a task gone).
   */
  'warnings': (string)[];
}
