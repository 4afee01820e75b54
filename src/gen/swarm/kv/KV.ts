// Original file: proto/kv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteRequest as _swarm_kv_DeleteRequest, DeleteRequest__Output as _swarm_kv_DeleteRequest__Output } from '../../swarm/kv/DeleteRequest.js';
import type { DeleteResponse as _swarm_kv_DeleteResponse, DeleteResponse__Output as _swarm_kv_DeleteResponse__Output } from '../../swarm/kv/DeleteResponse.js';
import type { GetRequest as _swarm_kv_GetRequest, GetRequest__Output as _swarm_kv_GetRequest__Output } from '../../swarm/kv/GetRequest.js';
import type { GetResponse as _swarm_kv_GetResponse, GetResponse__Output as _swarm_kv_GetResponse__Output } from '../../swarm/kv/GetResponse.js';
import type { PutRequest as _swarm_kv_PutRequest, PutRequest__Output as _swarm_kv_PutRequest__Output } from '../../swarm/kv/PutRequest.js';
import type { PutResponse as _swarm_kv_PutResponse, PutResponse__Output as _swarm_kv_PutResponse__Output } from '../../swarm/kv/PutResponse.js';
import type { StatusRequest as _swarm_kv_StatusRequest, StatusRequest__Output as _swarm_kv_StatusRequest__Output } from '../../swarm/kv/StatusRequest.js';
import type { StatusResponse as _swarm_kv_StatusResponse, StatusResponse__Output as _swarm_kv_StatusResponse__Output } from '../../swarm/kv/StatusResponse.js';

export interface KVClient extends grpc.Client {
  Delete(argument: _swarm_kv_DeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_DeleteResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _swarm_kv_DeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_kv_DeleteResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _swarm_kv_DeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_DeleteResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _swarm_kv_DeleteRequest, callback: grpc.requestCallback<_swarm_kv_DeleteResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _swarm_kv_DeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_DeleteResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _swarm_kv_DeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_kv_DeleteResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _swarm_kv_DeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_DeleteResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _swarm_kv_DeleteRequest, callback: grpc.requestCallback<_swarm_kv_DeleteResponse__Output>): grpc.ClientUnaryCall;
  
  Get(argument: _swarm_kv_GetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_GetResponse__Output>): grpc.ClientUnaryCall;
  Get(argument: _swarm_kv_GetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_kv_GetResponse__Output>): grpc.ClientUnaryCall;
  Get(argument: _swarm_kv_GetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_GetResponse__Output>): grpc.ClientUnaryCall;
  Get(argument: _swarm_kv_GetRequest, callback: grpc.requestCallback<_swarm_kv_GetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _swarm_kv_GetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_GetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _swarm_kv_GetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_kv_GetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _swarm_kv_GetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_GetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _swarm_kv_GetRequest, callback: grpc.requestCallback<_swarm_kv_GetResponse__Output>): grpc.ClientUnaryCall;
  
  Put(argument: _swarm_kv_PutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _swarm_kv_PutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_kv_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _swarm_kv_PutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _swarm_kv_PutRequest, callback: grpc.requestCallback<_swarm_kv_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _swarm_kv_PutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _swarm_kv_PutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_kv_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _swarm_kv_PutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _swarm_kv_PutRequest, callback: grpc.requestCallback<_swarm_kv_PutResponse__Output>): grpc.ClientUnaryCall;
  
  Status(argument: _swarm_kv_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _swarm_kv_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_kv_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _swarm_kv_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _swarm_kv_StatusRequest, callback: grpc.requestCallback<_swarm_kv_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _swarm_kv_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _swarm_kv_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_kv_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _swarm_kv_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_kv_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _swarm_kv_StatusRequest, callback: grpc.requestCallback<_swarm_kv_StatusResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface KVHandlers extends grpc.UntypedServiceImplementation {
  Delete: grpc.handleUnaryCall<_swarm_kv_DeleteRequest__Output, _swarm_kv_DeleteResponse>;
  
  Get: grpc.handleUnaryCall<_swarm_kv_GetRequest__Output, _swarm_kv_GetResponse>;
  
  Put: grpc.handleUnaryCall<_swarm_kv_PutRequest__Output, _swarm_kv_PutResponse>;
  
  Status: grpc.handleUnaryCall<_swarm_kv_StatusRequest__Output, _swarm_kv_StatusResponse>;
  
}

export interface KVDefinition extends grpc.ServiceDefinition {
  Delete: MethodDefinition<_swarm_kv_DeleteRequest, _swarm_kv_DeleteResponse, _swarm_kv_DeleteRequest__Output, _swarm_kv_DeleteResponse__Output>
  Get: MethodDefinition<_swarm_kv_GetRequest, _swarm_kv_GetResponse, _swarm_kv_GetRequest__Output, _swarm_kv_GetResponse__Output>
  Put: MethodDefinition<_swarm_kv_PutRequest, _swarm_kv_PutResponse, _swarm_kv_PutRequest__Output, _swarm_kv_PutResponse__Output>
  Status: MethodDefinition<_swarm_kv_StatusRequest, _swarm_kv_StatusResponse, _swarm_kv_StatusRequest__Output, _swarm_kv_StatusResponse__Output>
}
