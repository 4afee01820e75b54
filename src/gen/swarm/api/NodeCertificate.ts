// Original file: proto/types.proto

import type { NodeRole as _swarm_api_NodeRole, NodeRole__Output as _swarm_api_NodeRole__Output } from '../../swarm/api/NodeRole.js';
import type { Long } from '@grpc/proto-loader';

// Original file: proto/types.proto

/**
 * IssuanceState of a node certificate.
 */
export const _swarm_api_NodeCertificate_IssuanceState = {
  /**
   * UNKNOWN: no request seen.
   */
  UNKNOWN: 'UNKNOWN',
  /**
   * RENEW: the certificate should be renewed.
   */
  RENEW: 'RENEW',
  /**
   * PENDING: a CSR was received and awaits signing.
   */
  PENDING: 'PENDING',
  /**
   * ISSUED: a certificate was signed.
   */
  ISSUED: 'ISSUED',
  /**
   * FAILED: signing failed; see err.
   */
  FAILED: 'FAILED',
  /**
   * ROTATE: the root CA changes and the certificate must be reissued.
   */
  ROTATE: 'ROTATE',
} as const;

/**
 * IssuanceState of a node certificate.
 */
export type _swarm_api_NodeCertificate_IssuanceState =
  /**
   * UNKNOWN: no request seen.
   */
  | 'UNKNOWN'
  | 0
  /**
   * RENEW: the certificate should be renewed.
   */
  | 'RENEW'
  | 1
  /**
   * PENDING: a CSR was received and awaits signing.
   */
  | 'PENDING'
  | 2
  /**
   * ISSUED: a certificate was signed.
   */
  | 'ISSUED'
  | 3
  /**
   * FAILED: signing failed; see err.
   */
  | 'FAILED'
  | 4
  /**
   * ROTATE: the root CA changes and the certificate must be reissued.
   */
  | 'ROTATE'
  | 5

/**
 * IssuanceState of a node certificate.
 */
export type _swarm_api_NodeCertificate_IssuanceState__Output = typeof _swarm_api_NodeCertificate_IssuanceState[keyof typeof _swarm_api_NodeCertificate_IssuanceState]

/**
 * NodeCertificate is the TLS identity of a node as issued by the cluster CA.
 */
export interface NodeCertificate {
  /**
   * Role the certificate grants (its OU).
   */
  'role'?: (_swarm_api_NodeRole);
  /**
   * Csr is the PEM certificate signing request the node sent.
   */
  'csr'?: (Buffer | Uint8Array | string);
  /**
   * State of issuance.
   */
  'state'?: (_swarm_api_NodeCertificate_IssuanceState);
  /**
   * Err explains a FAILED issuance.
   */
  'err'?: (string);
  /**
   * Certificate is the signed PEM certificate.
   */
  'certificate'?: (Buffer | Uint8Array | string);
  /**
   * Cn is the certificate's common name (the node id).
   */
  'cn'?: (string);
  /**
   * ExpiresAt is the certificate's not-after time (Unix milliseconds).
   */
  'expiresAt'?: (number | string | Long);
}

/**
 * NodeCertificate is the TLS identity of a node as issued by the cluster CA.
 */
export interface NodeCertificate__Output {
  /**
   * Role the certificate grants (its OU).
   */
  'role': (_swarm_api_NodeRole__Output);
  /**
   * Csr is the PEM certificate signing request the node sent.
   */
  'csr': (Buffer);
  /**
   * State of issuance.
   */
  'state': (_swarm_api_NodeCertificate_IssuanceState__Output);
  /**
   * Err explains a FAILED issuance.
   */
  'err': (string);
  /**
   * Certificate is the signed PEM certificate.
   */
  'certificate': (Buffer);
  /**
   * Cn is the certificate's common name (the node id).
   */
  'cn': (string);
  /**
   * ExpiresAt is the certificate's not-after time (Unix milliseconds).
   */
  'expiresAt': (number);
}
