// Original file: proto/daemon.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { InfoRequest as _swarm_daemon_InfoRequest, InfoRequest__Output as _swarm_daemon_InfoRequest__Output } from '../../swarm/daemon/InfoRequest.js';
import type { InfoResponse as _swarm_daemon_InfoResponse, InfoResponse__Output as _swarm_daemon_InfoResponse__Output } from '../../swarm/daemon/InfoResponse.js';
import type { InitRequest as _swarm_daemon_InitRequest, InitRequest__Output as _swarm_daemon_InitRequest__Output } from '../../swarm/daemon/InitRequest.js';
import type { InitResponse as _swarm_daemon_InitResponse, InitResponse__Output as _swarm_daemon_InitResponse__Output } from '../../swarm/daemon/InitResponse.js';
import type { JoinRequest as _swarm_daemon_JoinRequest, JoinRequest__Output as _swarm_daemon_JoinRequest__Output } from '../../swarm/daemon/JoinRequest.js';
import type { JoinResponse as _swarm_daemon_JoinResponse, JoinResponse__Output as _swarm_daemon_JoinResponse__Output } from '../../swarm/daemon/JoinResponse.js';
import type { LeaveRequest as _swarm_daemon_LeaveRequest, LeaveRequest__Output as _swarm_daemon_LeaveRequest__Output } from '../../swarm/daemon/LeaveRequest.js';
import type { LeaveResponse as _swarm_daemon_LeaveResponse, LeaveResponse__Output as _swarm_daemon_LeaveResponse__Output } from '../../swarm/daemon/LeaveResponse.js';

export interface DaemonClient extends grpc.Client {
  /**
   * Info describes this node's membership (works in every state, also before init/join).
   */
  Info(argument: _swarm_daemon_InfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_InfoResponse__Output>): grpc.ClientUnaryCall;
  Info(argument: _swarm_daemon_InfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_daemon_InfoResponse__Output>): grpc.ClientUnaryCall;
  Info(argument: _swarm_daemon_InfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_InfoResponse__Output>): grpc.ClientUnaryCall;
  Info(argument: _swarm_daemon_InfoRequest, callback: grpc.requestCallback<_swarm_daemon_InfoResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Info describes this node's membership (works in every state, also before init/join).
   */
  info(argument: _swarm_daemon_InfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_InfoResponse__Output>): grpc.ClientUnaryCall;
  info(argument: _swarm_daemon_InfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_daemon_InfoResponse__Output>): grpc.ClientUnaryCall;
  info(argument: _swarm_daemon_InfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_InfoResponse__Output>): grpc.ClientUnaryCall;
  info(argument: _swarm_daemon_InfoRequest, callback: grpc.requestCallback<_swarm_daemon_InfoResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Init makes this node the first manager of a new cluster.
   */
  Init(argument: _swarm_daemon_InitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_InitResponse__Output>): grpc.ClientUnaryCall;
  Init(argument: _swarm_daemon_InitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_daemon_InitResponse__Output>): grpc.ClientUnaryCall;
  Init(argument: _swarm_daemon_InitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_InitResponse__Output>): grpc.ClientUnaryCall;
  Init(argument: _swarm_daemon_InitRequest, callback: grpc.requestCallback<_swarm_daemon_InitResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Init makes this node the first manager of a new cluster.
   */
  init(argument: _swarm_daemon_InitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_InitResponse__Output>): grpc.ClientUnaryCall;
  init(argument: _swarm_daemon_InitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_daemon_InitResponse__Output>): grpc.ClientUnaryCall;
  init(argument: _swarm_daemon_InitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_InitResponse__Output>): grpc.ClientUnaryCall;
  init(argument: _swarm_daemon_InitRequest, callback: grpc.requestCallback<_swarm_daemon_InitResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Join joins an existing cluster through one of its managers.
   */
  Join(argument: _swarm_daemon_JoinRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_JoinResponse__Output>): grpc.ClientUnaryCall;
  Join(argument: _swarm_daemon_JoinRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_daemon_JoinResponse__Output>): grpc.ClientUnaryCall;
  Join(argument: _swarm_daemon_JoinRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_JoinResponse__Output>): grpc.ClientUnaryCall;
  Join(argument: _swarm_daemon_JoinRequest, callback: grpc.requestCallback<_swarm_daemon_JoinResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Join joins an existing cluster through one of its managers.
   */
  join(argument: _swarm_daemon_JoinRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_JoinResponse__Output>): grpc.ClientUnaryCall;
  join(argument: _swarm_daemon_JoinRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_daemon_JoinResponse__Output>): grpc.ClientUnaryCall;
  join(argument: _swarm_daemon_JoinRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_JoinResponse__Output>): grpc.ClientUnaryCall;
  join(argument: _swarm_daemon_JoinRequest, callback: grpc.requestCallback<_swarm_daemon_JoinResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Leave leaves the cluster (a manager removes itself from Raft first; refused if it would break
   * quorum unless forced).
   */
  Leave(argument: _swarm_daemon_LeaveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_LeaveResponse__Output>): grpc.ClientUnaryCall;
  Leave(argument: _swarm_daemon_LeaveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_daemon_LeaveResponse__Output>): grpc.ClientUnaryCall;
  Leave(argument: _swarm_daemon_LeaveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_LeaveResponse__Output>): grpc.ClientUnaryCall;
  Leave(argument: _swarm_daemon_LeaveRequest, callback: grpc.requestCallback<_swarm_daemon_LeaveResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Leave leaves the cluster (a manager removes itself from Raft first; refused if it would break
   * quorum unless forced).
   */
  leave(argument: _swarm_daemon_LeaveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_LeaveResponse__Output>): grpc.ClientUnaryCall;
  leave(argument: _swarm_daemon_LeaveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_daemon_LeaveResponse__Output>): grpc.ClientUnaryCall;
  leave(argument: _swarm_daemon_LeaveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_daemon_LeaveResponse__Output>): grpc.ClientUnaryCall;
  leave(argument: _swarm_daemon_LeaveRequest, callback: grpc.requestCallback<_swarm_daemon_LeaveResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface DaemonHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Info describes this node's membership (works in every state, also before init/join).
   */
  Info: grpc.handleUnaryCall<_swarm_daemon_InfoRequest__Output, _swarm_daemon_InfoResponse>;
  
  /**
   * Init makes this node the first manager of a new cluster.
   */
  Init: grpc.handleUnaryCall<_swarm_daemon_InitRequest__Output, _swarm_daemon_InitResponse>;
  
  /**
   * Join joins an existing cluster through one of its managers.
   */
  Join: grpc.handleUnaryCall<_swarm_daemon_JoinRequest__Output, _swarm_daemon_JoinResponse>;
  
  /**
   * Leave leaves the cluster (a manager removes itself from Raft first; refused if it would break
   * quorum unless forced).
   */
  Leave: grpc.handleUnaryCall<_swarm_daemon_LeaveRequest__Output, _swarm_daemon_LeaveResponse>;
  
}

export interface DaemonDefinition extends grpc.ServiceDefinition {
  Info: MethodDefinition<_swarm_daemon_InfoRequest, _swarm_daemon_InfoResponse, _swarm_daemon_InfoRequest__Output, _swarm_daemon_InfoResponse__Output>
  Init: MethodDefinition<_swarm_daemon_InitRequest, _swarm_daemon_InitResponse, _swarm_daemon_InitRequest__Output, _swarm_daemon_InitResponse__Output>
  Join: MethodDefinition<_swarm_daemon_JoinRequest, _swarm_daemon_JoinResponse, _swarm_daemon_JoinRequest__Output, _swarm_daemon_JoinResponse__Output>
  Leave: MethodDefinition<_swarm_daemon_LeaveRequest, _swarm_daemon_LeaveResponse, _swarm_daemon_LeaveRequest__Output, _swarm_daemon_LeaveResponse__Output>
}
