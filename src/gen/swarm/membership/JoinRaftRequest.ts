// Original file: proto/membership.proto

import type { Long } from '@grpc/proto-loader';

export interface JoinRaftRequest {
  /**
   * RaftId the caller will use (chosen by the caller, unique in the group).
   */
  'raftId'?: (number | string | Long);
  /**
   * RaftAddr where the caller's Raft transport listens ("host:port").
   */
  'raftAddr'?: (string);
  /**
   * ApiAddr where the caller serves the cluster API ("host:port").
   */
  'apiAddr'?: (string);
}

export interface JoinRaftRequest__Output {
  /**
   * RaftId the caller will use (chosen by the caller, unique in the group).
   */
  'raftId': (number);
  /**
   * RaftAddr where the caller's Raft transport listens ("host:port").
   */
  'raftAddr': (string);
  /**
   * ApiAddr where the caller serves the cluster API ("host:port").
   */
  'apiAddr': (string);
}
