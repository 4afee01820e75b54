// Original file: proto/objects.proto

import type { Meta as _swarm_api_Meta, Meta__Output as _swarm_api_Meta__Output } from '../../swarm/api/Meta.js';
import type { TaskSpec as _swarm_api_TaskSpec, TaskSpec__Output as _swarm_api_TaskSpec__Output } from '../../swarm/api/TaskSpec.js';
import type { Annotations as _swarm_api_Annotations, Annotations__Output as _swarm_api_Annotations__Output } from '../../swarm/api/Annotations.js';
import type { TaskStatus as _swarm_api_TaskStatus, TaskStatus__Output as _swarm_api_TaskStatus__Output } from '../../swarm/api/TaskStatus.js';
import type { TaskState as _swarm_api_TaskState, TaskState__Output as _swarm_api_TaskState__Output } from '../../swarm/api/TaskState.js';
import type { NetworkAttachment as _swarm_api_NetworkAttachment, NetworkAttachment__Output as _swarm_api_NetworkAttachment__Output } from '../../swarm/api/NetworkAttachment.js';
import type { Endpoint as _swarm_api_Endpoint, Endpoint__Output as _swarm_api_Endpoint__Output } from '../../swarm/api/Endpoint.js';
import type { GenericResource as _swarm_api_GenericResource, GenericResource__Output as _swarm_api_GenericResource__Output } from '../../swarm/api/GenericResource.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Task is one instance of a service: a slot (replicated) or a node (global) running one container.
 * Managers own spec and desired_state; the agent on node_id reports status, which only moves forward.
 */
export interface Task {
  /**
   * Id of the task.
   */
  'id'?: (string);
  /**
   * Meta is the store bookkeeping.
   */
  'meta'?: (_swarm_api_Meta | null);
  /**
   * Spec is a copy of the service's task spec at the time the task was created.
   */
  'spec'?: (_swarm_api_TaskSpec | null);
  /**
   * SpecVersion is the service's spec_version the task was created from (used to find outdated tasks).
   */
  'specVersion'?: (number | string | Long);
  /**
   * ServiceId of the owning service.
   */
  'serviceId'?: (string);
  /**
   * Slot is the replica number (1..replicas) of a replicated service; 0 for global services.
   */
  'slot'?: (number | string | Long);
  /**
   * NodeId the task is assigned to: set by the scheduler (replicated) or the orchestrator (global).
   */
  'nodeId'?: (string);
  /**
   * Annotations of the task; name defaults to "<service>.<slot>.<id>".
   */
  'annotations'?: (_swarm_api_Annotations | null);
  /**
   * ServiceAnnotations is a copy of the service's annotations (so agents know the service name).
   */
  'serviceAnnotations'?: (_swarm_api_Annotations | null);
  /**
   * Status is the observed state.
   */
  'status'?: (_swarm_api_TaskStatus | null);
  /**
   * DesiredState is the state managers want the task in: RUNNING, SHUTDOWN, COMPLETE or REMOVE.
   */
  'desiredState'?: (_swarm_api_TaskState);
  /**
   * Networks the task is attached to, with its addresses.
   */
  'networks'?: (_swarm_api_NetworkAttachment)[];
  /**
   * Endpoint is a copy of the service's endpoint at creation (published ports for the node).
   */
  'endpoint'?: (_swarm_api_Endpoint | null);
  /**
   * ImageDigest is the image pinned at service create/update ("sha256:..."), so all nodes run the
   * same bits whatever the tag points at later.
   */
  'imageDigest'?: (string);
  /**
   * AssignedGenericResources are the named resources the scheduler gave the task on its node.
   */
  'assignedGenericResources'?: (_swarm_api_GenericResource)[];
}

/**
 * Task is one instance of a service: a slot (replicated) or a node (global) running one container.
 * Managers own spec and desired_state; the agent on node_id reports status, which only moves forward.
 */
export interface Task__Output {
  /**
   * Id of the task.
   */
  'id': (string);
  /**
   * Meta is the store bookkeeping.
   */
  'meta': (_swarm_api_Meta__Output | null);
  /**
   * Spec is a copy of the service's task spec at the time the task was created.
   */
  'spec': (_swarm_api_TaskSpec__Output | null);
  /**
   * SpecVersion is the service's spec_version the task was created from (used to find outdated tasks).
   */
  'specVersion': (number);
  /**
   * ServiceId of the owning service.
   */
  'serviceId': (string);
  /**
   * Slot is the replica number (1..replicas) of a replicated service; 0 for global services.
   */
  'slot': (number);
  /**
   * NodeId the task is assigned to: set by the scheduler (replicated) or the orchestrator (global).
   */
  'nodeId': (string);
  /**
   * Annotations of the task; name defaults to "<service>.<slot>.<id>".
   */
  'annotations': (_swarm_api_Annotations__Output | null);
  /**
   * ServiceAnnotations is a copy of the service's annotations (so agents know the service name).
   */
  'serviceAnnotations': (_swarm_api_Annotations__Output | null);
  /**
   * Status is the observed state.
   */
  'status': (_swarm_api_TaskStatus__Output | null);
  /**
   * DesiredState is the state managers want the task in: RUNNING, SHUTDOWN, COMPLETE or REMOVE.
   */
  'desiredState': (_swarm_api_TaskState__Output);
  /**
   * Networks the task is attached to, with its addresses.
   */
  'networks': (_swarm_api_NetworkAttachment__Output)[];
  /**
   * Endpoint is a copy of the service's endpoint at creation (published ports for the node).
   */
  'endpoint': (_swarm_api_Endpoint__Output | null);
  /**
   * ImageDigest is the image pinned at service create/update ("sha256:..."), so all nodes run the
   * same bits whatever the tag points at later.
   */
  'imageDigest': (string);
  /**
   * AssignedGenericResources are the named resources the scheduler gave the task on its node.
   */
  'assignedGenericResources': (_swarm_api_GenericResource__Output)[];
}
