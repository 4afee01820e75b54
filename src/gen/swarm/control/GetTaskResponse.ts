// Original file: proto/control.proto

import type { Task as _swarm_api_Task, Task__Output as _swarm_api_Task__Output } from '../../swarm/api/Task.js';

export interface GetTaskResponse {
  'task'?: (_swarm_api_Task | null);
}

export interface GetTaskResponse__Output {
  'task': (_swarm_api_Task__Output | null);
}
