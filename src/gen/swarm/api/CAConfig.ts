// Original file: proto/specs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * CAConfig tunes the cluster CA.
 */
export interface CAConfig {
  /**
   * NodeCertExpiryMs is the validity of node certificates; default 90 days.
   */
  'nodeCertExpiryMs'?: (number | string | Long);
  '_nodeCertExpiryMs'?: "nodeCertExpiryMs";
}

/**
 * CAConfig tunes the cluster CA.
 */
export interface CAConfig__Output {
  /**
   * NodeCertExpiryMs is the validity of node certificates; default 90 days.
   */
  'nodeCertExpiryMs'?: (number);
  '_nodeCertExpiryMs'?: "nodeCertExpiryMs";
}
