// Original file: proto/raft.proto

import type { Message as _swarm_raft_Message, Message__Output as _swarm_raft_Message__Output } from '../../swarm/raft/Message.js';

export interface MessageBatch {
  'messages'?: (_swarm_raft_Message)[];
}

export interface MessageBatch__Output {
  'messages': (_swarm_raft_Message__Output)[];
}
