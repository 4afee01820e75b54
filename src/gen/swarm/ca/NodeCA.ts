// Original file: proto/ca.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetRootCACertificateRequest as _swarm_ca_GetRootCACertificateRequest, GetRootCACertificateRequest__Output as _swarm_ca_GetRootCACertificateRequest__Output } from '../../swarm/ca/GetRootCACertificateRequest.js';
import type { GetRootCACertificateResponse as _swarm_ca_GetRootCACertificateResponse, GetRootCACertificateResponse__Output as _swarm_ca_GetRootCACertificateResponse__Output } from '../../swarm/ca/GetRootCACertificateResponse.js';
import type { IssueNodeCertificateRequest as _swarm_ca_IssueNodeCertificateRequest, IssueNodeCertificateRequest__Output as _swarm_ca_IssueNodeCertificateRequest__Output } from '../../swarm/ca/IssueNodeCertificateRequest.js';
import type { IssueNodeCertificateResponse as _swarm_ca_IssueNodeCertificateResponse, IssueNodeCertificateResponse__Output as _swarm_ca_IssueNodeCertificateResponse__Output } from '../../swarm/ca/IssueNodeCertificateResponse.js';
import type { RenewNodeCertificateRequest as _swarm_ca_RenewNodeCertificateRequest, RenewNodeCertificateRequest__Output as _swarm_ca_RenewNodeCertificateRequest__Output } from '../../swarm/ca/RenewNodeCertificateRequest.js';

/**
 * NodeCA issues node certificates.
 */
export interface NodeCAClient extends grpc.Client {
  /**
   * GetRootCACertificate needs no authentication: a joiner fetches the CA certificate and checks it
   * against the digest in its join token before trusting this manager with anything.
   */
  GetRootCACertificate(argument: _swarm_ca_GetRootCACertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  GetRootCACertificate(argument: _swarm_ca_GetRootCACertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_ca_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  GetRootCACertificate(argument: _swarm_ca_GetRootCACertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  GetRootCACertificate(argument: _swarm_ca_GetRootCACertificateRequest, callback: grpc.requestCallback<_swarm_ca_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GetRootCACertificate needs no authentication: a joiner fetches the CA certificate and checks it
   * against the digest in its join token before trusting this manager with anything.
   */
  getRootCaCertificate(argument: _swarm_ca_GetRootCACertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  getRootCaCertificate(argument: _swarm_ca_GetRootCACertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_ca_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  getRootCaCertificate(argument: _swarm_ca_GetRootCACertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  getRootCaCertificate(argument: _swarm_ca_GetRootCACertificateRequest, callback: grpc.requestCallback<_swarm_ca_GetRootCACertificateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IssueNodeCertificate admits a new node: the join token decides the role; the manager picks the
   * node id, signs the CSR, and records the node in the store. Called over TLS verified with the
   * pinned CA, without a client certificate.
   */
  IssueNodeCertificate(argument: _swarm_ca_IssueNodeCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  IssueNodeCertificate(argument: _swarm_ca_IssueNodeCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  IssueNodeCertificate(argument: _swarm_ca_IssueNodeCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  IssueNodeCertificate(argument: _swarm_ca_IssueNodeCertificateRequest, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IssueNodeCertificate admits a new node: the join token decides the role; the manager picks the
   * node id, signs the CSR, and records the node in the store. Called over TLS verified with the
   * pinned CA, without a client certificate.
   */
  issueNodeCertificate(argument: _swarm_ca_IssueNodeCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  issueNodeCertificate(argument: _swarm_ca_IssueNodeCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  issueNodeCertificate(argument: _swarm_ca_IssueNodeCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  issueNodeCertificate(argument: _swarm_ca_IssueNodeCertificateRequest, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * RenewNodeCertificate signs a new CSR for the calling node (mTLS); the role is the node's current
   * role in the store, so a promotion or demotion takes effect at renewal.
   */
  RenewNodeCertificate(argument: _swarm_ca_RenewNodeCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  RenewNodeCertificate(argument: _swarm_ca_RenewNodeCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  RenewNodeCertificate(argument: _swarm_ca_RenewNodeCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  RenewNodeCertificate(argument: _swarm_ca_RenewNodeCertificateRequest, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * RenewNodeCertificate signs a new CSR for the calling node (mTLS); the role is the node's current
   * role in the store, so a promotion or demotion takes effect at renewal.
   */
  renewNodeCertificate(argument: _swarm_ca_RenewNodeCertificateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  renewNodeCertificate(argument: _swarm_ca_RenewNodeCertificateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  renewNodeCertificate(argument: _swarm_ca_RenewNodeCertificateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  renewNodeCertificate(argument: _swarm_ca_RenewNodeCertificateRequest, callback: grpc.requestCallback<_swarm_ca_IssueNodeCertificateResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * NodeCA issues node certificates.
 */
export interface NodeCAHandlers extends grpc.UntypedServiceImplementation {
  /**
   * GetRootCACertificate needs no authentication: a joiner fetches the CA certificate and checks it
   * against the digest in its join token before trusting this manager with anything.
   */
  GetRootCACertificate: grpc.handleUnaryCall<_swarm_ca_GetRootCACertificateRequest__Output, _swarm_ca_GetRootCACertificateResponse>;
  
  /**
   * IssueNodeCertificate admits a new node: the join token decides the role; the manager picks the
   * node id, signs the CSR, and records the node in the store. Called over TLS verified with the
   * pinned CA, without a client certificate.
   */
  IssueNodeCertificate: grpc.handleUnaryCall<_swarm_ca_IssueNodeCertificateRequest__Output, _swarm_ca_IssueNodeCertificateResponse>;
  
  /**
   * RenewNodeCertificate signs a new CSR for the calling node (mTLS); the role is the node's current
   * role in the store, so a promotion or demotion takes effect at renewal.
   */
  RenewNodeCertificate: grpc.handleUnaryCall<_swarm_ca_RenewNodeCertificateRequest__Output, _swarm_ca_IssueNodeCertificateResponse>;
  
}

export interface NodeCADefinition extends grpc.ServiceDefinition {
  GetRootCACertificate: MethodDefinition<_swarm_ca_GetRootCACertificateRequest, _swarm_ca_GetRootCACertificateResponse, _swarm_ca_GetRootCACertificateRequest__Output, _swarm_ca_GetRootCACertificateResponse__Output>
  IssueNodeCertificate: MethodDefinition<_swarm_ca_IssueNodeCertificateRequest, _swarm_ca_IssueNodeCertificateResponse, _swarm_ca_IssueNodeCertificateRequest__Output, _swarm_ca_IssueNodeCertificateResponse__Output>
  RenewNodeCertificate: MethodDefinition<_swarm_ca_RenewNodeCertificateRequest, _swarm_ca_IssueNodeCertificateResponse, _swarm_ca_RenewNodeCertificateRequest__Output, _swarm_ca_IssueNodeCertificateResponse__Output>
}
