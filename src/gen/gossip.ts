import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Ack as _swarm_gossip_Ack, Ack__Output as _swarm_gossip_Ack__Output } from './swarm/gossip/Ack.js';
import type { Alive as _swarm_gossip_Alive, Alive__Output as _swarm_gossip_Alive__Output } from './swarm/gossip/Alive.js';
import type { Dead as _swarm_gossip_Dead, Dead__Output as _swarm_gossip_Dead__Output } from './swarm/gossip/Dead.js';
import type { GossipMessage as _swarm_gossip_GossipMessage, GossipMessage__Output as _swarm_gossip_GossipMessage__Output } from './swarm/gossip/GossipMessage.js';
import type { IndirectPingReq as _swarm_gossip_IndirectPingReq, IndirectPingReq__Output as _swarm_gossip_IndirectPingReq__Output } from './swarm/gossip/IndirectPingReq.js';
import type { Nack as _swarm_gossip_Nack, Nack__Output as _swarm_gossip_Nack__Output } from './swarm/gossip/Nack.js';
import type { NodeMeta as _swarm_gossip_NodeMeta, NodeMeta__Output as _swarm_gossip_NodeMeta__Output } from './swarm/gossip/NodeMeta.js';
import type { Packet as _swarm_gossip_Packet, Packet__Output as _swarm_gossip_Packet__Output } from './swarm/gossip/Packet.js';
import type { Ping as _swarm_gossip_Ping, Ping__Output as _swarm_gossip_Ping__Output } from './swarm/gossip/Ping.js';
import type { PushNodeState as _swarm_gossip_PushNodeState, PushNodeState__Output as _swarm_gossip_PushNodeState__Output } from './swarm/gossip/PushNodeState.js';
import type { PushPull as _swarm_gossip_PushPull, PushPull__Output as _swarm_gossip_PushPull__Output } from './swarm/gossip/PushPull.js';
import type { Suspect as _swarm_gossip_Suspect, Suspect__Output as _swarm_gossip_Suspect__Output } from './swarm/gossip/Suspect.js';
import type { UserMsg as _swarm_gossip_UserMsg, UserMsg__Output as _swarm_gossip_UserMsg__Output } from './swarm/gossip/UserMsg.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  swarm: {
    gossip: {
      Ack: MessageTypeDefinition<_swarm_gossip_Ack, _swarm_gossip_Ack__Output>
      Alive: MessageTypeDefinition<_swarm_gossip_Alive, _swarm_gossip_Alive__Output>
      Dead: MessageTypeDefinition<_swarm_gossip_Dead, _swarm_gossip_Dead__Output>
      GossipMessage: MessageTypeDefinition<_swarm_gossip_GossipMessage, _swarm_gossip_GossipMessage__Output>
      IndirectPingReq: MessageTypeDefinition<_swarm_gossip_IndirectPingReq, _swarm_gossip_IndirectPingReq__Output>
      MemberState: EnumTypeDefinition
      Nack: MessageTypeDefinition<_swarm_gossip_Nack, _swarm_gossip_Nack__Output>
      NodeMeta: MessageTypeDefinition<_swarm_gossip_NodeMeta, _swarm_gossip_NodeMeta__Output>
      Packet: MessageTypeDefinition<_swarm_gossip_Packet, _swarm_gossip_Packet__Output>
      Ping: MessageTypeDefinition<_swarm_gossip_Ping, _swarm_gossip_Ping__Output>
      PushNodeState: MessageTypeDefinition<_swarm_gossip_PushNodeState, _swarm_gossip_PushNodeState__Output>
      PushPull: MessageTypeDefinition<_swarm_gossip_PushPull, _swarm_gossip_PushPull__Output>
      Suspect: MessageTypeDefinition<_swarm_gossip_Suspect, _swarm_gossip_Suspect__Output>
      UserMsg: MessageTypeDefinition<_swarm_gossip_UserMsg, _swarm_gossip_UserMsg__Output>
    }
  }
}

