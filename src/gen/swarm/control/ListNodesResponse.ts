// Original file: proto/control.proto

import type { Node as _swarm_api_Node, Node__Output as _swarm_api_Node__Output } from '../../swarm/api/Node.js';

export interface ListNodesResponse {
  'nodes'?: (_swarm_api_Node)[];
}

export interface ListNodesResponse__Output {
  'nodes': (_swarm_api_Node__Output)[];
}
