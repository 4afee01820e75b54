// Original file: proto/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface PutResponse {
  /**
   * Raft index of the write (the store's revision after it).
   */
  'revision'?: (number | string | Long);
  /**
   * Whether the key existed before.
   */
  'existed'?: (boolean);
}

export interface PutResponse__Output {
  /**
   * Raft index of the write (the store's revision after it).
   */
  'revision': (number);
  /**
   * Whether the key existed before.
   */
  'existed': (boolean);
}
