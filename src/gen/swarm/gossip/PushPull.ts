// Original file: proto/gossip.proto

import type { PushNodeState as _swarm_gossip_PushNodeState, PushNodeState__Output as _swarm_gossip_PushNodeState__Output } from '../../swarm/gossip/PushNodeState.js';

/**
 * Full state exchange over TCP (periodic anti-entropy and join).
 */
export interface PushPull {
  'join'?: (boolean);
  'source'?: (string);
  'states'?: (_swarm_gossip_PushNodeState)[];
}

/**
 * Full state exchange over TCP (periodic anti-entropy and join).
 */
export interface PushPull__Output {
  'join': (boolean);
  'source': (string);
  'states': (_swarm_gossip_PushNodeState__Output)[];
}
