// Original file: proto/raft.proto

import type { ConfState as _swarm_raft_ConfState, ConfState__Output as _swarm_raft_ConfState__Output } from '../../swarm/raft/ConfState.js';
import type { Long } from '@grpc/proto-loader';

export interface SnapshotMetadata {
  'confState'?: (_swarm_raft_ConfState | null);
  'index'?: (number | string | Long);
  'term'?: (number | string | Long);
}

export interface SnapshotMetadata__Output {
  'confState': (_swarm_raft_ConfState__Output | null);
  'index': (number);
  'term': (number);
}
