// Original file: proto/control.proto

import type { ServiceSpec as _swarm_api_ServiceSpec, ServiceSpec__Output as _swarm_api_ServiceSpec__Output } from '../../swarm/api/ServiceSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface UpdateServiceRequest {
  'serviceId'?: (string);
  'serviceVersion'?: (number | string | Long);
  'spec'?: (_swarm_api_ServiceSpec | null);
  /**
   * Rollback restores previous_spec instead of applying spec (`service rollback`).
   */
  'rollback'?: (boolean);
}

export interface UpdateServiceRequest__Output {
  'serviceId': (string);
  'serviceVersion': (number);
  'spec': (_swarm_api_ServiceSpec__Output | null);
  /**
   * Rollback restores previous_spec instead of applying spec (`service rollback`).
   */
  'rollback': (boolean);
}
