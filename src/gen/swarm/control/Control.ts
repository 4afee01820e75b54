// Original file: proto/control.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateServiceRequest as _swarm_control_CreateServiceRequest, CreateServiceRequest__Output as _swarm_control_CreateServiceRequest__Output } from '../../swarm/control/CreateServiceRequest.js';
import type { CreateServiceResponse as _swarm_control_CreateServiceResponse, CreateServiceResponse__Output as _swarm_control_CreateServiceResponse__Output } from '../../swarm/control/CreateServiceResponse.js';
import type { GetClusterRequest as _swarm_control_GetClusterRequest, GetClusterRequest__Output as _swarm_control_GetClusterRequest__Output } from '../../swarm/control/GetClusterRequest.js';
import type { GetClusterResponse as _swarm_control_GetClusterResponse, GetClusterResponse__Output as _swarm_control_GetClusterResponse__Output } from '../../swarm/control/GetClusterResponse.js';
import type { GetNodeRequest as _swarm_control_GetNodeRequest, GetNodeRequest__Output as _swarm_control_GetNodeRequest__Output } from '../../swarm/control/GetNodeRequest.js';
import type { GetNodeResponse as _swarm_control_GetNodeResponse, GetNodeResponse__Output as _swarm_control_GetNodeResponse__Output } from '../../swarm/control/GetNodeResponse.js';
import type { GetServiceRequest as _swarm_control_GetServiceRequest, GetServiceRequest__Output as _swarm_control_GetServiceRequest__Output } from '../../swarm/control/GetServiceRequest.js';
import type { GetServiceResponse as _swarm_control_GetServiceResponse, GetServiceResponse__Output as _swarm_control_GetServiceResponse__Output } from '../../swarm/control/GetServiceResponse.js';
import type { GetTaskRequest as _swarm_control_GetTaskRequest, GetTaskRequest__Output as _swarm_control_GetTaskRequest__Output } from '../../swarm/control/GetTaskRequest.js';
import type { GetTaskResponse as _swarm_control_GetTaskResponse, GetTaskResponse__Output as _swarm_control_GetTaskResponse__Output } from '../../swarm/control/GetTaskResponse.js';
import type { ListClustersRequest as _swarm_control_ListClustersRequest, ListClustersRequest__Output as _swarm_control_ListClustersRequest__Output } from '../../swarm/control/ListClustersRequest.js';
import type { ListClustersResponse as _swarm_control_ListClustersResponse, ListClustersResponse__Output as _swarm_control_ListClustersResponse__Output } from '../../swarm/control/ListClustersResponse.js';
import type { ListNodesRequest as _swarm_control_ListNodesRequest, ListNodesRequest__Output as _swarm_control_ListNodesRequest__Output } from '../../swarm/control/ListNodesRequest.js';
import type { ListNodesResponse as _swarm_control_ListNodesResponse, ListNodesResponse__Output as _swarm_control_ListNodesResponse__Output } from '../../swarm/control/ListNodesResponse.js';
import type { ListServicesRequest as _swarm_control_ListServicesRequest, ListServicesRequest__Output as _swarm_control_ListServicesRequest__Output } from '../../swarm/control/ListServicesRequest.js';
import type { ListServicesResponse as _swarm_control_ListServicesResponse, ListServicesResponse__Output as _swarm_control_ListServicesResponse__Output } from '../../swarm/control/ListServicesResponse.js';
import type { ListTasksRequest as _swarm_control_ListTasksRequest, ListTasksRequest__Output as _swarm_control_ListTasksRequest__Output } from '../../swarm/control/ListTasksRequest.js';
import type { ListTasksResponse as _swarm_control_ListTasksResponse, ListTasksResponse__Output as _swarm_control_ListTasksResponse__Output } from '../../swarm/control/ListTasksResponse.js';
import type { RemoveNodeRequest as _swarm_control_RemoveNodeRequest, RemoveNodeRequest__Output as _swarm_control_RemoveNodeRequest__Output } from '../../swarm/control/RemoveNodeRequest.js';
import type { RemoveNodeResponse as _swarm_control_RemoveNodeResponse, RemoveNodeResponse__Output as _swarm_control_RemoveNodeResponse__Output } from '../../swarm/control/RemoveNodeResponse.js';
import type { RemoveServiceRequest as _swarm_control_RemoveServiceRequest, RemoveServiceRequest__Output as _swarm_control_RemoveServiceRequest__Output } from '../../swarm/control/RemoveServiceRequest.js';
import type { RemoveServiceResponse as _swarm_control_RemoveServiceResponse, RemoveServiceResponse__Output as _swarm_control_RemoveServiceResponse__Output } from '../../swarm/control/RemoveServiceResponse.js';
import type { UpdateClusterRequest as _swarm_control_UpdateClusterRequest, UpdateClusterRequest__Output as _swarm_control_UpdateClusterRequest__Output } from '../../swarm/control/UpdateClusterRequest.js';
import type { UpdateClusterResponse as _swarm_control_UpdateClusterResponse, UpdateClusterResponse__Output as _swarm_control_UpdateClusterResponse__Output } from '../../swarm/control/UpdateClusterResponse.js';
import type { UpdateNodeRequest as _swarm_control_UpdateNodeRequest, UpdateNodeRequest__Output as _swarm_control_UpdateNodeRequest__Output } from '../../swarm/control/UpdateNodeRequest.js';
import type { UpdateNodeResponse as _swarm_control_UpdateNodeResponse, UpdateNodeResponse__Output as _swarm_control_UpdateNodeResponse__Output } from '../../swarm/control/UpdateNodeResponse.js';
import type { UpdateServiceRequest as _swarm_control_UpdateServiceRequest, UpdateServiceRequest__Output as _swarm_control_UpdateServiceRequest__Output } from '../../swarm/control/UpdateServiceRequest.js';
import type { UpdateServiceResponse as _swarm_control_UpdateServiceResponse, UpdateServiceResponse__Output as _swarm_control_UpdateServiceResponse__Output } from '../../swarm/control/UpdateServiceResponse.js';
import type { WatchMessage as _swarm_control_WatchMessage, WatchMessage__Output as _swarm_control_WatchMessage__Output } from '../../swarm/control/WatchMessage.js';
import type { WatchRequest as _swarm_control_WatchRequest, WatchRequest__Output as _swarm_control_WatchRequest__Output } from '../../swarm/control/WatchRequest.js';

export interface ControlClient extends grpc.Client {
  CreateService(argument: _swarm_control_CreateServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_CreateServiceResponse__Output>): grpc.ClientUnaryCall;
  CreateService(argument: _swarm_control_CreateServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_CreateServiceResponse__Output>): grpc.ClientUnaryCall;
  CreateService(argument: _swarm_control_CreateServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_CreateServiceResponse__Output>): grpc.ClientUnaryCall;
  CreateService(argument: _swarm_control_CreateServiceRequest, callback: grpc.requestCallback<_swarm_control_CreateServiceResponse__Output>): grpc.ClientUnaryCall;
  createService(argument: _swarm_control_CreateServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_CreateServiceResponse__Output>): grpc.ClientUnaryCall;
  createService(argument: _swarm_control_CreateServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_CreateServiceResponse__Output>): grpc.ClientUnaryCall;
  createService(argument: _swarm_control_CreateServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_CreateServiceResponse__Output>): grpc.ClientUnaryCall;
  createService(argument: _swarm_control_CreateServiceRequest, callback: grpc.requestCallback<_swarm_control_CreateServiceResponse__Output>): grpc.ClientUnaryCall;
  
  GetCluster(argument: _swarm_control_GetClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetClusterResponse__Output>): grpc.ClientUnaryCall;
  GetCluster(argument: _swarm_control_GetClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_GetClusterResponse__Output>): grpc.ClientUnaryCall;
  GetCluster(argument: _swarm_control_GetClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetClusterResponse__Output>): grpc.ClientUnaryCall;
  GetCluster(argument: _swarm_control_GetClusterRequest, callback: grpc.requestCallback<_swarm_control_GetClusterResponse__Output>): grpc.ClientUnaryCall;
  getCluster(argument: _swarm_control_GetClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetClusterResponse__Output>): grpc.ClientUnaryCall;
  getCluster(argument: _swarm_control_GetClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_GetClusterResponse__Output>): grpc.ClientUnaryCall;
  getCluster(argument: _swarm_control_GetClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetClusterResponse__Output>): grpc.ClientUnaryCall;
  getCluster(argument: _swarm_control_GetClusterRequest, callback: grpc.requestCallback<_swarm_control_GetClusterResponse__Output>): grpc.ClientUnaryCall;
  
  GetNode(argument: _swarm_control_GetNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetNodeResponse__Output>): grpc.ClientUnaryCall;
  GetNode(argument: _swarm_control_GetNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_GetNodeResponse__Output>): grpc.ClientUnaryCall;
  GetNode(argument: _swarm_control_GetNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetNodeResponse__Output>): grpc.ClientUnaryCall;
  GetNode(argument: _swarm_control_GetNodeRequest, callback: grpc.requestCallback<_swarm_control_GetNodeResponse__Output>): grpc.ClientUnaryCall;
  getNode(argument: _swarm_control_GetNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetNodeResponse__Output>): grpc.ClientUnaryCall;
  getNode(argument: _swarm_control_GetNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_GetNodeResponse__Output>): grpc.ClientUnaryCall;
  getNode(argument: _swarm_control_GetNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetNodeResponse__Output>): grpc.ClientUnaryCall;
  getNode(argument: _swarm_control_GetNodeRequest, callback: grpc.requestCallback<_swarm_control_GetNodeResponse__Output>): grpc.ClientUnaryCall;
  
  GetService(argument: _swarm_control_GetServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetServiceResponse__Output>): grpc.ClientUnaryCall;
  GetService(argument: _swarm_control_GetServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_GetServiceResponse__Output>): grpc.ClientUnaryCall;
  GetService(argument: _swarm_control_GetServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetServiceResponse__Output>): grpc.ClientUnaryCall;
  GetService(argument: _swarm_control_GetServiceRequest, callback: grpc.requestCallback<_swarm_control_GetServiceResponse__Output>): grpc.ClientUnaryCall;
  getService(argument: _swarm_control_GetServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetServiceResponse__Output>): grpc.ClientUnaryCall;
  getService(argument: _swarm_control_GetServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_GetServiceResponse__Output>): grpc.ClientUnaryCall;
  getService(argument: _swarm_control_GetServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetServiceResponse__Output>): grpc.ClientUnaryCall;
  getService(argument: _swarm_control_GetServiceRequest, callback: grpc.requestCallback<_swarm_control_GetServiceResponse__Output>): grpc.ClientUnaryCall;
  
  GetTask(argument: _swarm_control_GetTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _swarm_control_GetTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _swarm_control_GetTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  GetTask(argument: _swarm_control_GetTaskRequest, callback: grpc.requestCallback<_swarm_control_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _swarm_control_GetTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _swarm_control_GetTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _swarm_control_GetTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  getTask(argument: _swarm_control_GetTaskRequest, callback: grpc.requestCallback<_swarm_control_GetTaskResponse__Output>): grpc.ClientUnaryCall;
  
  ListClusters(argument: _swarm_control_ListClustersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  ListClusters(argument: _swarm_control_ListClustersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  ListClusters(argument: _swarm_control_ListClustersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  ListClusters(argument: _swarm_control_ListClustersRequest, callback: grpc.requestCallback<_swarm_control_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  listClusters(argument: _swarm_control_ListClustersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  listClusters(argument: _swarm_control_ListClustersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  listClusters(argument: _swarm_control_ListClustersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  listClusters(argument: _swarm_control_ListClustersRequest, callback: grpc.requestCallback<_swarm_control_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  
  ListNodes(argument: _swarm_control_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _swarm_control_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _swarm_control_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _swarm_control_ListNodesRequest, callback: grpc.requestCallback<_swarm_control_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _swarm_control_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _swarm_control_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _swarm_control_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _swarm_control_ListNodesRequest, callback: grpc.requestCallback<_swarm_control_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  
  ListServices(argument: _swarm_control_ListServicesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  ListServices(argument: _swarm_control_ListServicesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  ListServices(argument: _swarm_control_ListServicesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  ListServices(argument: _swarm_control_ListServicesRequest, callback: grpc.requestCallback<_swarm_control_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  listServices(argument: _swarm_control_ListServicesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  listServices(argument: _swarm_control_ListServicesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  listServices(argument: _swarm_control_ListServicesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  listServices(argument: _swarm_control_ListServicesRequest, callback: grpc.requestCallback<_swarm_control_ListServicesResponse__Output>): grpc.ClientUnaryCall;
  
  ListTasks(argument: _swarm_control_ListTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _swarm_control_ListTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _swarm_control_ListTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  ListTasks(argument: _swarm_control_ListTasksRequest, callback: grpc.requestCallback<_swarm_control_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _swarm_control_ListTasksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _swarm_control_ListTasksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _swarm_control_ListTasksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  listTasks(argument: _swarm_control_ListTasksRequest, callback: grpc.requestCallback<_swarm_control_ListTasksResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * RemoveNode deletes a node that is down (or any node with force); a manager must be demoted first.
   */
  RemoveNode(argument: _swarm_control_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _swarm_control_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _swarm_control_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _swarm_control_RemoveNodeRequest, callback: grpc.requestCallback<_swarm_control_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * RemoveNode deletes a node that is down (or any node with force); a manager must be demoted first.
   */
  removeNode(argument: _swarm_control_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _swarm_control_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _swarm_control_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _swarm_control_RemoveNodeRequest, callback: grpc.requestCallback<_swarm_control_RemoveNodeResponse__Output>): grpc.ClientUnaryCall;
  
  RemoveService(argument: _swarm_control_RemoveServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  RemoveService(argument: _swarm_control_RemoveServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  RemoveService(argument: _swarm_control_RemoveServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  RemoveService(argument: _swarm_control_RemoveServiceRequest, callback: grpc.requestCallback<_swarm_control_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  removeService(argument: _swarm_control_RemoveServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  removeService(argument: _swarm_control_RemoveServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  removeService(argument: _swarm_control_RemoveServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  removeService(argument: _swarm_control_RemoveServiceRequest, callback: grpc.requestCallback<_swarm_control_RemoveServiceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * UpdateCluster replaces the cluster spec and optionally rotates join tokens.
   */
  UpdateCluster(argument: _swarm_control_UpdateClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateClusterResponse__Output>): grpc.ClientUnaryCall;
  UpdateCluster(argument: _swarm_control_UpdateClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_UpdateClusterResponse__Output>): grpc.ClientUnaryCall;
  UpdateCluster(argument: _swarm_control_UpdateClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateClusterResponse__Output>): grpc.ClientUnaryCall;
  UpdateCluster(argument: _swarm_control_UpdateClusterRequest, callback: grpc.requestCallback<_swarm_control_UpdateClusterResponse__Output>): grpc.ClientUnaryCall;
  /**
   * UpdateCluster replaces the cluster spec and optionally rotates join tokens.
   */
  updateCluster(argument: _swarm_control_UpdateClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateClusterResponse__Output>): grpc.ClientUnaryCall;
  updateCluster(argument: _swarm_control_UpdateClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_UpdateClusterResponse__Output>): grpc.ClientUnaryCall;
  updateCluster(argument: _swarm_control_UpdateClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateClusterResponse__Output>): grpc.ClientUnaryCall;
  updateCluster(argument: _swarm_control_UpdateClusterRequest, callback: grpc.requestCallback<_swarm_control_UpdateClusterResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * UpdateNode replaces the node's spec (availability, labels, desired role) if node_version matches.
   */
  UpdateNode(argument: _swarm_control_UpdateNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateNodeResponse__Output>): grpc.ClientUnaryCall;
  UpdateNode(argument: _swarm_control_UpdateNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_UpdateNodeResponse__Output>): grpc.ClientUnaryCall;
  UpdateNode(argument: _swarm_control_UpdateNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateNodeResponse__Output>): grpc.ClientUnaryCall;
  UpdateNode(argument: _swarm_control_UpdateNodeRequest, callback: grpc.requestCallback<_swarm_control_UpdateNodeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * UpdateNode replaces the node's spec (availability, labels, desired role) if node_version matches.
   */
  updateNode(argument: _swarm_control_UpdateNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateNodeResponse__Output>): grpc.ClientUnaryCall;
  updateNode(argument: _swarm_control_UpdateNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_UpdateNodeResponse__Output>): grpc.ClientUnaryCall;
  updateNode(argument: _swarm_control_UpdateNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateNodeResponse__Output>): grpc.ClientUnaryCall;
  updateNode(argument: _swarm_control_UpdateNodeRequest, callback: grpc.requestCallback<_swarm_control_UpdateNodeResponse__Output>): grpc.ClientUnaryCall;
  
  UpdateService(argument: _swarm_control_UpdateServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateServiceResponse__Output>): grpc.ClientUnaryCall;
  UpdateService(argument: _swarm_control_UpdateServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_UpdateServiceResponse__Output>): grpc.ClientUnaryCall;
  UpdateService(argument: _swarm_control_UpdateServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateServiceResponse__Output>): grpc.ClientUnaryCall;
  UpdateService(argument: _swarm_control_UpdateServiceRequest, callback: grpc.requestCallback<_swarm_control_UpdateServiceResponse__Output>): grpc.ClientUnaryCall;
  updateService(argument: _swarm_control_UpdateServiceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateServiceResponse__Output>): grpc.ClientUnaryCall;
  updateService(argument: _swarm_control_UpdateServiceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_control_UpdateServiceResponse__Output>): grpc.ClientUnaryCall;
  updateService(argument: _swarm_control_UpdateServiceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_control_UpdateServiceResponse__Output>): grpc.ClientUnaryCall;
  updateService(argument: _swarm_control_UpdateServiceRequest, callback: grpc.requestCallback<_swarm_control_UpdateServiceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Watch streams store changes: first one SNAPSHOT message per matching object, then one SNAPSHOT
   * message without an object (the listing is complete), then CREATE/UPDATE/REMOVE as they apply.
   * Any manager serves it from its own store; a watcher that falls behind gets an error and re-watches.
   */
  Watch(argument: _swarm_control_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_control_WatchMessage__Output>;
  Watch(argument: _swarm_control_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_control_WatchMessage__Output>;
  /**
   * Watch streams store changes: first one SNAPSHOT message per matching object, then one SNAPSHOT
   * message without an object (the listing is complete), then CREATE/UPDATE/REMOVE as they apply.
   * Any manager serves it from its own store; a watcher that falls behind gets an error and re-watches.
   */
  watch(argument: _swarm_control_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_control_WatchMessage__Output>;
  watch(argument: _swarm_control_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_swarm_control_WatchMessage__Output>;
  
}

export interface ControlHandlers extends grpc.UntypedServiceImplementation {
  CreateService: grpc.handleUnaryCall<_swarm_control_CreateServiceRequest__Output, _swarm_control_CreateServiceResponse>;
  
  GetCluster: grpc.handleUnaryCall<_swarm_control_GetClusterRequest__Output, _swarm_control_GetClusterResponse>;
  
  GetNode: grpc.handleUnaryCall<_swarm_control_GetNodeRequest__Output, _swarm_control_GetNodeResponse>;
  
  GetService: grpc.handleUnaryCall<_swarm_control_GetServiceRequest__Output, _swarm_control_GetServiceResponse>;
  
  GetTask: grpc.handleUnaryCall<_swarm_control_GetTaskRequest__Output, _swarm_control_GetTaskResponse>;
  
  ListClusters: grpc.handleUnaryCall<_swarm_control_ListClustersRequest__Output, _swarm_control_ListClustersResponse>;
  
  ListNodes: grpc.handleUnaryCall<_swarm_control_ListNodesRequest__Output, _swarm_control_ListNodesResponse>;
  
  ListServices: grpc.handleUnaryCall<_swarm_control_ListServicesRequest__Output, _swarm_control_ListServicesResponse>;
  
  ListTasks: grpc.handleUnaryCall<_swarm_control_ListTasksRequest__Output, _swarm_control_ListTasksResponse>;
  
  /**
   * RemoveNode deletes a node that is down (or any node with force); a manager must be demoted first.
   */
  RemoveNode: grpc.handleUnaryCall<_swarm_control_RemoveNodeRequest__Output, _swarm_control_RemoveNodeResponse>;
  
  RemoveService: grpc.handleUnaryCall<_swarm_control_RemoveServiceRequest__Output, _swarm_control_RemoveServiceResponse>;
  
  /**
   * UpdateCluster replaces the cluster spec and optionally rotates join tokens.
   */
  UpdateCluster: grpc.handleUnaryCall<_swarm_control_UpdateClusterRequest__Output, _swarm_control_UpdateClusterResponse>;
  
  /**
   * UpdateNode replaces the node's spec (availability, labels, desired role) if node_version matches.
   */
  UpdateNode: grpc.handleUnaryCall<_swarm_control_UpdateNodeRequest__Output, _swarm_control_UpdateNodeResponse>;
  
  UpdateService: grpc.handleUnaryCall<_swarm_control_UpdateServiceRequest__Output, _swarm_control_UpdateServiceResponse>;
  
  /**
   * Watch streams store changes: first one SNAPSHOT message per matching object, then one SNAPSHOT
   * message without an object (the listing is complete), then CREATE/UPDATE/REMOVE as they apply.
   * Any manager serves it from its own store; a watcher that falls behind gets an error and re-watches.
   */
  Watch: grpc.handleServerStreamingCall<_swarm_control_WatchRequest__Output, _swarm_control_WatchMessage>;
  
}

export interface ControlDefinition extends grpc.ServiceDefinition {
  CreateService: MethodDefinition<_swarm_control_CreateServiceRequest, _swarm_control_CreateServiceResponse, _swarm_control_CreateServiceRequest__Output, _swarm_control_CreateServiceResponse__Output>
  GetCluster: MethodDefinition<_swarm_control_GetClusterRequest, _swarm_control_GetClusterResponse, _swarm_control_GetClusterRequest__Output, _swarm_control_GetClusterResponse__Output>
  GetNode: MethodDefinition<_swarm_control_GetNodeRequest, _swarm_control_GetNodeResponse, _swarm_control_GetNodeRequest__Output, _swarm_control_GetNodeResponse__Output>
  GetService: MethodDefinition<_swarm_control_GetServiceRequest, _swarm_control_GetServiceResponse, _swarm_control_GetServiceRequest__Output, _swarm_control_GetServiceResponse__Output>
  GetTask: MethodDefinition<_swarm_control_GetTaskRequest, _swarm_control_GetTaskResponse, _swarm_control_GetTaskRequest__Output, _swarm_control_GetTaskResponse__Output>
  ListClusters: MethodDefinition<_swarm_control_ListClustersRequest, _swarm_control_ListClustersResponse, _swarm_control_ListClustersRequest__Output, _swarm_control_ListClustersResponse__Output>
  ListNodes: MethodDefinition<_swarm_control_ListNodesRequest, _swarm_control_ListNodesResponse, _swarm_control_ListNodesRequest__Output, _swarm_control_ListNodesResponse__Output>
  ListServices: MethodDefinition<_swarm_control_ListServicesRequest, _swarm_control_ListServicesResponse, _swarm_control_ListServicesRequest__Output, _swarm_control_ListServicesResponse__Output>
  ListTasks: MethodDefinition<_swarm_control_ListTasksRequest, _swarm_control_ListTasksResponse, _swarm_control_ListTasksRequest__Output, _swarm_control_ListTasksResponse__Output>
  RemoveNode: MethodDefinition<_swarm_control_RemoveNodeRequest, _swarm_control_RemoveNodeResponse, _swarm_control_RemoveNodeRequest__Output, _swarm_control_RemoveNodeResponse__Output>
  RemoveService: MethodDefinition<_swarm_control_RemoveServiceRequest, _swarm_control_RemoveServiceResponse, _swarm_control_RemoveServiceRequest__Output, _swarm_control_RemoveServiceResponse__Output>
  UpdateCluster: MethodDefinition<_swarm_control_UpdateClusterRequest, _swarm_control_UpdateClusterResponse, _swarm_control_UpdateClusterRequest__Output, _swarm_control_UpdateClusterResponse__Output>
  UpdateNode: MethodDefinition<_swarm_control_UpdateNodeRequest, _swarm_control_UpdateNodeResponse, _swarm_control_UpdateNodeRequest__Output, _swarm_control_UpdateNodeResponse__Output>
  UpdateService: MethodDefinition<_swarm_control_UpdateServiceRequest, _swarm_control_UpdateServiceResponse, _swarm_control_UpdateServiceRequest__Output, _swarm_control_UpdateServiceResponse__Output>
  Watch: MethodDefinition<_swarm_control_WatchRequest, _swarm_control_WatchMessage, _swarm_control_WatchRequest__Output, _swarm_control_WatchMessage__Output>
}
