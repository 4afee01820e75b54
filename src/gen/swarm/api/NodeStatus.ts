// Original file: proto/types.proto


// Original file: proto/types.proto

/**
 * State of a node's session with the managers.
 */
export const _swarm_api_NodeStatus_State = {
  /**
   * UNKNOWN means the node never reported.
   */
  UNKNOWN: 'UNKNOWN',
  /**
   * DOWN means the node missed its heartbeats (or left); its tasks are replaced.
   */
  DOWN: 'DOWN',
  /**
   * READY means the node has a live session and can take tasks.
   */
  READY: 'READY',
  /**
   * DISCONNECTED means the node lost its session and is looking for a manager.
   */
  DISCONNECTED: 'DISCONNECTED',
} as const;

/**
 * State of a node's session with the managers.
 */
export type _swarm_api_NodeStatus_State =
  /**
   * UNKNOWN means the node never reported.
   */
  | 'UNKNOWN'
  | 0
  /**
   * DOWN means the node missed its heartbeats (or left); its tasks are replaced.
   */
  | 'DOWN'
  | 1
  /**
   * READY means the node has a live session and can take tasks.
   */
  | 'READY'
  | 2
  /**
   * DISCONNECTED means the node lost its session and is looking for a manager.
   */
  | 'DISCONNECTED'
  | 3

/**
 * State of a node's session with the managers.
 */
export type _swarm_api_NodeStatus_State__Output = typeof _swarm_api_NodeStatus_State[keyof typeof _swarm_api_NodeStatus_State]

/**
 * NodeStatus is the state of a node as seen by the managers (the dispatcher).
 */
export interface NodeStatus {
  /**
   * State of the node.
   */
  'state'?: (_swarm_api_NodeStatus_State);
  /**
   * Message explains the state (e.g. "heartbeat failure for node in \"unknown\" state").
   */
  'message'?: (string);
  /**
   * Addr is the address the node was last seen connecting from.
   */
  'addr'?: (string);
}

/**
 * NodeStatus is the state of a node as seen by the managers (the dispatcher).
 */
export interface NodeStatus__Output {
  /**
   * State of the node.
   */
  'state': (_swarm_api_NodeStatus_State__Output);
  /**
   * Message explains the state (e.g. "heartbeat failure for node in \"unknown\" state").
   */
  'message': (string);
  /**
   * Addr is the address the node was last seen connecting from.
   */
  'addr': (string);
}
