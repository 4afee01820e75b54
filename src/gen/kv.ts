import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { DeleteRequest as _swarm_kv_DeleteRequest, DeleteRequest__Output as _swarm_kv_DeleteRequest__Output } from './swarm/kv/DeleteRequest.js';
import type { DeleteResponse as _swarm_kv_DeleteResponse, DeleteResponse__Output as _swarm_kv_DeleteResponse__Output } from './swarm/kv/DeleteResponse.js';
import type { GetRequest as _swarm_kv_GetRequest, GetRequest__Output as _swarm_kv_GetRequest__Output } from './swarm/kv/GetRequest.js';
import type { GetResponse as _swarm_kv_GetResponse, GetResponse__Output as _swarm_kv_GetResponse__Output } from './swarm/kv/GetResponse.js';
import type { KVClient as _swarm_kv_KVClient, KVDefinition as _swarm_kv_KVDefinition } from './swarm/kv/KV.js';
import type { PutRequest as _swarm_kv_PutRequest, PutRequest__Output as _swarm_kv_PutRequest__Output } from './swarm/kv/PutRequest.js';
import type { PutResponse as _swarm_kv_PutResponse, PutResponse__Output as _swarm_kv_PutResponse__Output } from './swarm/kv/PutResponse.js';
import type { StatusRequest as _swarm_kv_StatusRequest, StatusRequest__Output as _swarm_kv_StatusRequest__Output } from './swarm/kv/StatusRequest.js';
import type { StatusResponse as _swarm_kv_StatusResponse, StatusResponse__Output as _swarm_kv_StatusResponse__Output } from './swarm/kv/StatusResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  swarm: {
    kv: {
      DeleteRequest: MessageTypeDefinition<_swarm_kv_DeleteRequest, _swarm_kv_DeleteRequest__Output>
      DeleteResponse: MessageTypeDefinition<_swarm_kv_DeleteResponse, _swarm_kv_DeleteResponse__Output>
      GetRequest: MessageTypeDefinition<_swarm_kv_GetRequest, _swarm_kv_GetRequest__Output>
      GetResponse: MessageTypeDefinition<_swarm_kv_GetResponse, _swarm_kv_GetResponse__Output>
      KV: SubtypeConstructor<typeof grpc.Client, _swarm_kv_KVClient> & { service: _swarm_kv_KVDefinition }
      PutRequest: MessageTypeDefinition<_swarm_kv_PutRequest, _swarm_kv_PutRequest__Output>
      PutResponse: MessageTypeDefinition<_swarm_kv_PutResponse, _swarm_kv_PutResponse__Output>
      StatusRequest: MessageTypeDefinition<_swarm_kv_StatusRequest, _swarm_kv_StatusRequest__Output>
      StatusResponse: MessageTypeDefinition<_swarm_kv_StatusResponse, _swarm_kv_StatusResponse__Output>
    }
  }
}

