// Original file: proto/images.proto

import type { Long } from '@grpc/proto-loader';

export interface BlobChunk {
  'data'?: (Buffer | Uint8Array | string);
  /**
   * Size is the blob's total size (set on every chunk, so the first one tells the client).
   */
  'size'?: (number | string | Long);
}

export interface BlobChunk__Output {
  'data': (Buffer);
  /**
   * Size is the blob's total size (set on every chunk, so the first one tells the client).
   */
  'size': (number);
}
