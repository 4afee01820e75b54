// Original file: proto/logs.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ListenSubscriptionsRequest as _swarm_logs_ListenSubscriptionsRequest, ListenSubscriptionsRequest__Output as _swarm_logs_ListenSubscriptionsRequest__Output } from '../../swarm/logs/ListenSubscriptionsRequest.js';
import type { PublishLogsMessage as _swarm_logs_PublishLogsMessage, PublishLogsMessage__Output as _swarm_logs_PublishLogsMessage__Output } from '../../swarm/logs/PublishLogsMessage.js';
import type { PublishLogsResponse as _swarm_logs_PublishLogsResponse, PublishLogsResponse__Output as _swarm_logs_PublishLogsResponse__Output } from '../../swarm/logs/PublishLogsResponse.js';
import type { SubscriptionMessage as _swarm_logs_SubscriptionMessage, SubscriptionMessage__Output as _swarm_logs_SubscriptionMessage__Output } from '../../swarm/logs/SubscriptionMessage.js';

export interface LogBrokerClient extends grpc.Client {
  /**
   * ListenSubscriptions (nodes): the subscriptions active now, then each new one and each close.
   */
  ListenSubscriptions(argument: _swarm_logs_ListenSubscriptionsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_logs_SubscriptionMessage__Output>;
  ListenSubscriptions(argument: _swarm_logs_ListenSubscriptionsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_logs_SubscriptionMessage__Output>;
  /**
   * ListenSubscriptions (nodes): the subscriptions active now, then each new one and each close.
   */
  listenSubscriptions(argument: _swarm_logs_ListenSubscriptionsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_logs_SubscriptionMessage__Output>;
  listenSubscriptions(argument: _swarm_logs_ListenSubscriptionsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_logs_SubscriptionMessage__Output>;
  
  /**
   * PublishLogs (nodes): log lines for subscriptions; a message with close = true ends the node's part
   * of one subscription.
   */
  PublishLogs(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_logs_PublishLogsResponse__Output>): grpc.ClientWritableStream<_swarm_logs_PublishLogsMessage>;
  PublishLogs(metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_logs_PublishLogsResponse__Output>): grpc.ClientWritableStream<_swarm_logs_PublishLogsMessage>;
  PublishLogs(options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_logs_PublishLogsResponse__Output>): grpc.ClientWritableStream<_swarm_logs_PublishLogsMessage>;
  PublishLogs(callback: grpc.requestCallback<_swarm_logs_PublishLogsResponse__Output>): grpc.ClientWritableStream<_swarm_logs_PublishLogsMessage>;
  /**
   * PublishLogs (nodes): log lines for subscriptions; a message with close = true ends the node's part
   * of one subscription.
   */
  publishLogs(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_logs_PublishLogsResponse__Output>): grpc.ClientWritableStream<_swarm_logs_PublishLogsMessage>;
  publishLogs(metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_logs_PublishLogsResponse__Output>): grpc.ClientWritableStream<_swarm_logs_PublishLogsMessage>;
  publishLogs(options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_logs_PublishLogsResponse__Output>): grpc.ClientWritableStream<_swarm_logs_PublishLogsMessage>;
  publishLogs(callback: grpc.requestCallback<_swarm_logs_PublishLogsResponse__Output>): grpc.ClientWritableStream<_swarm_logs_PublishLogsMessage>;
  
}

export interface LogBrokerHandlers extends grpc.UntypedServiceImplementation {
  /**
   * ListenSubscriptions (nodes): the subscriptions active now, then each new one and each close.
   */
  ListenSubscriptions: grpc.handleServerStreamingCall<_swarm_logs_ListenSubscriptionsRequest__Output, _swarm_logs_SubscriptionMessage>;
  
  /**
   * PublishLogs (nodes): log lines for subscriptions; a message with close = true ends the node's part
   * of one subscription.
   */
  PublishLogs: grpc.handleClientStreamingCall<_swarm_logs_PublishLogsMessage__Output, _swarm_logs_PublishLogsResponse>;
  
}

export interface LogBrokerDefinition extends grpc.ServiceDefinition {
  ListenSubscriptions: MethodDefinition<_swarm_logs_ListenSubscriptionsRequest, _swarm_logs_SubscriptionMessage, _swarm_logs_ListenSubscriptionsRequest__Output, _swarm_logs_SubscriptionMessage__Output>
  PublishLogs: MethodDefinition<_swarm_logs_PublishLogsMessage, _swarm_logs_PublishLogsResponse, _swarm_logs_PublishLogsMessage__Output, _swarm_logs_PublishLogsResponse__Output>
}
