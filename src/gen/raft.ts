import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ConfChange as _swarm_raft_ConfChange, ConfChange__Output as _swarm_raft_ConfChange__Output } from './swarm/raft/ConfChange.js';
import type { ConfState as _swarm_raft_ConfState, ConfState__Output as _swarm_raft_ConfState__Output } from './swarm/raft/ConfState.js';
import type { Entry as _swarm_raft_Entry, Entry__Output as _swarm_raft_Entry__Output } from './swarm/raft/Entry.js';
import type { HardState as _swarm_raft_HardState, HardState__Output as _swarm_raft_HardState__Output } from './swarm/raft/HardState.js';
import type { Message as _swarm_raft_Message, Message__Output as _swarm_raft_Message__Output } from './swarm/raft/Message.js';
import type { MessageBatch as _swarm_raft_MessageBatch, MessageBatch__Output as _swarm_raft_MessageBatch__Output } from './swarm/raft/MessageBatch.js';
import type { RaftClient as _swarm_raft_RaftClient, RaftDefinition as _swarm_raft_RaftDefinition } from './swarm/raft/Raft.js';
import type { SendResponse as _swarm_raft_SendResponse, SendResponse__Output as _swarm_raft_SendResponse__Output } from './swarm/raft/SendResponse.js';
import type { Snapshot as _swarm_raft_Snapshot, Snapshot__Output as _swarm_raft_Snapshot__Output } from './swarm/raft/Snapshot.js';
import type { SnapshotMetadata as _swarm_raft_SnapshotMetadata, SnapshotMetadata__Output as _swarm_raft_SnapshotMetadata__Output } from './swarm/raft/SnapshotMetadata.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  swarm: {
    raft: {
      ConfChange: MessageTypeDefinition<_swarm_raft_ConfChange, _swarm_raft_ConfChange__Output>
      ConfChangeType: EnumTypeDefinition
      ConfState: MessageTypeDefinition<_swarm_raft_ConfState, _swarm_raft_ConfState__Output>
      Entry: MessageTypeDefinition<_swarm_raft_Entry, _swarm_raft_Entry__Output>
      EntryType: EnumTypeDefinition
      HardState: MessageTypeDefinition<_swarm_raft_HardState, _swarm_raft_HardState__Output>
      Message: MessageTypeDefinition<_swarm_raft_Message, _swarm_raft_Message__Output>
      MessageBatch: MessageTypeDefinition<_swarm_raft_MessageBatch, _swarm_raft_MessageBatch__Output>
      MessageType: EnumTypeDefinition
      /**
       * Peer-to-peer transport: each member streams batches of messages to each peer.
       */
      Raft: SubtypeConstructor<typeof grpc.Client, _swarm_raft_RaftClient> & { service: _swarm_raft_RaftDefinition }
      SendResponse: MessageTypeDefinition<_swarm_raft_SendResponse, _swarm_raft_SendResponse__Output>
      Snapshot: MessageTypeDefinition<_swarm_raft_Snapshot, _swarm_raft_Snapshot__Output>
      SnapshotMetadata: MessageTypeDefinition<_swarm_raft_SnapshotMetadata, _swarm_raft_SnapshotMetadata__Output>
    }
  }
}

