// Original file: proto/control.proto

import type { Service as _swarm_api_Service, Service__Output as _swarm_api_Service__Output } from '../../swarm/api/Service.js';

export interface GetServiceResponse {
  'service'?: (_swarm_api_Service | null);
}

export interface GetServiceResponse__Output {
  'service': (_swarm_api_Service__Output | null);
}
