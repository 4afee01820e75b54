import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Annotations as _swarm_api_Annotations, Annotations__Output as _swarm_api_Annotations__Output } from './swarm/api/Annotations.js';
import type { ContainerStatus as _swarm_api_ContainerStatus, ContainerStatus__Output as _swarm_api_ContainerStatus__Output } from './swarm/api/ContainerStatus.js';
import type { EncryptionKey as _swarm_api_EncryptionKey, EncryptionKey__Output as _swarm_api_EncryptionKey__Output } from './swarm/api/EncryptionKey.js';
import type { EngineDescription as _swarm_api_EngineDescription, EngineDescription__Output as _swarm_api_EngineDescription__Output } from './swarm/api/EngineDescription.js';
import type { GenericResource as _swarm_api_GenericResource, GenericResource__Output as _swarm_api_GenericResource__Output } from './swarm/api/GenericResource.js';
import type { JoinTokens as _swarm_api_JoinTokens, JoinTokens__Output as _swarm_api_JoinTokens__Output } from './swarm/api/JoinTokens.js';
import type { Meta as _swarm_api_Meta, Meta__Output as _swarm_api_Meta__Output } from './swarm/api/Meta.js';
import type { Mount as _swarm_api_Mount, Mount__Output as _swarm_api_Mount__Output } from './swarm/api/Mount.js';
import type { NodeCertificate as _swarm_api_NodeCertificate, NodeCertificate__Output as _swarm_api_NodeCertificate__Output } from './swarm/api/NodeCertificate.js';
import type { NodeDescription as _swarm_api_NodeDescription, NodeDescription__Output as _swarm_api_NodeDescription__Output } from './swarm/api/NodeDescription.js';
import type { NodeStatus as _swarm_api_NodeStatus, NodeStatus__Output as _swarm_api_NodeStatus__Output } from './swarm/api/NodeStatus.js';
import type { Platform as _swarm_api_Platform, Platform__Output as _swarm_api_Platform__Output } from './swarm/api/Platform.js';
import type { PortConfig as _swarm_api_PortConfig, PortConfig__Output as _swarm_api_PortConfig__Output } from './swarm/api/PortConfig.js';
import type { RaftMemberStatus as _swarm_api_RaftMemberStatus, RaftMemberStatus__Output as _swarm_api_RaftMemberStatus__Output } from './swarm/api/RaftMemberStatus.js';
import type { ResourceLimits as _swarm_api_ResourceLimits, ResourceLimits__Output as _swarm_api_ResourceLimits__Output } from './swarm/api/ResourceLimits.js';
import type { ResourceRequirements as _swarm_api_ResourceRequirements, ResourceRequirements__Output as _swarm_api_ResourceRequirements__Output } from './swarm/api/ResourceRequirements.js';
import type { Resources as _swarm_api_Resources, Resources__Output as _swarm_api_Resources__Output } from './swarm/api/Resources.js';
import type { RestartPolicy as _swarm_api_RestartPolicy, RestartPolicy__Output as _swarm_api_RestartPolicy__Output } from './swarm/api/RestartPolicy.js';
import type { RootCA as _swarm_api_RootCA, RootCA__Output as _swarm_api_RootCA__Output } from './swarm/api/RootCA.js';
import type { TaskStatus as _swarm_api_TaskStatus, TaskStatus__Output as _swarm_api_TaskStatus__Output } from './swarm/api/TaskStatus.js';
import type { UpdateConfig as _swarm_api_UpdateConfig, UpdateConfig__Output as _swarm_api_UpdateConfig__Output } from './swarm/api/UpdateConfig.js';
import type { UpdateStatus as _swarm_api_UpdateStatus, UpdateStatus__Output as _swarm_api_UpdateStatus__Output } from './swarm/api/UpdateStatus.js';
import type { DaemonClient as _swarm_daemon_DaemonClient, DaemonDefinition as _swarm_daemon_DaemonDefinition } from './swarm/daemon/Daemon.js';
import type { InfoRequest as _swarm_daemon_InfoRequest, InfoRequest__Output as _swarm_daemon_InfoRequest__Output } from './swarm/daemon/InfoRequest.js';
import type { InfoResponse as _swarm_daemon_InfoResponse, InfoResponse__Output as _swarm_daemon_InfoResponse__Output } from './swarm/daemon/InfoResponse.js';
import type { InitRequest as _swarm_daemon_InitRequest, InitRequest__Output as _swarm_daemon_InitRequest__Output } from './swarm/daemon/InitRequest.js';
import type { InitResponse as _swarm_daemon_InitResponse, InitResponse__Output as _swarm_daemon_InitResponse__Output } from './swarm/daemon/InitResponse.js';
import type { JoinRequest as _swarm_daemon_JoinRequest, JoinRequest__Output as _swarm_daemon_JoinRequest__Output } from './swarm/daemon/JoinRequest.js';
import type { JoinResponse as _swarm_daemon_JoinResponse, JoinResponse__Output as _swarm_daemon_JoinResponse__Output } from './swarm/daemon/JoinResponse.js';
import type { LeaveRequest as _swarm_daemon_LeaveRequest, LeaveRequest__Output as _swarm_daemon_LeaveRequest__Output } from './swarm/daemon/LeaveRequest.js';
import type { LeaveResponse as _swarm_daemon_LeaveResponse, LeaveResponse__Output as _swarm_daemon_LeaveResponse__Output } from './swarm/daemon/LeaveResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  swarm: {
    api: {
      Annotations: MessageTypeDefinition<_swarm_api_Annotations, _swarm_api_Annotations__Output>
      ContainerStatus: MessageTypeDefinition<_swarm_api_ContainerStatus, _swarm_api_ContainerStatus__Output>
      EncryptionKey: MessageTypeDefinition<_swarm_api_EncryptionKey, _swarm_api_EncryptionKey__Output>
      EngineDescription: MessageTypeDefinition<_swarm_api_EngineDescription, _swarm_api_EngineDescription__Output>
      GenericResource: MessageTypeDefinition<_swarm_api_GenericResource, _swarm_api_GenericResource__Output>
      JoinTokens: MessageTypeDefinition<_swarm_api_JoinTokens, _swarm_api_JoinTokens__Output>
      Meta: MessageTypeDefinition<_swarm_api_Meta, _swarm_api_Meta__Output>
      Mount: MessageTypeDefinition<_swarm_api_Mount, _swarm_api_Mount__Output>
      NodeCertificate: MessageTypeDefinition<_swarm_api_NodeCertificate, _swarm_api_NodeCertificate__Output>
      NodeDescription: MessageTypeDefinition<_swarm_api_NodeDescription, _swarm_api_NodeDescription__Output>
      NodeRole: EnumTypeDefinition
      NodeStatus: MessageTypeDefinition<_swarm_api_NodeStatus, _swarm_api_NodeStatus__Output>
      Platform: MessageTypeDefinition<_swarm_api_Platform, _swarm_api_Platform__Output>
      PortConfig: MessageTypeDefinition<_swarm_api_PortConfig, _swarm_api_PortConfig__Output>
      RaftMemberStatus: MessageTypeDefinition<_swarm_api_RaftMemberStatus, _swarm_api_RaftMemberStatus__Output>
      ResourceLimits: MessageTypeDefinition<_swarm_api_ResourceLimits, _swarm_api_ResourceLimits__Output>
      ResourceRequirements: MessageTypeDefinition<_swarm_api_ResourceRequirements, _swarm_api_ResourceRequirements__Output>
      Resources: MessageTypeDefinition<_swarm_api_Resources, _swarm_api_Resources__Output>
      RestartPolicy: MessageTypeDefinition<_swarm_api_RestartPolicy, _swarm_api_RestartPolicy__Output>
      RootCA: MessageTypeDefinition<_swarm_api_RootCA, _swarm_api_RootCA__Output>
      TaskState: EnumTypeDefinition
      TaskStatus: MessageTypeDefinition<_swarm_api_TaskStatus, _swarm_api_TaskStatus__Output>
      UpdateConfig: MessageTypeDefinition<_swarm_api_UpdateConfig, _swarm_api_UpdateConfig__Output>
      UpdateStatus: MessageTypeDefinition<_swarm_api_UpdateStatus, _swarm_api_UpdateStatus__Output>
    }
    daemon: {
      Daemon: SubtypeConstructor<typeof grpc.Client, _swarm_daemon_DaemonClient> & { service: _swarm_daemon_DaemonDefinition }
      InfoRequest: MessageTypeDefinition<_swarm_daemon_InfoRequest, _swarm_daemon_InfoRequest__Output>
      InfoResponse: MessageTypeDefinition<_swarm_daemon_InfoResponse, _swarm_daemon_InfoResponse__Output>
      InitRequest: MessageTypeDefinition<_swarm_daemon_InitRequest, _swarm_daemon_InitRequest__Output>
      InitResponse: MessageTypeDefinition<_swarm_daemon_InitResponse, _swarm_daemon_InitResponse__Output>
      JoinRequest: MessageTypeDefinition<_swarm_daemon_JoinRequest, _swarm_daemon_JoinRequest__Output>
      JoinResponse: MessageTypeDefinition<_swarm_daemon_JoinResponse, _swarm_daemon_JoinResponse__Output>
      LeaveRequest: MessageTypeDefinition<_swarm_daemon_LeaveRequest, _swarm_daemon_LeaveRequest__Output>
      LeaveResponse: MessageTypeDefinition<_swarm_daemon_LeaveResponse, _swarm_daemon_LeaveResponse__Output>
    }
  }
}

