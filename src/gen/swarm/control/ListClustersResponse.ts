// Original file: proto/control.proto

import type { Cluster as _swarm_api_Cluster, Cluster__Output as _swarm_api_Cluster__Output } from '../../swarm/api/Cluster.js';

export interface ListClustersResponse {
  'clusters'?: (_swarm_api_Cluster)[];
}

export interface ListClustersResponse__Output {
  'clusters': (_swarm_api_Cluster__Output)[];
}
