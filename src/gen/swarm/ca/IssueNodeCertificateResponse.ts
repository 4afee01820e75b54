// Original file: proto/ca.proto

import type { NodeRole as _swarm_api_NodeRole, NodeRole__Output as _swarm_api_NodeRole__Output } from '../../swarm/api/NodeRole.js';

export interface IssueNodeCertificateResponse {
  /**
   * NodeId is the id the cluster gave the node (the certificate's CN).
   */
  'nodeId'?: (string);
  /**
   * Certificate is the signed node certificate (PEM).
   */
  'certificate'?: (Buffer | Uint8Array | string);
  /**
   * CaCertificate is the root CA certificate (PEM).
   */
  'caCertificate'?: (Buffer | Uint8Array | string);
  /**
   * Role granted by the certificate.
   */
  'role'?: (_swarm_api_NodeRole);
  /**
   * ClusterId of the cluster the node joined.
   */
  'clusterId'?: (string);
}

export interface IssueNodeCertificateResponse__Output {
  /**
   * NodeId is the id the cluster gave the node (the certificate's CN).
   */
  'nodeId': (string);
  /**
   * Certificate is the signed node certificate (PEM).
   */
  'certificate': (Buffer);
  /**
   * CaCertificate is the root CA certificate (PEM).
   */
  'caCertificate': (Buffer);
  /**
   * Role granted by the certificate.
   */
  'role': (_swarm_api_NodeRole__Output);
  /**
   * ClusterId of the cluster the node joined.
   */
  'clusterId': (string);
}
