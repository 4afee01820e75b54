// Original file: proto/gossip.proto

import type { NodeMeta as _swarm_gossip_NodeMeta, NodeMeta__Output as _swarm_gossip_NodeMeta__Output } from '../../swarm/gossip/NodeMeta.js';

export interface Alive {
  'incarnation'?: (number);
  'node'?: (string);
  'addr'?: (string);
  'meta'?: (_swarm_gossip_NodeMeta | null);
}

export interface Alive__Output {
  'incarnation': (number);
  'node': (string);
  'addr': (string);
  'meta': (_swarm_gossip_NodeMeta__Output | null);
}
