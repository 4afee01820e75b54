// Original file: proto/specs.proto

import type { PortConfig as _swarm_api_PortConfig, PortConfig__Output as _swarm_api_PortConfig__Output } from '../../swarm/api/PortConfig.js';

// Original file: proto/specs.proto

/**
 * ResolutionMode of the service's name.
 */
export const _swarm_api_EndpointSpec_ResolutionMode = {
  /**
   * VIP: a virtual IP balanced over the tasks (the default).
   */
  VIP: 'VIP',
  /**
   * DNSRR: DNS round robin over the task IPs; incompatible with ingress ports.
   */
  DNSRR: 'DNSRR',
} as const;

/**
 * ResolutionMode of the service's name.
 */
export type _swarm_api_EndpointSpec_ResolutionMode =
  /**
   * VIP: a virtual IP balanced over the tasks (the default).
   */
  | 'VIP'
  | 0
  /**
   * DNSRR: DNS round robin over the task IPs; incompatible with ingress ports.
   */
  | 'DNSRR'
  | 1

/**
 * ResolutionMode of the service's name.
 */
export type _swarm_api_EndpointSpec_ResolutionMode__Output = typeof _swarm_api_EndpointSpec_ResolutionMode[keyof typeof _swarm_api_EndpointSpec_ResolutionMode]

/**
 * EndpointSpec configures how a service is reached.
 */
export interface EndpointSpec {
  /**
   * Mode of resolution.
   */
  'mode'?: (_swarm_api_EndpointSpec_ResolutionMode);
  /**
   * Ports published by the service.
   */
  'ports'?: (_swarm_api_PortConfig)[];
}

/**
 * EndpointSpec configures how a service is reached.
 */
export interface EndpointSpec__Output {
  /**
   * Mode of resolution.
   */
  'mode': (_swarm_api_EndpointSpec_ResolutionMode__Output);
  /**
   * Ports published by the service.
   */
  'ports': (_swarm_api_PortConfig__Output)[];
}
