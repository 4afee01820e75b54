// Original file: proto/control.proto

import type { TaskState as _swarm_api_TaskState, TaskState__Output as _swarm_api_TaskState__Output } from '../../swarm/api/TaskState.js';

export interface _swarm_control_ListTasksRequest_Filters {
  'serviceIds'?: (string)[];
  'nodeIds'?: (string)[];
  'desiredStates'?: (_swarm_api_TaskState)[];
  'idPrefixes'?: (string)[];
}

export interface _swarm_control_ListTasksRequest_Filters__Output {
  'serviceIds': (string)[];
  'nodeIds': (string)[];
  'desiredStates': (_swarm_api_TaskState__Output)[];
  'idPrefixes': (string)[];
}

export interface ListTasksRequest {
  'filters'?: (_swarm_control_ListTasksRequest_Filters | null);
}

export interface ListTasksRequest__Output {
  'filters': (_swarm_control_ListTasksRequest_Filters__Output | null);
}
