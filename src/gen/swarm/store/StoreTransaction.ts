// Original file: proto/store.proto

import type { StoreAction as _swarm_store_StoreAction, StoreAction__Output as _swarm_store_StoreAction__Output } from '../../swarm/store/StoreAction.js';
import type { Long } from '@grpc/proto-loader';

/**
 * StoreTransaction is a batch of actions applied atomically. Timestamp is the proposer's clock
 * (Unix ms), written into meta.created_at/updated_at identically on every replica.
 */
export interface StoreTransaction {
  'actions'?: (_swarm_store_StoreAction)[];
  'timestamp'?: (number | string | Long);
}

/**
 * StoreTransaction is a batch of actions applied atomically. Timestamp is the proposer's clock
 * (Unix ms), written into meta.created_at/updated_at identically on every replica.
 */
export interface StoreTransaction__Output {
  'actions': (_swarm_store_StoreAction__Output)[];
  'timestamp': (number);
}
