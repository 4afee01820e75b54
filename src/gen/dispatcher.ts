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
import type { AssignmentsMessage as _swarm_dispatcher_AssignmentsMessage, AssignmentsMessage__Output as _swarm_dispatcher_AssignmentsMessage__Output } from './swarm/dispatcher/AssignmentsMessage.js';
import type { AssignmentsRequest as _swarm_dispatcher_AssignmentsRequest, AssignmentsRequest__Output as _swarm_dispatcher_AssignmentsRequest__Output } from './swarm/dispatcher/AssignmentsRequest.js';
import type { DispatcherClient as _swarm_dispatcher_DispatcherClient, DispatcherDefinition as _swarm_dispatcher_DispatcherDefinition } from './swarm/dispatcher/Dispatcher.js';
import type { HeartbeatRequest as _swarm_dispatcher_HeartbeatRequest, HeartbeatRequest__Output as _swarm_dispatcher_HeartbeatRequest__Output } from './swarm/dispatcher/HeartbeatRequest.js';
import type { HeartbeatResponse as _swarm_dispatcher_HeartbeatResponse, HeartbeatResponse__Output as _swarm_dispatcher_HeartbeatResponse__Output } from './swarm/dispatcher/HeartbeatResponse.js';
import type { RoutesMessage as _swarm_dispatcher_RoutesMessage, RoutesMessage__Output as _swarm_dispatcher_RoutesMessage__Output } from './swarm/dispatcher/RoutesMessage.js';
import type { RoutesRequest as _swarm_dispatcher_RoutesRequest, RoutesRequest__Output as _swarm_dispatcher_RoutesRequest__Output } from './swarm/dispatcher/RoutesRequest.js';
import type { UpdateTaskStatusRequest as _swarm_dispatcher_UpdateTaskStatusRequest, UpdateTaskStatusRequest__Output as _swarm_dispatcher_UpdateTaskStatusRequest__Output } from './swarm/dispatcher/UpdateTaskStatusRequest.js';
import type { UpdateTaskStatusResponse as _swarm_dispatcher_UpdateTaskStatusResponse, UpdateTaskStatusResponse__Output as _swarm_dispatcher_UpdateTaskStatusResponse__Output } from './swarm/dispatcher/UpdateTaskStatusResponse.js';

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
    dispatcher: {
      AssignmentsMessage: MessageTypeDefinition<_swarm_dispatcher_AssignmentsMessage, _swarm_dispatcher_AssignmentsMessage__Output>
      AssignmentsRequest: MessageTypeDefinition<_swarm_dispatcher_AssignmentsRequest, _swarm_dispatcher_AssignmentsRequest__Output>
      Dispatcher: SubtypeConstructor<typeof grpc.Client, _swarm_dispatcher_DispatcherClient> & { service: _swarm_dispatcher_DispatcherDefinition }
      HeartbeatRequest: MessageTypeDefinition<_swarm_dispatcher_HeartbeatRequest, _swarm_dispatcher_HeartbeatRequest__Output>
      HeartbeatResponse: MessageTypeDefinition<_swarm_dispatcher_HeartbeatResponse, _swarm_dispatcher_HeartbeatResponse__Output>
      RoutesMessage: MessageTypeDefinition<_swarm_dispatcher_RoutesMessage, _swarm_dispatcher_RoutesMessage__Output>
      RoutesRequest: MessageTypeDefinition<_swarm_dispatcher_RoutesRequest, _swarm_dispatcher_RoutesRequest__Output>
      UpdateTaskStatusRequest: MessageTypeDefinition<_swarm_dispatcher_UpdateTaskStatusRequest, _swarm_dispatcher_UpdateTaskStatusRequest__Output>
      UpdateTaskStatusResponse: MessageTypeDefinition<_swarm_dispatcher_UpdateTaskStatusResponse, _swarm_dispatcher_UpdateTaskStatusResponse__Output>
    }
  }
}

