// Original file: proto/control.proto

import type { Node as _swarm_api_Node, Node__Output as _swarm_api_Node__Output } from '../../swarm/api/Node.js';

export interface UpdateNodeResponse {
  'node'?: (_swarm_api_Node | null);
}

export interface UpdateNodeResponse__Output {
  'node': (_swarm_api_Node__Output | null);
}
