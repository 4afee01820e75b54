// Original file: proto/control.proto

import type { NodeSpec as _swarm_api_NodeSpec, NodeSpec__Output as _swarm_api_NodeSpec__Output } from '../../swarm/api/NodeSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface UpdateNodeRequest {
  'nodeId'?: (string);
  /**
   * NodeVersion is the meta.version the spec was read at (optimistic concurrency).
   */
  'nodeVersion'?: (number | string | Long);
  'spec'?: (_swarm_api_NodeSpec | null);
}

export interface UpdateNodeRequest__Output {
  'nodeId': (string);
  /**
   * NodeVersion is the meta.version the spec was read at (optimistic concurrency).
   */
  'nodeVersion': (number);
  'spec': (_swarm_api_NodeSpec__Output | null);
}
