// Original file: proto/dispatcher.proto

import type { TaskStatus as _swarm_api_TaskStatus, TaskStatus__Output as _swarm_api_TaskStatus__Output } from '../../swarm/api/TaskStatus.js';

export interface _swarm_dispatcher_UpdateTaskStatusRequest_TaskStatusUpdate {
  'taskId'?: (string);
  'status'?: (_swarm_api_TaskStatus | null);
}

export interface _swarm_dispatcher_UpdateTaskStatusRequest_TaskStatusUpdate__Output {
  'taskId': (string);
  'status': (_swarm_api_TaskStatus__Output | null);
}

export interface UpdateTaskStatusRequest {
  'updates'?: (_swarm_dispatcher_UpdateTaskStatusRequest_TaskStatusUpdate)[];
}

export interface UpdateTaskStatusRequest__Output {
  'updates': (_swarm_dispatcher_UpdateTaskStatusRequest_TaskStatusUpdate__Output)[];
}
