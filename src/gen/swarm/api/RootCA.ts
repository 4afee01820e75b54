// Original file: proto/types.proto

import type { JoinTokens as _swarm_api_JoinTokens, JoinTokens__Output as _swarm_api_JoinTokens__Output } from '../../swarm/api/JoinTokens.js';

/**
 * RootCA is the cluster's certificate authority as stored in the cluster object.
 */
export interface RootCA {
  /**
   * CaKeyPem is the CA's private key (PEM); only managers read it.
   */
  'caKeyPem'?: (Buffer | Uint8Array | string);
  /**
   * CaCertPem is the CA's certificate (PEM).
   */
  'caCertPem'?: (Buffer | Uint8Array | string);
  /**
   * CaCertDigest is "sha256:<hex>" of the DER certificate; join tokens embed it so joiners pin the CA.
   */
  'caCertDigest'?: (string);
  /**
   * JoinTokens are the current join tokens.
   */
  'joinTokens'?: (_swarm_api_JoinTokens | null);
}

/**
 * RootCA is the cluster's certificate authority as stored in the cluster object.
 */
export interface RootCA__Output {
  /**
   * CaKeyPem is the CA's private key (PEM); only managers read it.
   */
  'caKeyPem': (Buffer);
  /**
   * CaCertPem is the CA's certificate (PEM).
   */
  'caCertPem': (Buffer);
  /**
   * CaCertDigest is "sha256:<hex>" of the DER certificate; join tokens embed it so joiners pin the CA.
   */
  'caCertDigest': (string);
  /**
   * JoinTokens are the current join tokens.
   */
  'joinTokens': (_swarm_api_JoinTokens__Output | null);
}
