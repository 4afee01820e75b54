// Original file: proto/daemon.proto

import type { JoinTokens as _swarm_api_JoinTokens, JoinTokens__Output as _swarm_api_JoinTokens__Output } from '../../swarm/api/JoinTokens.js';

export interface InitResponse {
  'nodeId'?: (string);
  'clusterId'?: (string);
  'joinTokens'?: (_swarm_api_JoinTokens | null);
  /**
   * AdvertiseAddr as resolved ("host:port"), for the printed join command.
   */
  'advertiseAddr'?: (string);
}

export interface InitResponse__Output {
  'nodeId': (string);
  'clusterId': (string);
  'joinTokens': (_swarm_api_JoinTokens__Output | null);
  /**
   * AdvertiseAddr as resolved ("host:port"), for the printed join command.
   */
  'advertiseAddr': (string);
}
