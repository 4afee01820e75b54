// Original file: proto/dispatcher.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HeartbeatRequest as _swarm_dispatcher_HeartbeatRequest, HeartbeatRequest__Output as _swarm_dispatcher_HeartbeatRequest__Output } from '../../swarm/dispatcher/HeartbeatRequest.js';
import type { HeartbeatResponse as _swarm_dispatcher_HeartbeatResponse, HeartbeatResponse__Output as _swarm_dispatcher_HeartbeatResponse__Output } from '../../swarm/dispatcher/HeartbeatResponse.js';

export interface DispatcherClient extends grpc.Client {
  /**
   * Heartbeat reports that the calling node (identified by its certificate) is alive. Only the leader
   * answers; a follower refuses with FAILED_PRECONDITION naming the leader's address.
   */
  Heartbeat(argument: _swarm_dispatcher_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_dispatcher_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _swarm_dispatcher_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_dispatcher_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _swarm_dispatcher_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_dispatcher_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _swarm_dispatcher_HeartbeatRequest, callback: grpc.requestCallback<_swarm_dispatcher_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Heartbeat reports that the calling node (identified by its certificate) is alive. Only the leader
   * answers; a follower refuses with FAILED_PRECONDITION naming the leader's address.
   */
  heartbeat(argument: _swarm_dispatcher_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_dispatcher_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _swarm_dispatcher_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_dispatcher_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _swarm_dispatcher_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_dispatcher_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _swarm_dispatcher_HeartbeatRequest, callback: grpc.requestCallback<_swarm_dispatcher_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface DispatcherHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Heartbeat reports that the calling node (identified by its certificate) is alive. Only the leader
   * answers; a follower refuses with FAILED_PRECONDITION naming the leader's address.
   */
  Heartbeat: grpc.handleUnaryCall<_swarm_dispatcher_HeartbeatRequest__Output, _swarm_dispatcher_HeartbeatResponse>;
  
}

export interface DispatcherDefinition extends grpc.ServiceDefinition {
  Heartbeat: MethodDefinition<_swarm_dispatcher_HeartbeatRequest, _swarm_dispatcher_HeartbeatResponse, _swarm_dispatcher_HeartbeatRequest__Output, _swarm_dispatcher_HeartbeatResponse__Output>
}
