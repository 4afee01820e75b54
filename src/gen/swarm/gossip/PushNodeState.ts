// Original file: proto/gossip.proto

import type { MemberState as _swarm_gossip_MemberState, MemberState__Output as _swarm_gossip_MemberState__Output } from '../../swarm/gossip/MemberState.js';
import type { NodeMeta as _swarm_gossip_NodeMeta, NodeMeta__Output as _swarm_gossip_NodeMeta__Output } from '../../swarm/gossip/NodeMeta.js';

export interface PushNodeState {
  'name'?: (string);
  'addr'?: (string);
  'incarnation'?: (number);
  'state'?: (_swarm_gossip_MemberState);
  'meta'?: (_swarm_gossip_NodeMeta | null);
}

export interface PushNodeState__Output {
  'name': (string);
  'addr': (string);
  'incarnation': (number);
  'state': (_swarm_gossip_MemberState__Output);
  'meta': (_swarm_gossip_NodeMeta__Output | null);
}
