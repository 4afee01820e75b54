import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ListenSubscriptionsRequest as _swarm_logs_ListenSubscriptionsRequest, ListenSubscriptionsRequest__Output as _swarm_logs_ListenSubscriptionsRequest__Output } from './swarm/logs/ListenSubscriptionsRequest.js';
import type { LogBrokerClient as _swarm_logs_LogBrokerClient, LogBrokerDefinition as _swarm_logs_LogBrokerDefinition } from './swarm/logs/LogBroker.js';
import type { LogContext as _swarm_logs_LogContext, LogContext__Output as _swarm_logs_LogContext__Output } from './swarm/logs/LogContext.js';
import type { LogMessage as _swarm_logs_LogMessage, LogMessage__Output as _swarm_logs_LogMessage__Output } from './swarm/logs/LogMessage.js';
import type { LogOptions as _swarm_logs_LogOptions, LogOptions__Output as _swarm_logs_LogOptions__Output } from './swarm/logs/LogOptions.js';
import type { LogSelector as _swarm_logs_LogSelector, LogSelector__Output as _swarm_logs_LogSelector__Output } from './swarm/logs/LogSelector.js';
import type { LogsClient as _swarm_logs_LogsClient, LogsDefinition as _swarm_logs_LogsDefinition } from './swarm/logs/Logs.js';
import type { PublishLogsMessage as _swarm_logs_PublishLogsMessage, PublishLogsMessage__Output as _swarm_logs_PublishLogsMessage__Output } from './swarm/logs/PublishLogsMessage.js';
import type { PublishLogsResponse as _swarm_logs_PublishLogsResponse, PublishLogsResponse__Output as _swarm_logs_PublishLogsResponse__Output } from './swarm/logs/PublishLogsResponse.js';
import type { SubscribeLogsMessage as _swarm_logs_SubscribeLogsMessage, SubscribeLogsMessage__Output as _swarm_logs_SubscribeLogsMessage__Output } from './swarm/logs/SubscribeLogsMessage.js';
import type { SubscribeLogsRequest as _swarm_logs_SubscribeLogsRequest, SubscribeLogsRequest__Output as _swarm_logs_SubscribeLogsRequest__Output } from './swarm/logs/SubscribeLogsRequest.js';
import type { SubscriptionMessage as _swarm_logs_SubscriptionMessage, SubscriptionMessage__Output as _swarm_logs_SubscriptionMessage__Output } from './swarm/logs/SubscriptionMessage.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  swarm: {
    logs: {
      ListenSubscriptionsRequest: MessageTypeDefinition<_swarm_logs_ListenSubscriptionsRequest, _swarm_logs_ListenSubscriptionsRequest__Output>
      LogBroker: SubtypeConstructor<typeof grpc.Client, _swarm_logs_LogBrokerClient> & { service: _swarm_logs_LogBrokerDefinition }
      LogContext: MessageTypeDefinition<_swarm_logs_LogContext, _swarm_logs_LogContext__Output>
      LogMessage: MessageTypeDefinition<_swarm_logs_LogMessage, _swarm_logs_LogMessage__Output>
      LogOptions: MessageTypeDefinition<_swarm_logs_LogOptions, _swarm_logs_LogOptions__Output>
      LogSelector: MessageTypeDefinition<_swarm_logs_LogSelector, _swarm_logs_LogSelector__Output>
      Logs: SubtypeConstructor<typeof grpc.Client, _swarm_logs_LogsClient> & { service: _swarm_logs_LogsDefinition }
      PublishLogsMessage: MessageTypeDefinition<_swarm_logs_PublishLogsMessage, _swarm_logs_PublishLogsMessage__Output>
      PublishLogsResponse: MessageTypeDefinition<_swarm_logs_PublishLogsResponse, _swarm_logs_PublishLogsResponse__Output>
      SubscribeLogsMessage: MessageTypeDefinition<_swarm_logs_SubscribeLogsMessage, _swarm_logs_SubscribeLogsMessage__Output>
      SubscribeLogsRequest: MessageTypeDefinition<_swarm_logs_SubscribeLogsRequest, _swarm_logs_SubscribeLogsRequest__Output>
      SubscriptionMessage: MessageTypeDefinition<_swarm_logs_SubscriptionMessage, _swarm_logs_SubscriptionMessage__Output>
    }
  }
}

