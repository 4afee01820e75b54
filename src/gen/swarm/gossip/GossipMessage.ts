// Original file: proto/gossip.proto

import type { Ping as _swarm_gossip_Ping, Ping__Output as _swarm_gossip_Ping__Output } from '../../swarm/gossip/Ping.js';
import type { IndirectPingReq as _swarm_gossip_IndirectPingReq, IndirectPingReq__Output as _swarm_gossip_IndirectPingReq__Output } from '../../swarm/gossip/IndirectPingReq.js';
import type { Ack as _swarm_gossip_Ack, Ack__Output as _swarm_gossip_Ack__Output } from '../../swarm/gossip/Ack.js';
import type { Nack as _swarm_gossip_Nack, Nack__Output as _swarm_gossip_Nack__Output } from '../../swarm/gossip/Nack.js';
import type { Suspect as _swarm_gossip_Suspect, Suspect__Output as _swarm_gossip_Suspect__Output } from '../../swarm/gossip/Suspect.js';
import type { Alive as _swarm_gossip_Alive, Alive__Output as _swarm_gossip_Alive__Output } from '../../swarm/gossip/Alive.js';
import type { Dead as _swarm_gossip_Dead, Dead__Output as _swarm_gossip_Dead__Output } from '../../swarm/gossip/Dead.js';
import type { UserMsg as _swarm_gossip_UserMsg, UserMsg__Output as _swarm_gossip_UserMsg__Output } from '../../swarm/gossip/UserMsg.js';
import type { PushPull as _swarm_gossip_PushPull, PushPull__Output as _swarm_gossip_PushPull__Output } from '../../swarm/gossip/PushPull.js';

export interface GossipMessage {
  'ping'?: (_swarm_gossip_Ping | null);
  'indirectPing'?: (_swarm_gossip_IndirectPingReq | null);
  'ack'?: (_swarm_gossip_Ack | null);
  'nack'?: (_swarm_gossip_Nack | null);
  'suspect'?: (_swarm_gossip_Suspect | null);
  'alive'?: (_swarm_gossip_Alive | null);
  'dead'?: (_swarm_gossip_Dead | null);
  'user'?: (_swarm_gossip_UserMsg | null);
  'pushPull'?: (_swarm_gossip_PushPull | null);
  'body'?: "ping"|"indirectPing"|"ack"|"nack"|"suspect"|"alive"|"dead"|"user"|"pushPull";
}

export interface GossipMessage__Output {
  'ping'?: (_swarm_gossip_Ping__Output | null);
  'indirectPing'?: (_swarm_gossip_IndirectPingReq__Output | null);
  'ack'?: (_swarm_gossip_Ack__Output | null);
  'nack'?: (_swarm_gossip_Nack__Output | null);
  'suspect'?: (_swarm_gossip_Suspect__Output | null);
  'alive'?: (_swarm_gossip_Alive__Output | null);
  'dead'?: (_swarm_gossip_Dead__Output | null);
  'user'?: (_swarm_gossip_UserMsg__Output | null);
  'pushPull'?: (_swarm_gossip_PushPull__Output | null);
  'body'?: "ping"|"indirectPing"|"ack"|"nack"|"suspect"|"alive"|"dead"|"user"|"pushPull";
}
