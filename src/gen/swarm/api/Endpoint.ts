// Original file: proto/objects.proto

import type { EndpointSpec as _swarm_api_EndpointSpec, EndpointSpec__Output as _swarm_api_EndpointSpec__Output } from '../../swarm/api/EndpointSpec.js';
import type { PortConfig as _swarm_api_PortConfig, PortConfig__Output as _swarm_api_PortConfig__Output } from '../../swarm/api/PortConfig.js';
import type { VirtualIP as _swarm_api_VirtualIP, VirtualIP__Output as _swarm_api_VirtualIP__Output } from '../../swarm/api/VirtualIP.js';

/**
 * Endpoint is the observed, allocated state of a service's endpoint.
 */
export interface Endpoint {
  /**
   * Spec the allocation was made for (a copy of the service's endpoint spec).
   */
  'spec'?: (_swarm_api_EndpointSpec | null);
  /**
   * Ports as allocated: published ports chosen for those the user left at 0.
   */
  'ports'?: (_swarm_api_PortConfig)[];
  /**
   * VirtualIps of the service, one per attached network.
   */
  'virtualIps'?: (_swarm_api_VirtualIP)[];
}

/**
 * Endpoint is the observed, allocated state of a service's endpoint.
 */
export interface Endpoint__Output {
  /**
   * Spec the allocation was made for (a copy of the service's endpoint spec).
   */
  'spec': (_swarm_api_EndpointSpec__Output | null);
  /**
   * Ports as allocated: published ports chosen for those the user left at 0.
   */
  'ports': (_swarm_api_PortConfig__Output)[];
  /**
   * VirtualIps of the service, one per attached network.
   */
  'virtualIps': (_swarm_api_VirtualIP__Output)[];
}
