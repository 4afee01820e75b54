// Original file: proto/daemon.proto

import type { NodeRole as _swarm_api_NodeRole, NodeRole__Output as _swarm_api_NodeRole__Output } from '../../swarm/api/NodeRole.js';

// Original file: proto/daemon.proto

export const _swarm_daemon_InfoResponse_LocalState = {
  INACTIVE: 'INACTIVE',
  PENDING: 'PENDING',
  ACTIVE: 'ACTIVE',
  ERROR: 'ERROR',
} as const;

export type _swarm_daemon_InfoResponse_LocalState =
  | 'INACTIVE'
  | 0
  | 'PENDING'
  | 1
  | 'ACTIVE'
  | 2
  | 'ERROR'
  | 3

export type _swarm_daemon_InfoResponse_LocalState__Output = typeof _swarm_daemon_InfoResponse_LocalState[keyof typeof _swarm_daemon_InfoResponse_LocalState]

export interface InfoResponse {
  'state'?: (_swarm_daemon_InfoResponse_LocalState);
  'nodeId'?: (string);
  'clusterId'?: (string);
  'role'?: (_swarm_api_NodeRole);
  /**
   * ControlAvailable is true on managers (the control API can be used through this daemon).
   */
  'controlAvailable'?: (boolean);
  /**
   * NodeAddr is the advertised address.
   */
  'nodeAddr'?: (string);
  /**
   * Managers are the addresses of the known managers.
   */
  'managers'?: (string)[];
  /**
   * Error explains state ERROR.
   */
  'error'?: (string);
  /**
   * Leader is the leader's node id when known.
   */
  'leaderId'?: (string);
}

export interface InfoResponse__Output {
  'state': (_swarm_daemon_InfoResponse_LocalState__Output);
  'nodeId': (string);
  'clusterId': (string);
  'role': (_swarm_api_NodeRole__Output);
  /**
   * ControlAvailable is true on managers (the control API can be used through this daemon).
   */
  'controlAvailable': (boolean);
  /**
   * NodeAddr is the advertised address.
   */
  'nodeAddr': (string);
  /**
   * Managers are the addresses of the known managers.
   */
  'managers': (string)[];
  /**
   * Error explains state ERROR.
   */
  'error': (string);
  /**
   * Leader is the leader's node id when known.
   */
  'leaderId': (string);
}
