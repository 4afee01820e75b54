// Original file: proto/raft.proto

import type { MessageType as _swarm_raft_MessageType, MessageType__Output as _swarm_raft_MessageType__Output } from '../../swarm/raft/MessageType.js';
import type { Entry as _swarm_raft_Entry, Entry__Output as _swarm_raft_Entry__Output } from '../../swarm/raft/Entry.js';
import type { Snapshot as _swarm_raft_Snapshot, Snapshot__Output as _swarm_raft_Snapshot__Output } from '../../swarm/raft/Snapshot.js';
import type { Long } from '@grpc/proto-loader';

export interface Message {
  'type'?: (_swarm_raft_MessageType);
  'to'?: (number | string | Long);
  'from'?: (number | string | Long);
  'term'?: (number | string | Long);
  'logTerm'?: (number | string | Long);
  'index'?: (number | string | Long);
  'entries'?: (_swarm_raft_Entry)[];
  'commit'?: (number | string | Long);
  'snapshot'?: (_swarm_raft_Snapshot | null);
  'reject'?: (boolean);
  'rejectHint'?: (number | string | Long);
  'context'?: (Buffer | Uint8Array | string);
}

export interface Message__Output {
  'type': (_swarm_raft_MessageType__Output);
  'to': (number);
  'from': (number);
  'term': (number);
  'logTerm': (number);
  'index': (number);
  'entries': (_swarm_raft_Entry__Output)[];
  'commit': (number);
  'snapshot': (_swarm_raft_Snapshot__Output | null);
  'reject': (boolean);
  'rejectHint': (number);
  'context': (Buffer);
}
