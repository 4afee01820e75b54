// Original file: proto/logs.proto

import type { LogMessage as _swarm_logs_LogMessage, LogMessage__Output as _swarm_logs_LogMessage__Output } from '../../swarm/logs/LogMessage.js';

export interface PublishLogsMessage {
  'subscriptionId'?: (string);
  'messages'?: (_swarm_logs_LogMessage)[];
  /**
   * Close: this node sent everything it has for the subscription.
   */
  'close'?: (boolean);
  /**
   * Warnings from the node (e.g. a task's log could not be read).
   */
  'warnings'?: (string)[];
}

export interface PublishLogsMessage__Output {
  'subscriptionId': (string);
  'messages': (_swarm_logs_LogMessage__Output)[];
  /**
   * Close: this node sent everything it has for the subscription.
   */
  'close': (boolean);
  /**
   * Warnings from the node (e.g. a task's log could not be read).
   */
  'warnings': (string)[];
}
