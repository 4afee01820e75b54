// Original file: proto/store.proto

import type { Node as _swarm_api_Node, Node__Output as _swarm_api_Node__Output } from '../../swarm/api/Node.js';
import type { Service as _swarm_api_Service, Service__Output as _swarm_api_Service__Output } from '../../swarm/api/Service.js';
import type { Task as _swarm_api_Task, Task__Output as _swarm_api_Task__Output } from '../../swarm/api/Task.js';
import type { Cluster as _swarm_api_Cluster, Cluster__Output as _swarm_api_Cluster__Output } from '../../swarm/api/Cluster.js';

/**
 * StoreSnapshot is the whole store, written into Raft snapshots.
 */
export interface StoreSnapshot {
  /**
   * Format version of the snapshot.
   */
  'format'?: (number);
  'nodes'?: (_swarm_api_Node)[];
  'services'?: (_swarm_api_Service)[];
  'tasks'?: (_swarm_api_Task)[];
  'clusters'?: (_swarm_api_Cluster)[];
}

/**
 * StoreSnapshot is the whole store, written into Raft snapshots.
 */
export interface StoreSnapshot__Output {
  /**
   * Format version of the snapshot.
   */
  'format': (number);
  'nodes': (_swarm_api_Node__Output)[];
  'services': (_swarm_api_Service__Output)[];
  'tasks': (_swarm_api_Task__Output)[];
  'clusters': (_swarm_api_Cluster__Output)[];
}
