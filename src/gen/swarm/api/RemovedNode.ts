// Original file: proto/objects.proto

import type { Long } from '@grpc/proto-loader';

/**
 * RemovedNode is one node removed from the cluster (`node rm`).
 */
export interface RemovedNode {
  'nodeId'?: (string);
  /**
   * RemovedAt is when it was removed (Unix milliseconds).
   */
  'removedAt'?: (number | string | Long);
  /**
   * ExpiresAt is when its last certificate expires (Unix milliseconds); the entry may be dropped then.
   */
  'expiresAt'?: (number | string | Long);
}

/**
 * RemovedNode is one node removed from the cluster (`node rm`).
 */
export interface RemovedNode__Output {
  'nodeId': (string);
  /**
   * RemovedAt is when it was removed (Unix milliseconds).
   */
  'removedAt': (number);
  /**
   * ExpiresAt is when its last certificate expires (Unix milliseconds); the entry may be dropped then.
   */
  'expiresAt': (number);
}
