import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Annotations as _swarm_api_Annotations, Annotations__Output as _swarm_api_Annotations__Output } from './swarm/api/Annotations.js';
import type { CAConfig as _swarm_api_CAConfig, CAConfig__Output as _swarm_api_CAConfig__Output } from './swarm/api/CAConfig.js';
import type { Cluster as _swarm_api_Cluster, Cluster__Output as _swarm_api_Cluster__Output } from './swarm/api/Cluster.js';
import type { ClusterSpec as _swarm_api_ClusterSpec, ClusterSpec__Output as _swarm_api_ClusterSpec__Output } from './swarm/api/ClusterSpec.js';
import type { ContainerSpec as _swarm_api_ContainerSpec, ContainerSpec__Output as _swarm_api_ContainerSpec__Output } from './swarm/api/ContainerSpec.js';
import type { ContainerStatus as _swarm_api_ContainerStatus, ContainerStatus__Output as _swarm_api_ContainerStatus__Output } from './swarm/api/ContainerStatus.js';
import type { DispatcherConfig as _swarm_api_DispatcherConfig, DispatcherConfig__Output as _swarm_api_DispatcherConfig__Output } from './swarm/api/DispatcherConfig.js';
import type { EncryptionKey as _swarm_api_EncryptionKey, EncryptionKey__Output as _swarm_api_EncryptionKey__Output } from './swarm/api/EncryptionKey.js';
import type { Endpoint as _swarm_api_Endpoint, Endpoint__Output as _swarm_api_Endpoint__Output } from './swarm/api/Endpoint.js';
import type { EndpointSpec as _swarm_api_EndpointSpec, EndpointSpec__Output as _swarm_api_EndpointSpec__Output } from './swarm/api/EndpointSpec.js';
import type { EngineDescription as _swarm_api_EngineDescription, EngineDescription__Output as _swarm_api_EngineDescription__Output } from './swarm/api/EngineDescription.js';
import type { GenericResource as _swarm_api_GenericResource, GenericResource__Output as _swarm_api_GenericResource__Output } from './swarm/api/GenericResource.js';
import type { GlobalService as _swarm_api_GlobalService, GlobalService__Output as _swarm_api_GlobalService__Output } from './swarm/api/GlobalService.js';
import type { GossipConfig as _swarm_api_GossipConfig, GossipConfig__Output as _swarm_api_GossipConfig__Output } from './swarm/api/GossipConfig.js';
import type { HealthConfig as _swarm_api_HealthConfig, HealthConfig__Output as _swarm_api_HealthConfig__Output } from './swarm/api/HealthConfig.js';
import type { JoinTokens as _swarm_api_JoinTokens, JoinTokens__Output as _swarm_api_JoinTokens__Output } from './swarm/api/JoinTokens.js';
import type { ManagerStatus as _swarm_api_ManagerStatus, ManagerStatus__Output as _swarm_api_ManagerStatus__Output } from './swarm/api/ManagerStatus.js';
import type { Meta as _swarm_api_Meta, Meta__Output as _swarm_api_Meta__Output } from './swarm/api/Meta.js';
import type { Mount as _swarm_api_Mount, Mount__Output as _swarm_api_Mount__Output } from './swarm/api/Mount.js';
import type { NetworkAttachment as _swarm_api_NetworkAttachment, NetworkAttachment__Output as _swarm_api_NetworkAttachment__Output } from './swarm/api/NetworkAttachment.js';
import type { Node as _swarm_api_Node, Node__Output as _swarm_api_Node__Output } from './swarm/api/Node.js';
import type { NodeCertificate as _swarm_api_NodeCertificate, NodeCertificate__Output as _swarm_api_NodeCertificate__Output } from './swarm/api/NodeCertificate.js';
import type { NodeDescription as _swarm_api_NodeDescription, NodeDescription__Output as _swarm_api_NodeDescription__Output } from './swarm/api/NodeDescription.js';
import type { NodeSpec as _swarm_api_NodeSpec, NodeSpec__Output as _swarm_api_NodeSpec__Output } from './swarm/api/NodeSpec.js';
import type { NodeStatus as _swarm_api_NodeStatus, NodeStatus__Output as _swarm_api_NodeStatus__Output } from './swarm/api/NodeStatus.js';
import type { OrchestrationConfig as _swarm_api_OrchestrationConfig, OrchestrationConfig__Output as _swarm_api_OrchestrationConfig__Output } from './swarm/api/OrchestrationConfig.js';
import type { Placement as _swarm_api_Placement, Placement__Output as _swarm_api_Placement__Output } from './swarm/api/Placement.js';
import type { PlacementPreference as _swarm_api_PlacementPreference, PlacementPreference__Output as _swarm_api_PlacementPreference__Output } from './swarm/api/PlacementPreference.js';
import type { Platform as _swarm_api_Platform, Platform__Output as _swarm_api_Platform__Output } from './swarm/api/Platform.js';
import type { PortConfig as _swarm_api_PortConfig, PortConfig__Output as _swarm_api_PortConfig__Output } from './swarm/api/PortConfig.js';
import type { RaftConfig as _swarm_api_RaftConfig, RaftConfig__Output as _swarm_api_RaftConfig__Output } from './swarm/api/RaftConfig.js';
import type { RaftMemberStatus as _swarm_api_RaftMemberStatus, RaftMemberStatus__Output as _swarm_api_RaftMemberStatus__Output } from './swarm/api/RaftMemberStatus.js';
import type { RemovedNode as _swarm_api_RemovedNode, RemovedNode__Output as _swarm_api_RemovedNode__Output } from './swarm/api/RemovedNode.js';
import type { ReplicatedService as _swarm_api_ReplicatedService, ReplicatedService__Output as _swarm_api_ReplicatedService__Output } from './swarm/api/ReplicatedService.js';
import type { ResourceLimits as _swarm_api_ResourceLimits, ResourceLimits__Output as _swarm_api_ResourceLimits__Output } from './swarm/api/ResourceLimits.js';
import type { ResourceRequirements as _swarm_api_ResourceRequirements, ResourceRequirements__Output as _swarm_api_ResourceRequirements__Output } from './swarm/api/ResourceRequirements.js';
import type { Resources as _swarm_api_Resources, Resources__Output as _swarm_api_Resources__Output } from './swarm/api/Resources.js';
import type { RestartPolicy as _swarm_api_RestartPolicy, RestartPolicy__Output as _swarm_api_RestartPolicy__Output } from './swarm/api/RestartPolicy.js';
import type { RootCA as _swarm_api_RootCA, RootCA__Output as _swarm_api_RootCA__Output } from './swarm/api/RootCA.js';
import type { Service as _swarm_api_Service, Service__Output as _swarm_api_Service__Output } from './swarm/api/Service.js';
import type { ServiceSpec as _swarm_api_ServiceSpec, ServiceSpec__Output as _swarm_api_ServiceSpec__Output } from './swarm/api/ServiceSpec.js';
import type { Task as _swarm_api_Task, Task__Output as _swarm_api_Task__Output } from './swarm/api/Task.js';
import type { TaskSpec as _swarm_api_TaskSpec, TaskSpec__Output as _swarm_api_TaskSpec__Output } from './swarm/api/TaskSpec.js';
import type { TaskStatus as _swarm_api_TaskStatus, TaskStatus__Output as _swarm_api_TaskStatus__Output } from './swarm/api/TaskStatus.js';
import type { UpdateConfig as _swarm_api_UpdateConfig, UpdateConfig__Output as _swarm_api_UpdateConfig__Output } from './swarm/api/UpdateConfig.js';
import type { UpdateStatus as _swarm_api_UpdateStatus, UpdateStatus__Output as _swarm_api_UpdateStatus__Output } from './swarm/api/UpdateStatus.js';
import type { VirtualIP as _swarm_api_VirtualIP, VirtualIP__Output as _swarm_api_VirtualIP__Output } from './swarm/api/VirtualIP.js';
import type { ControlClient as _swarm_control_ControlClient, ControlDefinition as _swarm_control_ControlDefinition } from './swarm/control/Control.js';
import type { CreateServiceRequest as _swarm_control_CreateServiceRequest, CreateServiceRequest__Output as _swarm_control_CreateServiceRequest__Output } from './swarm/control/CreateServiceRequest.js';
import type { CreateServiceResponse as _swarm_control_CreateServiceResponse, CreateServiceResponse__Output as _swarm_control_CreateServiceResponse__Output } from './swarm/control/CreateServiceResponse.js';
import type { GetClusterRequest as _swarm_control_GetClusterRequest, GetClusterRequest__Output as _swarm_control_GetClusterRequest__Output } from './swarm/control/GetClusterRequest.js';
import type { GetClusterResponse as _swarm_control_GetClusterResponse, GetClusterResponse__Output as _swarm_control_GetClusterResponse__Output } from './swarm/control/GetClusterResponse.js';
import type { GetNodeRequest as _swarm_control_GetNodeRequest, GetNodeRequest__Output as _swarm_control_GetNodeRequest__Output } from './swarm/control/GetNodeRequest.js';
import type { GetNodeResponse as _swarm_control_GetNodeResponse, GetNodeResponse__Output as _swarm_control_GetNodeResponse__Output } from './swarm/control/GetNodeResponse.js';
import type { GetServiceRequest as _swarm_control_GetServiceRequest, GetServiceRequest__Output as _swarm_control_GetServiceRequest__Output } from './swarm/control/GetServiceRequest.js';
import type { GetServiceResponse as _swarm_control_GetServiceResponse, GetServiceResponse__Output as _swarm_control_GetServiceResponse__Output } from './swarm/control/GetServiceResponse.js';
import type { GetTaskRequest as _swarm_control_GetTaskRequest, GetTaskRequest__Output as _swarm_control_GetTaskRequest__Output } from './swarm/control/GetTaskRequest.js';
import type { GetTaskResponse as _swarm_control_GetTaskResponse, GetTaskResponse__Output as _swarm_control_GetTaskResponse__Output } from './swarm/control/GetTaskResponse.js';
import type { KeyRotation as _swarm_control_KeyRotation, KeyRotation__Output as _swarm_control_KeyRotation__Output } from './swarm/control/KeyRotation.js';
import type { ListClustersRequest as _swarm_control_ListClustersRequest, ListClustersRequest__Output as _swarm_control_ListClustersRequest__Output } from './swarm/control/ListClustersRequest.js';
import type { ListClustersResponse as _swarm_control_ListClustersResponse, ListClustersResponse__Output as _swarm_control_ListClustersResponse__Output } from './swarm/control/ListClustersResponse.js';
import type { ListNodesRequest as _swarm_control_ListNodesRequest, ListNodesRequest__Output as _swarm_control_ListNodesRequest__Output } from './swarm/control/ListNodesRequest.js';
import type { ListNodesResponse as _swarm_control_ListNodesResponse, ListNodesResponse__Output as _swarm_control_ListNodesResponse__Output } from './swarm/control/ListNodesResponse.js';
import type { ListServicesRequest as _swarm_control_ListServicesRequest, ListServicesRequest__Output as _swarm_control_ListServicesRequest__Output } from './swarm/control/ListServicesRequest.js';
import type { ListServicesResponse as _swarm_control_ListServicesResponse, ListServicesResponse__Output as _swarm_control_ListServicesResponse__Output } from './swarm/control/ListServicesResponse.js';
import type { ListTasksRequest as _swarm_control_ListTasksRequest, ListTasksRequest__Output as _swarm_control_ListTasksRequest__Output } from './swarm/control/ListTasksRequest.js';
import type { ListTasksResponse as _swarm_control_ListTasksResponse, ListTasksResponse__Output as _swarm_control_ListTasksResponse__Output } from './swarm/control/ListTasksResponse.js';
import type { RemoveNodeRequest as _swarm_control_RemoveNodeRequest, RemoveNodeRequest__Output as _swarm_control_RemoveNodeRequest__Output } from './swarm/control/RemoveNodeRequest.js';
import type { RemoveNodeResponse as _swarm_control_RemoveNodeResponse, RemoveNodeResponse__Output as _swarm_control_RemoveNodeResponse__Output } from './swarm/control/RemoveNodeResponse.js';
import type { RemoveServiceRequest as _swarm_control_RemoveServiceRequest, RemoveServiceRequest__Output as _swarm_control_RemoveServiceRequest__Output } from './swarm/control/RemoveServiceRequest.js';
import type { RemoveServiceResponse as _swarm_control_RemoveServiceResponse, RemoveServiceResponse__Output as _swarm_control_RemoveServiceResponse__Output } from './swarm/control/RemoveServiceResponse.js';
import type { UpdateClusterRequest as _swarm_control_UpdateClusterRequest, UpdateClusterRequest__Output as _swarm_control_UpdateClusterRequest__Output } from './swarm/control/UpdateClusterRequest.js';
import type { UpdateClusterResponse as _swarm_control_UpdateClusterResponse, UpdateClusterResponse__Output as _swarm_control_UpdateClusterResponse__Output } from './swarm/control/UpdateClusterResponse.js';
import type { UpdateNodeRequest as _swarm_control_UpdateNodeRequest, UpdateNodeRequest__Output as _swarm_control_UpdateNodeRequest__Output } from './swarm/control/UpdateNodeRequest.js';
import type { UpdateNodeResponse as _swarm_control_UpdateNodeResponse, UpdateNodeResponse__Output as _swarm_control_UpdateNodeResponse__Output } from './swarm/control/UpdateNodeResponse.js';
import type { UpdateServiceRequest as _swarm_control_UpdateServiceRequest, UpdateServiceRequest__Output as _swarm_control_UpdateServiceRequest__Output } from './swarm/control/UpdateServiceRequest.js';
import type { UpdateServiceResponse as _swarm_control_UpdateServiceResponse, UpdateServiceResponse__Output as _swarm_control_UpdateServiceResponse__Output } from './swarm/control/UpdateServiceResponse.js';
import type { WatchMessage as _swarm_control_WatchMessage, WatchMessage__Output as _swarm_control_WatchMessage__Output } from './swarm/control/WatchMessage.js';
import type { WatchRequest as _swarm_control_WatchRequest, WatchRequest__Output as _swarm_control_WatchRequest__Output } from './swarm/control/WatchRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  swarm: {
    api: {
      Annotations: MessageTypeDefinition<_swarm_api_Annotations, _swarm_api_Annotations__Output>
      CAConfig: MessageTypeDefinition<_swarm_api_CAConfig, _swarm_api_CAConfig__Output>
      Cluster: MessageTypeDefinition<_swarm_api_Cluster, _swarm_api_Cluster__Output>
      ClusterSpec: MessageTypeDefinition<_swarm_api_ClusterSpec, _swarm_api_ClusterSpec__Output>
      ContainerSpec: MessageTypeDefinition<_swarm_api_ContainerSpec, _swarm_api_ContainerSpec__Output>
      ContainerStatus: MessageTypeDefinition<_swarm_api_ContainerStatus, _swarm_api_ContainerStatus__Output>
      DispatcherConfig: MessageTypeDefinition<_swarm_api_DispatcherConfig, _swarm_api_DispatcherConfig__Output>
      EncryptionKey: MessageTypeDefinition<_swarm_api_EncryptionKey, _swarm_api_EncryptionKey__Output>
      Endpoint: MessageTypeDefinition<_swarm_api_Endpoint, _swarm_api_Endpoint__Output>
      EndpointSpec: MessageTypeDefinition<_swarm_api_EndpointSpec, _swarm_api_EndpointSpec__Output>
      EngineDescription: MessageTypeDefinition<_swarm_api_EngineDescription, _swarm_api_EngineDescription__Output>
      GenericResource: MessageTypeDefinition<_swarm_api_GenericResource, _swarm_api_GenericResource__Output>
      GlobalService: MessageTypeDefinition<_swarm_api_GlobalService, _swarm_api_GlobalService__Output>
      GossipConfig: MessageTypeDefinition<_swarm_api_GossipConfig, _swarm_api_GossipConfig__Output>
      HealthConfig: MessageTypeDefinition<_swarm_api_HealthConfig, _swarm_api_HealthConfig__Output>
      JoinTokens: MessageTypeDefinition<_swarm_api_JoinTokens, _swarm_api_JoinTokens__Output>
      ManagerStatus: MessageTypeDefinition<_swarm_api_ManagerStatus, _swarm_api_ManagerStatus__Output>
      Meta: MessageTypeDefinition<_swarm_api_Meta, _swarm_api_Meta__Output>
      Mount: MessageTypeDefinition<_swarm_api_Mount, _swarm_api_Mount__Output>
      NetworkAttachment: MessageTypeDefinition<_swarm_api_NetworkAttachment, _swarm_api_NetworkAttachment__Output>
      Node: MessageTypeDefinition<_swarm_api_Node, _swarm_api_Node__Output>
      NodeCertificate: MessageTypeDefinition<_swarm_api_NodeCertificate, _swarm_api_NodeCertificate__Output>
      NodeDescription: MessageTypeDefinition<_swarm_api_NodeDescription, _swarm_api_NodeDescription__Output>
      NodeRole: EnumTypeDefinition
      NodeSpec: MessageTypeDefinition<_swarm_api_NodeSpec, _swarm_api_NodeSpec__Output>
      NodeStatus: MessageTypeDefinition<_swarm_api_NodeStatus, _swarm_api_NodeStatus__Output>
      OrchestrationConfig: MessageTypeDefinition<_swarm_api_OrchestrationConfig, _swarm_api_OrchestrationConfig__Output>
      Placement: MessageTypeDefinition<_swarm_api_Placement, _swarm_api_Placement__Output>
      PlacementPreference: MessageTypeDefinition<_swarm_api_PlacementPreference, _swarm_api_PlacementPreference__Output>
      Platform: MessageTypeDefinition<_swarm_api_Platform, _swarm_api_Platform__Output>
      PortConfig: MessageTypeDefinition<_swarm_api_PortConfig, _swarm_api_PortConfig__Output>
      RaftConfig: MessageTypeDefinition<_swarm_api_RaftConfig, _swarm_api_RaftConfig__Output>
      RaftMemberStatus: MessageTypeDefinition<_swarm_api_RaftMemberStatus, _swarm_api_RaftMemberStatus__Output>
      RemovedNode: MessageTypeDefinition<_swarm_api_RemovedNode, _swarm_api_RemovedNode__Output>
      ReplicatedService: MessageTypeDefinition<_swarm_api_ReplicatedService, _swarm_api_ReplicatedService__Output>
      ResourceLimits: MessageTypeDefinition<_swarm_api_ResourceLimits, _swarm_api_ResourceLimits__Output>
      ResourceRequirements: MessageTypeDefinition<_swarm_api_ResourceRequirements, _swarm_api_ResourceRequirements__Output>
      Resources: MessageTypeDefinition<_swarm_api_Resources, _swarm_api_Resources__Output>
      RestartPolicy: MessageTypeDefinition<_swarm_api_RestartPolicy, _swarm_api_RestartPolicy__Output>
      RootCA: MessageTypeDefinition<_swarm_api_RootCA, _swarm_api_RootCA__Output>
      Service: MessageTypeDefinition<_swarm_api_Service, _swarm_api_Service__Output>
      ServiceSpec: MessageTypeDefinition<_swarm_api_ServiceSpec, _swarm_api_ServiceSpec__Output>
      Task: MessageTypeDefinition<_swarm_api_Task, _swarm_api_Task__Output>
      TaskSpec: MessageTypeDefinition<_swarm_api_TaskSpec, _swarm_api_TaskSpec__Output>
      TaskState: EnumTypeDefinition
      TaskStatus: MessageTypeDefinition<_swarm_api_TaskStatus, _swarm_api_TaskStatus__Output>
      UpdateConfig: MessageTypeDefinition<_swarm_api_UpdateConfig, _swarm_api_UpdateConfig__Output>
      UpdateStatus: MessageTypeDefinition<_swarm_api_UpdateStatus, _swarm_api_UpdateStatus__Output>
      VirtualIP: MessageTypeDefinition<_swarm_api_VirtualIP, _swarm_api_VirtualIP__Output>
    }
    control: {
      Control: SubtypeConstructor<typeof grpc.Client, _swarm_control_ControlClient> & { service: _swarm_control_ControlDefinition }
      CreateServiceRequest: MessageTypeDefinition<_swarm_control_CreateServiceRequest, _swarm_control_CreateServiceRequest__Output>
      CreateServiceResponse: MessageTypeDefinition<_swarm_control_CreateServiceResponse, _swarm_control_CreateServiceResponse__Output>
      GetClusterRequest: MessageTypeDefinition<_swarm_control_GetClusterRequest, _swarm_control_GetClusterRequest__Output>
      GetClusterResponse: MessageTypeDefinition<_swarm_control_GetClusterResponse, _swarm_control_GetClusterResponse__Output>
      GetNodeRequest: MessageTypeDefinition<_swarm_control_GetNodeRequest, _swarm_control_GetNodeRequest__Output>
      GetNodeResponse: MessageTypeDefinition<_swarm_control_GetNodeResponse, _swarm_control_GetNodeResponse__Output>
      GetServiceRequest: MessageTypeDefinition<_swarm_control_GetServiceRequest, _swarm_control_GetServiceRequest__Output>
      GetServiceResponse: MessageTypeDefinition<_swarm_control_GetServiceResponse, _swarm_control_GetServiceResponse__Output>
      GetTaskRequest: MessageTypeDefinition<_swarm_control_GetTaskRequest, _swarm_control_GetTaskRequest__Output>
      GetTaskResponse: MessageTypeDefinition<_swarm_control_GetTaskResponse, _swarm_control_GetTaskResponse__Output>
      KeyRotation: MessageTypeDefinition<_swarm_control_KeyRotation, _swarm_control_KeyRotation__Output>
      ListClustersRequest: MessageTypeDefinition<_swarm_control_ListClustersRequest, _swarm_control_ListClustersRequest__Output>
      ListClustersResponse: MessageTypeDefinition<_swarm_control_ListClustersResponse, _swarm_control_ListClustersResponse__Output>
      ListNodesRequest: MessageTypeDefinition<_swarm_control_ListNodesRequest, _swarm_control_ListNodesRequest__Output>
      ListNodesResponse: MessageTypeDefinition<_swarm_control_ListNodesResponse, _swarm_control_ListNodesResponse__Output>
      ListServicesRequest: MessageTypeDefinition<_swarm_control_ListServicesRequest, _swarm_control_ListServicesRequest__Output>
      ListServicesResponse: MessageTypeDefinition<_swarm_control_ListServicesResponse, _swarm_control_ListServicesResponse__Output>
      ListTasksRequest: MessageTypeDefinition<_swarm_control_ListTasksRequest, _swarm_control_ListTasksRequest__Output>
      ListTasksResponse: MessageTypeDefinition<_swarm_control_ListTasksResponse, _swarm_control_ListTasksResponse__Output>
      RemoveNodeRequest: MessageTypeDefinition<_swarm_control_RemoveNodeRequest, _swarm_control_RemoveNodeRequest__Output>
      RemoveNodeResponse: MessageTypeDefinition<_swarm_control_RemoveNodeResponse, _swarm_control_RemoveNodeResponse__Output>
      RemoveServiceRequest: MessageTypeDefinition<_swarm_control_RemoveServiceRequest, _swarm_control_RemoveServiceRequest__Output>
      RemoveServiceResponse: MessageTypeDefinition<_swarm_control_RemoveServiceResponse, _swarm_control_RemoveServiceResponse__Output>
      UpdateClusterRequest: MessageTypeDefinition<_swarm_control_UpdateClusterRequest, _swarm_control_UpdateClusterRequest__Output>
      UpdateClusterResponse: MessageTypeDefinition<_swarm_control_UpdateClusterResponse, _swarm_control_UpdateClusterResponse__Output>
      UpdateNodeRequest: MessageTypeDefinition<_swarm_control_UpdateNodeRequest, _swarm_control_UpdateNodeRequest__Output>
      UpdateNodeResponse: MessageTypeDefinition<_swarm_control_UpdateNodeResponse, _swarm_control_UpdateNodeResponse__Output>
      UpdateServiceRequest: MessageTypeDefinition<_swarm_control_UpdateServiceRequest, _swarm_control_UpdateServiceRequest__Output>
      UpdateServiceResponse: MessageTypeDefinition<_swarm_control_UpdateServiceResponse, _swarm_control_UpdateServiceResponse__Output>
      WatchMessage: MessageTypeDefinition<_swarm_control_WatchMessage, _swarm_control_WatchMessage__Output>
      WatchRequest: MessageTypeDefinition<_swarm_control_WatchRequest, _swarm_control_WatchRequest__Output>
    }
  }
}

