// Original file: proto/specs.proto

import type { PlacementPreference as _swarm_api_PlacementPreference, PlacementPreference__Output as _swarm_api_PlacementPreference__Output } from '../../swarm/api/PlacementPreference.js';
import type { Platform as _swarm_api_Platform, Platform__Output as _swarm_api_Platform__Output } from '../../swarm/api/Platform.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Placement restricts and steers where a service's tasks may run.
 */
export interface Placement {
  /**
   * Constraints, all of which a node must satisfy: "node.id|node.hostname|node.role|node.labels.KEY|
   * engine.labels.KEY (==|!=) value".
   */
  'constraints'?: (string)[];
  /**
   * Preferences applied in order: tasks are split evenly over the values of the first label, then
   * within each value over the values of the second, and so on.
   */
  'preferences'?: (_swarm_api_PlacementPreference)[];
  /**
   * MaxReplicas is the maximum number of this service's tasks on one node; 0 means unlimited.
   */
  'maxReplicas'?: (number | string | Long);
  /**
   * Platforms the image supports; the scheduler only considers matching nodes (empty = any).
   */
  'platforms'?: (_swarm_api_Platform)[];
}

/**
 * Placement restricts and steers where a service's tasks may run.
 */
export interface Placement__Output {
  /**
   * Constraints, all of which a node must satisfy: "node.id|node.hostname|node.role|node.labels.KEY|
   * engine.labels.KEY (==|!=) value".
   */
  'constraints': (string)[];
  /**
   * Preferences applied in order: tasks are split evenly over the values of the first label, then
   * within each value over the values of the second, and so on.
   */
  'preferences': (_swarm_api_PlacementPreference__Output)[];
  /**
   * MaxReplicas is the maximum number of this service's tasks on one node; 0 means unlimited.
   */
  'maxReplicas': (number);
  /**
   * Platforms the image supports; the scheduler only considers matching nodes (empty = any).
   */
  'platforms': (_swarm_api_Platform__Output)[];
}
