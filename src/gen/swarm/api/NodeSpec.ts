// Original file: proto/specs.proto

import type { Annotations as _swarm_api_Annotations, Annotations__Output as _swarm_api_Annotations__Output } from '../../swarm/api/Annotations.js';
import type { NodeRole as _swarm_api_NodeRole, NodeRole__Output as _swarm_api_NodeRole__Output } from '../../swarm/api/NodeRole.js';

// Original file: proto/specs.proto

/**
 * Availability of a node for new and existing tasks.
 */
export const _swarm_api_NodeSpec_Availability = {
  /**
   * ACTIVE: the scheduler may place tasks here (the default).
   */
  ACTIVE: 'ACTIVE',
  /**
   * PAUSE: no new tasks; existing tasks keep running.
   */
  PAUSE: 'PAUSE',
  /**
   * DRAIN: no new tasks; existing tasks are shut down and rescheduled elsewhere.
   */
  DRAIN: 'DRAIN',
} as const;

/**
 * Availability of a node for new and existing tasks.
 */
export type _swarm_api_NodeSpec_Availability =
  /**
   * ACTIVE: the scheduler may place tasks here (the default).
   */
  | 'ACTIVE'
  | 0
  /**
   * PAUSE: no new tasks; existing tasks keep running.
   */
  | 'PAUSE'
  | 1
  /**
   * DRAIN: no new tasks; existing tasks are shut down and rescheduled elsewhere.
   */
  | 'DRAIN'
  | 2

/**
 * Availability of a node for new and existing tasks.
 */
export type _swarm_api_NodeSpec_Availability__Output = typeof _swarm_api_NodeSpec_Availability[keyof typeof _swarm_api_NodeSpec_Availability]

/**
 * NodeSpec is what a user may set on a node (`swarmctl node update`, `promote`, `demote`).
 */
export interface NodeSpec {
  /**
   * Annotations: an optional name override and the node labels (`node.labels.*` in constraints).
   */
  'annotations'?: (_swarm_api_Annotations | null);
  /**
   * DesiredRole is the role the user wants; the node's observed role (Node.role) follows it once the
   * Raft membership change and the certificate renewal are done.
   */
  'desiredRole'?: (_swarm_api_NodeRole);
  /**
   * Availability of the node.
   */
  'availability'?: (_swarm_api_NodeSpec_Availability);
}

/**
 * NodeSpec is what a user may set on a node (`swarmctl node update`, `promote`, `demote`).
 */
export interface NodeSpec__Output {
  /**
   * Annotations: an optional name override and the node labels (`node.labels.*` in constraints).
   */
  'annotations': (_swarm_api_Annotations__Output | null);
  /**
   * DesiredRole is the role the user wants; the node's observed role (Node.role) follows it once the
   * Raft membership change and the certificate renewal are done.
   */
  'desiredRole': (_swarm_api_NodeRole__Output);
  /**
   * Availability of the node.
   */
  'availability': (_swarm_api_NodeSpec_Availability__Output);
}
