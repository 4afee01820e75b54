// Original file: proto/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface GetResponse {
  'found'?: (boolean);
  'value'?: (Buffer | Uint8Array | string);
  /**
   * Revision of the member's state the value was read from.
   */
  'revision'?: (number | string | Long);
}

export interface GetResponse__Output {
  'found': (boolean);
  'value': (Buffer);
  /**
   * Revision of the member's state the value was read from.
   */
  'revision': (number);
}
