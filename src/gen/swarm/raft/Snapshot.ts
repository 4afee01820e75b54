// Original file: proto/raft.proto

import type { SnapshotMetadata as _swarm_raft_SnapshotMetadata, SnapshotMetadata__Output as _swarm_raft_SnapshotMetadata__Output } from '../../swarm/raft/SnapshotMetadata.js';

export interface Snapshot {
  'data'?: (Buffer | Uint8Array | string);
  'metadata'?: (_swarm_raft_SnapshotMetadata | null);
}

export interface Snapshot__Output {
  'data': (Buffer);
  'metadata': (_swarm_raft_SnapshotMetadata__Output | null);
}
