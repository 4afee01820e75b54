// Original file: proto/specs.proto

import type { ContainerSpec as _swarm_api_ContainerSpec, ContainerSpec__Output as _swarm_api_ContainerSpec__Output } from '../../swarm/api/ContainerSpec.js';
import type { ResourceRequirements as _swarm_api_ResourceRequirements, ResourceRequirements__Output as _swarm_api_ResourceRequirements__Output } from '../../swarm/api/ResourceRequirements.js';
import type { RestartPolicy as _swarm_api_RestartPolicy, RestartPolicy__Output as _swarm_api_RestartPolicy__Output } from '../../swarm/api/RestartPolicy.js';
import type { Placement as _swarm_api_Placement, Placement__Output as _swarm_api_Placement__Output } from '../../swarm/api/Placement.js';
import type { Long } from '@grpc/proto-loader';

/**
 * TaskSpec is everything a task needs to run; it is copied into each task at creation.
 */
export interface TaskSpec {
  /**
   * Container to run.
   */
  'container'?: (_swarm_api_ContainerSpec | null);
  /**
   * Resources: limits enforced by the runtime, reservations used by the scheduler.
   */
  'resources'?: (_swarm_api_ResourceRequirements | null);
  /**
   * RestartPolicy of the service's tasks.
   */
  'restart'?: (_swarm_api_RestartPolicy | null);
  /**
   * Placement of the service's tasks.
   */
  'placement'?: (_swarm_api_Placement | null);
  /**
   * ForceUpdate: changing this counter forces a rolling update even when nothing else changed.
   */
  'forceUpdate'?: (number | string | Long);
  /**
   * Runtime of the task; only containers exist today.
   */
  'runtime'?: "container";
}

/**
 * TaskSpec is everything a task needs to run; it is copied into each task at creation.
 */
export interface TaskSpec__Output {
  /**
   * Container to run.
   */
  'container'?: (_swarm_api_ContainerSpec__Output | null);
  /**
   * Resources: limits enforced by the runtime, reservations used by the scheduler.
   */
  'resources': (_swarm_api_ResourceRequirements__Output | null);
  /**
   * RestartPolicy of the service's tasks.
   */
  'restart': (_swarm_api_RestartPolicy__Output | null);
  /**
   * Placement of the service's tasks.
   */
  'placement': (_swarm_api_Placement__Output | null);
  /**
   * ForceUpdate: changing this counter forces a rolling update even when nothing else changed.
   */
  'forceUpdate': (number);
  /**
   * Runtime of the task; only containers exist today.
   */
  'runtime'?: "container";
}
