// Original file: proto/control.proto

import type { ServiceSpec as _swarm_api_ServiceSpec, ServiceSpec__Output as _swarm_api_ServiceSpec__Output } from '../../swarm/api/ServiceSpec.js';

export interface CreateServiceRequest {
  'spec'?: (_swarm_api_ServiceSpec | null);
}

export interface CreateServiceRequest__Output {
  'spec': (_swarm_api_ServiceSpec__Output | null);
}
