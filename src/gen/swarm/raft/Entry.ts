// Original file: proto/raft.proto

import type { EntryType as _swarm_raft_EntryType, EntryType__Output as _swarm_raft_EntryType__Output } from '../../swarm/raft/EntryType.js';
import type { Long } from '@grpc/proto-loader';

export interface Entry {
  'term'?: (number | string | Long);
  'index'?: (number | string | Long);
  'type'?: (_swarm_raft_EntryType);
  'data'?: (Buffer | Uint8Array | string);
}

export interface Entry__Output {
  'term': (number);
  'index': (number);
  'type': (_swarm_raft_EntryType__Output);
  'data': (Buffer);
}
