// Original file: proto/control.proto

import type { Node as _swarm_api_Node, Node__Output as _swarm_api_Node__Output } from '../../swarm/api/Node.js';
import type { Service as _swarm_api_Service, Service__Output as _swarm_api_Service__Output } from '../../swarm/api/Service.js';
import type { Task as _swarm_api_Task, Task__Output as _swarm_api_Task__Output } from '../../swarm/api/Task.js';
import type { Cluster as _swarm_api_Cluster, Cluster__Output as _swarm_api_Cluster__Output } from '../../swarm/api/Cluster.js';
import type { Long } from '@grpc/proto-loader';

// Original file: proto/control.proto

export const _swarm_control_WatchMessage_Action = {
  SNAPSHOT: 'SNAPSHOT',
  CREATE: 'CREATE',
  UPDATE: 'UPDATE',
  REMOVE: 'REMOVE',
} as const;

export type _swarm_control_WatchMessage_Action =
  | 'SNAPSHOT'
  | 0
  | 'CREATE'
  | 1
  | 'UPDATE'
  | 2
  | 'REMOVE'
  | 3

export type _swarm_control_WatchMessage_Action__Output = typeof _swarm_control_WatchMessage_Action[keyof typeof _swarm_control_WatchMessage_Action]

export interface WatchMessage {
  'action'?: (_swarm_control_WatchMessage_Action);
  'version'?: (number | string | Long);
  'node'?: (_swarm_api_Node | null);
  'service'?: (_swarm_api_Service | null);
  'task'?: (_swarm_api_Task | null);
  'cluster'?: (_swarm_api_Cluster | null);
  'object'?: "node"|"service"|"task"|"cluster";
}

export interface WatchMessage__Output {
  'action': (_swarm_control_WatchMessage_Action__Output);
  'version': (number);
  'node'?: (_swarm_api_Node__Output | null);
  'service'?: (_swarm_api_Service__Output | null);
  'task'?: (_swarm_api_Task__Output | null);
  'cluster'?: (_swarm_api_Cluster__Output | null);
  'object'?: "node"|"service"|"task"|"cluster";
}
