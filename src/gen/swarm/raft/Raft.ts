// Original file: proto/raft.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { MessageBatch as _swarm_raft_MessageBatch, MessageBatch__Output as _swarm_raft_MessageBatch__Output } from '../../swarm/raft/MessageBatch.js';
import type { SendResponse as _swarm_raft_SendResponse, SendResponse__Output as _swarm_raft_SendResponse__Output } from '../../swarm/raft/SendResponse.js';

/**
 * Peer-to-peer transport: each member streams batches of messages to each peer.
 */
export interface RaftClient extends grpc.Client {
  Send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_raft_SendResponse__Output>): grpc.ClientWritableStream<_swarm_raft_MessageBatch>;
  Send(metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_raft_SendResponse__Output>): grpc.ClientWritableStream<_swarm_raft_MessageBatch>;
  Send(options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_raft_SendResponse__Output>): grpc.ClientWritableStream<_swarm_raft_MessageBatch>;
  Send(callback: grpc.requestCallback<_swarm_raft_SendResponse__Output>): grpc.ClientWritableStream<_swarm_raft_MessageBatch>;
  send(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_raft_SendResponse__Output>): grpc.ClientWritableStream<_swarm_raft_MessageBatch>;
  send(metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_raft_SendResponse__Output>): grpc.ClientWritableStream<_swarm_raft_MessageBatch>;
  send(options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_raft_SendResponse__Output>): grpc.ClientWritableStream<_swarm_raft_MessageBatch>;
  send(callback: grpc.requestCallback<_swarm_raft_SendResponse__Output>): grpc.ClientWritableStream<_swarm_raft_MessageBatch>;
  
}

/**
 * Peer-to-peer transport: each member streams batches of messages to each peer.
 */
export interface RaftHandlers extends grpc.UntypedServiceImplementation {
  Send: grpc.handleClientStreamingCall<_swarm_raft_MessageBatch__Output, _swarm_raft_SendResponse>;
  
}

export interface RaftDefinition extends grpc.ServiceDefinition {
  Send: MethodDefinition<_swarm_raft_MessageBatch, _swarm_raft_SendResponse, _swarm_raft_MessageBatch__Output, _swarm_raft_SendResponse__Output>
}
