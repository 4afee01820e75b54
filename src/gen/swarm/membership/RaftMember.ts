// Original file: proto/membership.proto

import type { Long } from '@grpc/proto-loader';

export interface RaftMember {
  'raftId'?: (number | string | Long);
  'raftAddr'?: (string);
}

export interface RaftMember__Output {
  'raftId': (number);
  'raftAddr': (string);
}
