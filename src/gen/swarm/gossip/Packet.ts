// Original file: proto/gossip.proto

import type { GossipMessage as _swarm_gossip_GossipMessage, GossipMessage__Output as _swarm_gossip_GossipMessage__Output } from '../../swarm/gossip/GossipMessage.js';
import type { Long } from '@grpc/proto-loader';

export interface Packet {
  'messages'?: (_swarm_gossip_GossipMessage)[];
  /**
   * Sender names the member that sealed this packet. With epoch and seq it lets a receiver drop a
   * replayed packet (an attacker re-sending captured ciphertext): see src/gossip/envelope.ts.
   */
  'sender'?: (string);
  /**
   * Epoch is the sender's start time (ms since 1970): a restarted sender begins a new sequence.
   */
  'epoch'?: (number | string | Long);
  /**
   * Seq numbers the sender's packets within one epoch (UDP datagrams and TCP frames alike), from 1.
   */
  'seq'?: (number | string | Long);
  /**
   * NextFrameBytes is set only in the first frame of a TCP connection (the hello, at most 1 KiB and
   * without messages): the size of the one frame that follows. Nothing large is buffered before the
   * hello has authenticated.
   */
  'nextFrameBytes'?: (number);
}

export interface Packet__Output {
  'messages': (_swarm_gossip_GossipMessage__Output)[];
  /**
   * Sender names the member that sealed this packet. With epoch and seq it lets a receiver drop a
   * replayed packet (an attacker re-sending captured ciphertext): see src/gossip/envelope.ts.
   */
  'sender': (string);
  /**
   * Epoch is the sender's start time (ms since 1970): a restarted sender begins a new sequence.
   */
  'epoch': (number);
  /**
   * Seq numbers the sender's packets within one epoch (UDP datagrams and TCP frames alike), from 1.
   */
  'seq': (number);
  /**
   * NextFrameBytes is set only in the first frame of a TCP connection (the hello, at most 1 KiB and
   * without messages): the size of the one frame that follows. Nothing large is buffered before the
   * hello has authenticated.
   */
  'nextFrameBytes': (number);
}
