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
import type { GetRootCACertificateRequest as _swarm_ca_GetRootCACertificateRequest, GetRootCACertificateRequest__Output as _swarm_ca_GetRootCACertificateRequest__Output } from './swarm/ca/GetRootCACertificateRequest.js';
import type { GetRootCACertificateResponse as _swarm_ca_GetRootCACertificateResponse, GetRootCACertificateResponse__Output as _swarm_ca_GetRootCACertificateResponse__Output } from './swarm/ca/GetRootCACertificateResponse.js';
import type { IssueNodeCertificateRequest as _swarm_ca_IssueNodeCertificateRequest, IssueNodeCertificateRequest__Output as _swarm_ca_IssueNodeCertificateRequest__Output } from './swarm/ca/IssueNodeCertificateRequest.js';
import type { IssueNodeCertificateResponse as _swarm_ca_IssueNodeCertificateResponse, IssueNodeCertificateResponse__Output as _swarm_ca_IssueNodeCertificateResponse__Output } from './swarm/ca/IssueNodeCertificateResponse.js';
import type { NodeCAClient as _swarm_ca_NodeCAClient, NodeCADefinition as _swarm_ca_NodeCADefinition } from './swarm/ca/NodeCA.js';
import type { RenewNodeCertificateRequest as _swarm_ca_RenewNodeCertificateRequest, RenewNodeCertificateRequest__Output as _swarm_ca_RenewNodeCertificateRequest__Output } from './swarm/ca/RenewNodeCertificateRequest.js';

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
    ca: {
      GetRootCACertificateRequest: MessageTypeDefinition<_swarm_ca_GetRootCACertificateRequest, _swarm_ca_GetRootCACertificateRequest__Output>
      GetRootCACertificateResponse: MessageTypeDefinition<_swarm_ca_GetRootCACertificateResponse, _swarm_ca_GetRootCACertificateResponse__Output>
      IssueNodeCertificateRequest: MessageTypeDefinition<_swarm_ca_IssueNodeCertificateRequest, _swarm_ca_IssueNodeCertificateRequest__Output>
      IssueNodeCertificateResponse: MessageTypeDefinition<_swarm_ca_IssueNodeCertificateResponse, _swarm_ca_IssueNodeCertificateResponse__Output>
      /**
       * NodeCA issues node certificates.
       */
      NodeCA: SubtypeConstructor<typeof grpc.Client, _swarm_ca_NodeCAClient> & { service: _swarm_ca_NodeCADefinition }
      RenewNodeCertificateRequest: MessageTypeDefinition<_swarm_ca_RenewNodeCertificateRequest, _swarm_ca_RenewNodeCertificateRequest__Output>
    }
  }
}

