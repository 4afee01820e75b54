// Original file: proto/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteResponse {
  'revision'?: (number | string | Long);
  'existed'?: (boolean);
}

export interface DeleteResponse__Output {
  'revision': (number);
  'existed': (boolean);
}
