// Original file: proto/control.proto

import type { Task as _swarm_api_Task, Task__Output as _swarm_api_Task__Output } from '../../swarm/api/Task.js';

export interface ListTasksResponse {
  'tasks'?: (_swarm_api_Task)[];
}

export interface ListTasksResponse__Output {
  'tasks': (_swarm_api_Task__Output)[];
}
