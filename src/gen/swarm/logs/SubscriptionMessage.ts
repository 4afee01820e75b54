// Original file: proto/logs.proto

import type { LogSelector as _swarm_logs_LogSelector, LogSelector__Output as _swarm_logs_LogSelector__Output } from '../../swarm/logs/LogSelector.js';
import type { LogOptions as _swarm_logs_LogOptions, LogOptions__Output as _swarm_logs_LogOptions__Output } from '../../swarm/logs/LogOptions.js';

export interface SubscriptionMessage {
  'id'?: (string);
  'selector'?: (_swarm_logs_LogSelector | null);
  'options'?: (_swarm_logs_LogOptions | null);
  /**
   * Close: the subscriber went away; stop publishing for this subscription.
   */
  'close'?: (boolean);
}

export interface SubscriptionMessage__Output {
  'id': (string);
  'selector': (_swarm_logs_LogSelector__Output | null);
  'options': (_swarm_logs_LogOptions__Output | null);
  /**
   * Close: the subscriber went away; stop publishing for this subscription.
   */
  'close': (boolean);
}
