// Original file: proto/membership.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { JoinRaftRequest as _swarm_membership_JoinRaftRequest, JoinRaftRequest__Output as _swarm_membership_JoinRaftRequest__Output } from '../../swarm/membership/JoinRaftRequest.js';
import type { JoinRaftResponse as _swarm_membership_JoinRaftResponse, JoinRaftResponse__Output as _swarm_membership_JoinRaftResponse__Output } from '../../swarm/membership/JoinRaftResponse.js';

export interface RaftMembershipClient extends grpc.Client {
  /**
   * Join adds the calling manager to Raft. Only the leader answers; a follower refuses with
   * FAILED_PRECONDITION and names the leader's API address in the message and in leader_addr.
   */
  Join(argument: _swarm_membership_JoinRaftRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_membership_JoinRaftResponse__Output>): grpc.ClientUnaryCall;
  Join(argument: _swarm_membership_JoinRaftRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_membership_JoinRaftResponse__Output>): grpc.ClientUnaryCall;
  Join(argument: _swarm_membership_JoinRaftRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_membership_JoinRaftResponse__Output>): grpc.ClientUnaryCall;
  Join(argument: _swarm_membership_JoinRaftRequest, callback: grpc.requestCallback<_swarm_membership_JoinRaftResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Join adds the calling manager to Raft. Only the leader answers; a follower refuses with
   * FAILED_PRECONDITION and names the leader's API address in the message and in leader_addr.
   */
  join(argument: _swarm_membership_JoinRaftRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_membership_JoinRaftResponse__Output>): grpc.ClientUnaryCall;
  join(argument: _swarm_membership_JoinRaftRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_membership_JoinRaftResponse__Output>): grpc.ClientUnaryCall;
  join(argument: _swarm_membership_JoinRaftRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_membership_JoinRaftResponse__Output>): grpc.ClientUnaryCall;
  join(argument: _swarm_membership_JoinRaftRequest, callback: grpc.requestCallback<_swarm_membership_JoinRaftResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface RaftMembershipHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Join adds the calling manager to Raft. Only the leader answers; a follower refuses with
   * FAILED_PRECONDITION and names the leader's API address in the message and in leader_addr.
   */
  Join: grpc.handleUnaryCall<_swarm_membership_JoinRaftRequest__Output, _swarm_membership_JoinRaftResponse>;
  
}

export interface RaftMembershipDefinition extends grpc.ServiceDefinition {
  Join: MethodDefinition<_swarm_membership_JoinRaftRequest, _swarm_membership_JoinRaftResponse, _swarm_membership_JoinRaftRequest__Output, _swarm_membership_JoinRaftResponse__Output>
}
