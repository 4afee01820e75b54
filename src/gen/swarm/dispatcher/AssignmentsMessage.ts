// Original file: proto/dispatcher.proto

import type { Task as _swarm_api_Task, Task__Output as _swarm_api_Task__Output } from '../../swarm/api/Task.js';

// Original file: proto/dispatcher.proto

export const _swarm_dispatcher_AssignmentsMessage_Type = {
  COMPLETE: 'COMPLETE',
  INCREMENTAL: 'INCREMENTAL',
} as const;

export type _swarm_dispatcher_AssignmentsMessage_Type =
  | 'COMPLETE'
  | 0
  | 'INCREMENTAL'
  | 1

export type _swarm_dispatcher_AssignmentsMessage_Type__Output = typeof _swarm_dispatcher_AssignmentsMessage_Type[keyof typeof _swarm_dispatcher_AssignmentsMessage_Type]

export interface AssignmentsMessage {
  'type'?: (_swarm_dispatcher_AssignmentsMessage_Type);
  /**
   * UpdateTasks are tasks new or changed since the last message (all of them for COMPLETE).
   */
  'updateTasks'?: (_swarm_api_Task)[];
  /**
   * RemoveTaskIds are tasks no longer assigned to the node (stop and forget them).
   */
  'removeTaskIds'?: (string)[];
}

export interface AssignmentsMessage__Output {
  'type': (_swarm_dispatcher_AssignmentsMessage_Type__Output);
  /**
   * UpdateTasks are tasks new or changed since the last message (all of them for COMPLETE).
   */
  'updateTasks': (_swarm_api_Task__Output)[];
  /**
   * RemoveTaskIds are tasks no longer assigned to the node (stop and forget them).
   */
  'removeTaskIds': (string)[];
}
