// Original file: proto/control.proto

import type { Cluster as _swarm_api_Cluster, Cluster__Output as _swarm_api_Cluster__Output } from '../../swarm/api/Cluster.js';

export interface GetClusterResponse {
  'cluster'?: (_swarm_api_Cluster | null);
}

export interface GetClusterResponse__Output {
  'cluster': (_swarm_api_Cluster__Output | null);
}
