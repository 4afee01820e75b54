// Original file: proto/store.proto

import type { StoreActionKind as _swarm_store_StoreActionKind, StoreActionKind__Output as _swarm_store_StoreActionKind__Output } from '../../swarm/store/StoreActionKind.js';
import type { Node as _swarm_api_Node, Node__Output as _swarm_api_Node__Output } from '../../swarm/api/Node.js';
import type { Service as _swarm_api_Service, Service__Output as _swarm_api_Service__Output } from '../../swarm/api/Service.js';
import type { Task as _swarm_api_Task, Task__Output as _swarm_api_Task__Output } from '../../swarm/api/Task.js';
import type { Cluster as _swarm_api_Cluster, Cluster__Output as _swarm_api_Cluster__Output } from '../../swarm/api/Cluster.js';

/**
 * StoreAction is one change to one object.
 */
export interface StoreAction {
  'kind'?: (_swarm_store_StoreActionKind);
  'node'?: (_swarm_api_Node | null);
  'service'?: (_swarm_api_Service | null);
  'task'?: (_swarm_api_Task | null);
  'cluster'?: (_swarm_api_Cluster | null);
  'target'?: "node"|"service"|"task"|"cluster";
}

/**
 * StoreAction is one change to one object.
 */
export interface StoreAction__Output {
  'kind': (_swarm_store_StoreActionKind__Output);
  'node'?: (_swarm_api_Node__Output | null);
  'service'?: (_swarm_api_Service__Output | null);
  'task'?: (_swarm_api_Task__Output | null);
  'cluster'?: (_swarm_api_Cluster__Output | null);
  'target'?: "node"|"service"|"task"|"cluster";
}
