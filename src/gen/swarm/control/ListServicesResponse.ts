// Original file: proto/control.proto

import type { Service as _swarm_api_Service, Service__Output as _swarm_api_Service__Output } from '../../swarm/api/Service.js';

export interface ListServicesResponse {
  'services'?: (_swarm_api_Service)[];
}

export interface ListServicesResponse__Output {
  'services': (_swarm_api_Service__Output)[];
}
