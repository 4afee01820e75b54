// Original file: proto/raft.proto

import type { ConfChangeType as _swarm_raft_ConfChangeType, ConfChangeType__Output as _swarm_raft_ConfChangeType__Output } from '../../swarm/raft/ConfChangeType.js';
import type { Long } from '@grpc/proto-loader';

export interface ConfChange {
  'type'?: (_swarm_raft_ConfChangeType);
  'nodeId'?: (number | string | Long);
  'context'?: (Buffer | Uint8Array | string);
}

export interface ConfChange__Output {
  'type': (_swarm_raft_ConfChangeType__Output);
  'nodeId': (number);
  'context': (Buffer);
}
