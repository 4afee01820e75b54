// Original file: proto/daemon.proto

import type { NodeRole as _swarm_api_NodeRole, NodeRole__Output as _swarm_api_NodeRole__Output } from '../../swarm/api/NodeRole.js';

export interface JoinResponse {
  'nodeId'?: (string);
  'role'?: (_swarm_api_NodeRole);
}

export interface JoinResponse__Output {
  'nodeId': (string);
  'role': (_swarm_api_NodeRole__Output);
}
