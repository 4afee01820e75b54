// Original file: proto/dispatcher.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AssignmentsMessage as _swarm_dispatcher_AssignmentsMessage, AssignmentsMessage__Output as _swarm_dispatcher_AssignmentsMessage__Output } from '../../swarm/dispatcher/AssignmentsMessage.js';
import type { AssignmentsRequest as _swarm_dispatcher_AssignmentsRequest, AssignmentsRequest__Output as _swarm_dispatcher_AssignmentsRequest__Output } from '../../swarm/dispatcher/AssignmentsRequest.js';
import type { HeartbeatRequest as _swarm_dispatcher_HeartbeatRequest, HeartbeatRequest__Output as _swarm_dispatcher_HeartbeatRequest__Output } from '../../swarm/dispatcher/HeartbeatRequest.js';
import type { HeartbeatResponse as _swarm_dispatcher_HeartbeatResponse, HeartbeatResponse__Output as _swarm_dispatcher_HeartbeatResponse__Output } from '../../swarm/dispatcher/HeartbeatResponse.js';
import type { RoutesMessage as _swarm_dispatcher_RoutesMessage, RoutesMessage__Output as _swarm_dispatcher_RoutesMessage__Output } from '../../swarm/dispatcher/RoutesMessage.js';
import type { RoutesRequest as _swarm_dispatcher_RoutesRequest, RoutesRequest__Output as _swarm_dispatcher_RoutesRequest__Output } from '../../swarm/dispatcher/RoutesRequest.js';
import type { UpdateTaskStatusRequest as _swarm_dispatcher_UpdateTaskStatusRequest, UpdateTaskStatusRequest__Output as _swarm_dispatcher_UpdateTaskStatusRequest__Output } from '../../swarm/dispatcher/UpdateTaskStatusRequest.js';
import type { UpdateTaskStatusResponse as _swarm_dispatcher_UpdateTaskStatusResponse, UpdateTaskStatusResponse__Output as _swarm_dispatcher_UpdateTaskStatusResponse__Output } from '../../swarm/dispatcher/UpdateTaskStatusResponse.js';

export interface DispatcherClient extends grpc.Client {
  /**
   * Assignments streams the calling node's tasks: first the COMPLETE set, then INCREMENTAL changes
   * (tasks added or changed, ids removed). The stream ends when this manager loses leadership; the
   * agent then reconnects to the new leader and gets a COMPLETE set again.
   */
  Assignments(argument: _swarm_dispatcher_AssignmentsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_dispatcher_AssignmentsMessage__Output>;
  Assignments(argument: _swarm_dispatcher_AssignmentsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_dispatcher_AssignmentsMessage__Output>;
  /**
   * Assignments streams the calling node's tasks: first the COMPLETE set, then INCREMENTAL changes
   * (tasks added or changed, ids removed). The stream ends when this manager loses leadership; the
   * agent then reconnects to the new leader and gets a COMPLETE set again.
   */
  assignments(argument: _swarm_dispatcher_AssignmentsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_dispatcher_AssignmentsMessage__Output>;
  assignments(argument: _swarm_dispatcher_AssignmentsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_dispatcher_AssignmentsMessage__Output>;
  
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
  
  /**
   * Routes streams the cluster's network map for the routing mesh and the overlay: every node's
   * underlay address and task subnet, and every service with published ports with its routable
   * tasks. Each message is the complete map (sent again, coalesced, after every relevant change);
   * the stream ends when this manager loses leadership.
   */
  Routes(argument: _swarm_dispatcher_RoutesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_dispatcher_RoutesMessage__Output>;
  Routes(argument: _swarm_dispatcher_RoutesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_dispatcher_RoutesMessage__Output>;
  /**
   * Routes streams the cluster's network map for the routing mesh and the overlay: every node's
   * underlay address and task subnet, and every service with published ports with its routable
   * tasks. Each message is the complete map (sent again, coalesced, after every relevant change);
   * the stream ends when this manager loses leadership.
   */
  routes(argument: _swarm_dispatcher_RoutesRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_dispatcher_RoutesMessage__Output>;
  routes(argument: _swarm_dispatcher_RoutesRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_dispatcher_RoutesMessage__Output>;
  
  /**
   * UpdateTaskStatus reports observed task states of the calling node's tasks; the dispatcher batches
   * them into store transactions. A status never moves a task backwards.
   */
  UpdateTaskStatus(argument: _swarm_dispatcher_UpdateTaskStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_dispatcher_UpdateTaskStatusResponse__Output>): grpc.ClientUnaryCall;
  UpdateTaskStatus(argument: _swarm_dispatcher_UpdateTaskStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_dispatcher_UpdateTaskStatusResponse__Output>): grpc.ClientUnaryCall;
  UpdateTaskStatus(argument: _swarm_dispatcher_UpdateTaskStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_dispatcher_UpdateTaskStatusResponse__Output>): grpc.ClientUnaryCall;
  UpdateTaskStatus(argument: _swarm_dispatcher_UpdateTaskStatusRequest, callback: grpc.requestCallback<_swarm_dispatcher_UpdateTaskStatusResponse__Output>): grpc.ClientUnaryCall;
  /**
   * UpdateTaskStatus reports observed task states of the calling node's tasks; the dispatcher batches
   * them into store transactions. A status never moves a task backwards.
   */
  updateTaskStatus(argument: _swarm_dispatcher_UpdateTaskStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_dispatcher_UpdateTaskStatusResponse__Output>): grpc.ClientUnaryCall;
  updateTaskStatus(argument: _swarm_dispatcher_UpdateTaskStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_dispatcher_UpdateTaskStatusResponse__Output>): grpc.ClientUnaryCall;
  updateTaskStatus(argument: _swarm_dispatcher_UpdateTaskStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_dispatcher_UpdateTaskStatusResponse__Output>): grpc.ClientUnaryCall;
  updateTaskStatus(argument: _swarm_dispatcher_UpdateTaskStatusRequest, callback: grpc.requestCallback<_swarm_dispatcher_UpdateTaskStatusResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface DispatcherHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Assignments streams the calling node's tasks: first the COMPLETE set, then INCREMENTAL changes
   * (tasks added or changed, ids removed). The stream ends when this manager loses leadership; the
   * agent then reconnects to the new leader and gets a COMPLETE set again.
   */
  Assignments: grpc.handleServerStreamingCall<_swarm_dispatcher_AssignmentsRequest__Output, _swarm_dispatcher_AssignmentsMessage>;
  
  /**
   * Heartbeat reports that the calling node (identified by its certificate) is alive. Only the leader
   * answers; a follower refuses with FAILED_PRECONDITION naming the leader's address.
   */
  Heartbeat: grpc.handleUnaryCall<_swarm_dispatcher_HeartbeatRequest__Output, _swarm_dispatcher_HeartbeatResponse>;
  
  /**
   * Routes streams the cluster's network map for the routing mesh and the overlay: every node's
   * underlay address and task subnet, and every service with published ports with its routable
   * tasks. Each message is the complete map (sent again, coalesced, after every relevant change);
   * the stream ends when this manager loses leadership.
   */
  Routes: grpc.handleServerStreamingCall<_swarm_dispatcher_RoutesRequest__Output, _swarm_dispatcher_RoutesMessage>;
  
  /**
   * UpdateTaskStatus reports observed task states of the calling node's tasks; the dispatcher batches
   * them into store transactions. A status never moves a task backwards.
   */
  UpdateTaskStatus: grpc.handleUnaryCall<_swarm_dispatcher_UpdateTaskStatusRequest__Output, _swarm_dispatcher_UpdateTaskStatusResponse>;
  
}

export interface DispatcherDefinition extends grpc.ServiceDefinition {
  Assignments: MethodDefinition<_swarm_dispatcher_AssignmentsRequest, _swarm_dispatcher_AssignmentsMessage, _swarm_dispatcher_AssignmentsRequest__Output, _swarm_dispatcher_AssignmentsMessage__Output>
  Heartbeat: MethodDefinition<_swarm_dispatcher_HeartbeatRequest, _swarm_dispatcher_HeartbeatResponse, _swarm_dispatcher_HeartbeatRequest__Output, _swarm_dispatcher_HeartbeatResponse__Output>
  Routes: MethodDefinition<_swarm_dispatcher_RoutesRequest, _swarm_dispatcher_RoutesMessage, _swarm_dispatcher_RoutesRequest__Output, _swarm_dispatcher_RoutesMessage__Output>
  UpdateTaskStatus: MethodDefinition<_swarm_dispatcher_UpdateTaskStatusRequest, _swarm_dispatcher_UpdateTaskStatusResponse, _swarm_dispatcher_UpdateTaskStatusRequest__Output, _swarm_dispatcher_UpdateTaskStatusResponse__Output>
}
