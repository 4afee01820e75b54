import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { DispatcherClient as _swarm_dispatcher_DispatcherClient, DispatcherDefinition as _swarm_dispatcher_DispatcherDefinition } from './swarm/dispatcher/Dispatcher.js';
import type { HeartbeatRequest as _swarm_dispatcher_HeartbeatRequest, HeartbeatRequest__Output as _swarm_dispatcher_HeartbeatRequest__Output } from './swarm/dispatcher/HeartbeatRequest.js';
import type { HeartbeatResponse as _swarm_dispatcher_HeartbeatResponse, HeartbeatResponse__Output as _swarm_dispatcher_HeartbeatResponse__Output } from './swarm/dispatcher/HeartbeatResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  swarm: {
    dispatcher: {
      Dispatcher: SubtypeConstructor<typeof grpc.Client, _swarm_dispatcher_DispatcherClient> & { service: _swarm_dispatcher_DispatcherDefinition }
      HeartbeatRequest: MessageTypeDefinition<_swarm_dispatcher_HeartbeatRequest, _swarm_dispatcher_HeartbeatRequest__Output>
      HeartbeatResponse: MessageTypeDefinition<_swarm_dispatcher_HeartbeatResponse, _swarm_dispatcher_HeartbeatResponse__Output>
    }
  }
}

