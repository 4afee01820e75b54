// Original file: proto/specs.proto

import type { Annotations as _swarm_api_Annotations, Annotations__Output as _swarm_api_Annotations__Output } from '../../swarm/api/Annotations.js';
import type { TaskSpec as _swarm_api_TaskSpec, TaskSpec__Output as _swarm_api_TaskSpec__Output } from '../../swarm/api/TaskSpec.js';
import type { ReplicatedService as _swarm_api_ReplicatedService, ReplicatedService__Output as _swarm_api_ReplicatedService__Output } from '../../swarm/api/ReplicatedService.js';
import type { GlobalService as _swarm_api_GlobalService, GlobalService__Output as _swarm_api_GlobalService__Output } from '../../swarm/api/GlobalService.js';
import type { UpdateConfig as _swarm_api_UpdateConfig, UpdateConfig__Output as _swarm_api_UpdateConfig__Output } from '../../swarm/api/UpdateConfig.js';
import type { EndpointSpec as _swarm_api_EndpointSpec, EndpointSpec__Output as _swarm_api_EndpointSpec__Output } from '../../swarm/api/EndpointSpec.js';

/**
 * ServiceSpec is the user's desired state of a service.
 */
export interface ServiceSpec {
  /**
   * Annotations: the service name (unique in the cluster) and labels.
   */
  'annotations'?: (_swarm_api_Annotations | null);
  /**
   * Task is the template of every task of the service.
   */
  'task'?: (_swarm_api_TaskSpec | null);
  /**
   * Replicated mode.
   */
  'replicated'?: (_swarm_api_ReplicatedService | null);
  /**
   * Global mode.
   */
  'global'?: (_swarm_api_GlobalService | null);
  /**
   * Update configures rolling updates; absent means the defaults.
   */
  'update'?: (_swarm_api_UpdateConfig | null);
  /**
   * Rollback configures rollbacks; absent means the defaults.
   */
  'rollback'?: (_swarm_api_UpdateConfig | null);
  /**
   * Endpoint configures published ports and name resolution.
   */
  'endpoint'?: (_swarm_api_EndpointSpec | null);
  /**
   * Mode: replicated (a number of tasks) or global (one per eligible node).
   */
  'mode'?: "replicated"|"global";
}

/**
 * ServiceSpec is the user's desired state of a service.
 */
export interface ServiceSpec__Output {
  /**
   * Annotations: the service name (unique in the cluster) and labels.
   */
  'annotations': (_swarm_api_Annotations__Output | null);
  /**
   * Task is the template of every task of the service.
   */
  'task': (_swarm_api_TaskSpec__Output | null);
  /**
   * Replicated mode.
   */
  'replicated'?: (_swarm_api_ReplicatedService__Output | null);
  /**
   * Global mode.
   */
  'global'?: (_swarm_api_GlobalService__Output | null);
  /**
   * Update configures rolling updates; absent means the defaults.
   */
  'update': (_swarm_api_UpdateConfig__Output | null);
  /**
   * Rollback configures rollbacks; absent means the defaults.
   */
  'rollback': (_swarm_api_UpdateConfig__Output | null);
  /**
   * Endpoint configures published ports and name resolution.
   */
  'endpoint': (_swarm_api_EndpointSpec__Output | null);
  /**
   * Mode: replicated (a number of tasks) or global (one per eligible node).
   */
  'mode'?: "replicated"|"global";
}
