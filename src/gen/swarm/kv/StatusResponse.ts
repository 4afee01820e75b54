// Original file: proto/kv.proto

import type { Long } from '@grpc/proto-loader';

export interface StatusResponse {
  'id'?: (number | string | Long);
  'leader'?: (number | string | Long);
  'term'?: (number | string | Long);
  'commit'?: (number | string | Long);
  'applied'?: (number | string | Long);
  'voters'?: (number | string | Long)[];
}

export interface StatusResponse__Output {
  'id': (number);
  'leader': (number);
  'term': (number);
  'commit': (number);
  'applied': (number);
  'voters': (number)[];
}
