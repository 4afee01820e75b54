// Original file: proto/images.proto

import type { Long } from '@grpc/proto-loader';

export interface ImageSummary {
  'manifestDigest'?: (string);
  'configDigest'?: (string);
  'tags'?: (string)[];
  /**
   * Size is the sum of the compressed layer sizes.
   */
  'size'?: (number | string | Long);
}

export interface ImageSummary__Output {
  'manifestDigest': (string);
  'configDigest': (string);
  'tags': (string)[];
  /**
   * Size is the sum of the compressed layer sizes.
   */
  'size': (number);
}
