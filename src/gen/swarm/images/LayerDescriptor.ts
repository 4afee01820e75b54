// Original file: proto/images.proto

import type { Long } from '@grpc/proto-loader';

export interface LayerDescriptor {
  'digest'?: (string);
  'mediaType'?: (string);
  /**
   * Size of the (compressed) layer blob in bytes.
   */
  'size'?: (number | string | Long);
  /**
   * DiffId is the digest of the uncompressed layer.
   */
  'diffId'?: (string);
}

export interface LayerDescriptor__Output {
  'digest': (string);
  'mediaType': (string);
  /**
   * Size of the (compressed) layer blob in bytes.
   */
  'size': (number);
  /**
   * DiffId is the digest of the uncompressed layer.
   */
  'diffId': (string);
}
