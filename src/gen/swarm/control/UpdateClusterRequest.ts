// Original file: proto/control.proto

import type { ClusterSpec as _swarm_api_ClusterSpec, ClusterSpec__Output as _swarm_api_ClusterSpec__Output } from '../../swarm/api/ClusterSpec.js';
import type { KeyRotation as _swarm_control_KeyRotation, KeyRotation__Output as _swarm_control_KeyRotation__Output } from '../../swarm/control/KeyRotation.js';
import type { Long } from '@grpc/proto-loader';

export interface UpdateClusterRequest {
  'clusterId'?: (string);
  'clusterVersion'?: (number | string | Long);
  'spec'?: (_swarm_api_ClusterSpec | null);
  'rotation'?: (_swarm_control_KeyRotation | null);
}

export interface UpdateClusterRequest__Output {
  'clusterId': (string);
  'clusterVersion': (number);
  'spec': (_swarm_api_ClusterSpec__Output | null);
  'rotation': (_swarm_control_KeyRotation__Output | null);
}
