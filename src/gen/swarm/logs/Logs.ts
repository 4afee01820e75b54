// Original file: proto/logs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { SubscribeLogsMessage as _swarm_logs_SubscribeLogsMessage, SubscribeLogsMessage__Output as _swarm_logs_SubscribeLogsMessage__Output } from '../../swarm/logs/SubscribeLogsMessage.js';
import type { SubscribeLogsRequest as _swarm_logs_SubscribeLogsRequest, SubscribeLogsRequest__Output as _swarm_logs_SubscribeLogsRequest__Output } from '../../swarm/logs/SubscribeLogsRequest.js';

export interface LogsClient extends grpc.Client {
  /**
   * SubscribeLogs streams the logs of the selected tasks. Without follow the stream ends once every
   * node that has (or had) one of the tasks answered; with follow it runs until the caller cancels,
   * also picking up tasks started later. A follower manager relays the call to the leader.
   */
  SubscribeLogs(argument: _swarm_logs_SubscribeLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_logs_SubscribeLogsMessage__Output>;
  SubscribeLogs(argument: _swarm_logs_SubscribeLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_logs_SubscribeLogsMessage__Output>;
  /**
   * SubscribeLogs streams the logs of the selected tasks. Without follow the stream ends once every
   * node that has (or had) one of the tasks answered; with follow it runs until the caller cancels,
   * also picking up tasks started later. A follower manager relays the call to the leader.
   */
  subscribeLogs(argument: _swarm_logs_SubscribeLogsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_logs_SubscribeLogsMessage__Output>;
  subscribeLogs(argument: _swarm_logs_SubscribeLogsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_logs_SubscribeLogsMessage__Output>;
  
}

export interface LogsHandlers extends grpc.UntypedServiceImplementation {
  /**
   * SubscribeLogs streams the logs of the selected tasks. Without follow the stream ends once every
   * node that has (or had) one of the tasks answered; with follow it runs until the caller cancels,
   * also picking up tasks started later. A follower manager relays the call to the leader.
   */
  SubscribeLogs: grpc.handleServerStreamingCall<_swarm_logs_SubscribeLogsRequest__Output, _swarm_logs_SubscribeLogsMessage>;
  
}

export interface LogsDefinition extends grpc.ServiceDefinition {
  SubscribeLogs: MethodDefinition<_swarm_logs_SubscribeLogsRequest, _swarm_logs_SubscribeLogsMessage, _swarm_logs_SubscribeLogsRequest__Output, _swarm_logs_SubscribeLogsMessage__Output>
}
