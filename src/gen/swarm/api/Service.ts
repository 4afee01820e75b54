// Original file: proto/objects.proto

import type { Meta as _swarm_api_Meta, Meta__Output as _swarm_api_Meta__Output } from '../../swarm/api/Meta.js';
import type { ServiceSpec as _swarm_api_ServiceSpec, ServiceSpec__Output as _swarm_api_ServiceSpec__Output } from '../../swarm/api/ServiceSpec.js';
import type { Endpoint as _swarm_api_Endpoint, Endpoint__Output as _swarm_api_Endpoint__Output } from '../../swarm/api/Endpoint.js';
import type { UpdateStatus as _swarm_api_UpdateStatus, UpdateStatus__Output as _swarm_api_UpdateStatus__Output } from '../../swarm/api/UpdateStatus.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Service is a user's long-running workload: a spec and the update state of its tasks.
 */
export interface Service {
  /**
   * Id of the service.
   */
  'id'?: (string);
  /**
   * Meta is the store bookkeeping; meta.version identifies the spec version tasks were created from.
   */
  'meta'?: (_swarm_api_Meta | null);
  /**
   * Spec is the desired state.
   */
  'spec'?: (_swarm_api_ServiceSpec | null);
  /**
   * PreviousSpec is the spec before the last update; a rollback restores it.
   */
  'previousSpec'?: (_swarm_api_ServiceSpec | null);
  /**
   * Endpoint is the allocated endpoint (ports, virtual IPs).
   */
  'endpoint'?: (_swarm_api_Endpoint | null);
  /**
   * UpdateStatus of the current or last rolling update.
   */
  'updateStatus'?: (_swarm_api_UpdateStatus | null);
  /**
   * PendingDelete marks a service being removed: its tasks are shut down, then the service deleted.
   */
  'pendingDelete'?: (boolean);
  /**
   * SpecVersion is the store version (Raft index) at which the current spec was written.
   */
  'specVersion'?: (number | string | Long);
}

/**
 * Service is a user's long-running workload: a spec and the update state of its tasks.
 */
export interface Service__Output {
  /**
   * Id of the service.
   */
  'id': (string);
  /**
   * Meta is the store bookkeeping; meta.version identifies the spec version tasks were created from.
   */
  'meta': (_swarm_api_Meta__Output | null);
  /**
   * Spec is the desired state.
   */
  'spec': (_swarm_api_ServiceSpec__Output | null);
  /**
   * PreviousSpec is the spec before the last update; a rollback restores it.
   */
  'previousSpec': (_swarm_api_ServiceSpec__Output | null);
  /**
   * Endpoint is the allocated endpoint (ports, virtual IPs).
   */
  'endpoint': (_swarm_api_Endpoint__Output | null);
  /**
   * UpdateStatus of the current or last rolling update.
   */
  'updateStatus': (_swarm_api_UpdateStatus__Output | null);
  /**
   * PendingDelete marks a service being removed: its tasks are shut down, then the service deleted.
   */
  'pendingDelete': (boolean);
  /**
   * SpecVersion is the store version (Raft index) at which the current spec was written.
   */
  'specVersion': (number);
}
