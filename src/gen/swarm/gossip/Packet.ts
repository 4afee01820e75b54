// Original file: proto/gossip.proto

import type { GossipMessage as _swarm_gossip_GossipMessage, GossipMessage__Output as _swarm_gossip_GossipMessage__Output } from '../../swarm/gossip/GossipMessage.js';

export interface Packet {
  'messages'?: (_swarm_gossip_GossipMessage)[];
}

export interface Packet__Output {
  'messages': (_swarm_gossip_GossipMessage__Output)[];
}
