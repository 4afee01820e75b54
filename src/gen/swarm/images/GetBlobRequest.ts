// Original file: proto/images.proto

import type { Long } from '@grpc/proto-loader';

export interface GetBlobRequest {
  'digest'?: (string);
  /**
   * Offset is where to start in the blob (bytes already received by a resuming client).
   */
  'offset'?: (number | string | Long);
}

export interface GetBlobRequest__Output {
  'digest': (string);
  /**
   * Offset is where to start in the blob (bytes already received by a resuming client).
   */
  'offset': (number);
}
