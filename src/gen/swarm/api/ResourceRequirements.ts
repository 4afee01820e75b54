// Original file: proto/types.proto

import type { ResourceLimits as _swarm_api_ResourceLimits, ResourceLimits__Output as _swarm_api_ResourceLimits__Output } from '../../swarm/api/ResourceLimits.js';
import type { Resources as _swarm_api_Resources, Resources__Output as _swarm_api_Resources__Output } from '../../swarm/api/Resources.js';

/**
 * ResourceRequirements pairs what a task may use at most (limits) with what the scheduler must find
 * free on a node before placing it there (reservations).
 */
export interface ResourceRequirements {
  /**
   * Limits are enforced by the runtime on the node.
   */
  'limits'?: (_swarm_api_ResourceLimits | null);
  /**
   * Reservations are subtracted from the node's capacity by the scheduler.
   */
  'reservations'?: (_swarm_api_Resources | null);
}

/**
 * ResourceRequirements pairs what a task may use at most (limits) with what the scheduler must find
 * free on a node before placing it there (reservations).
 */
export interface ResourceRequirements__Output {
  /**
   * Limits are enforced by the runtime on the node.
   */
  'limits': (_swarm_api_ResourceLimits__Output | null);
  /**
   * Reservations are subtracted from the node's capacity by the scheduler.
   */
  'reservations': (_swarm_api_Resources__Output | null);
}
