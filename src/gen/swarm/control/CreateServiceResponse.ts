// Original file: proto/control.proto

import type { Service as _swarm_api_Service, Service__Output as _swarm_api_Service__Output } from '../../swarm/api/Service.js';

export interface CreateServiceResponse {
  'service'?: (_swarm_api_Service | null);
}

export interface CreateServiceResponse__Output {
  'service': (_swarm_api_Service__Output | null);
}
