// Original file: proto/control.proto

import type { NodeRole as _swarm_api_NodeRole, NodeRole__Output as _swarm_api_NodeRole__Output } from '../../swarm/api/NodeRole.js';

export interface _swarm_control_ListNodesRequest_Filters {
  /**
   * Names match the node hostname or annotations name exactly.
   */
  'names'?: (string)[];
  /**
   * IdPrefixes match the start of node ids.
   */
  'idPrefixes'?: (string)[];
  'roles'?: (_swarm_api_NodeRole)[];
  'labels'?: ({[key: string]: string});
}

export interface _swarm_control_ListNodesRequest_Filters__Output {
  /**
   * Names match the node hostname or annotations name exactly.
   */
  'names': (string)[];
  /**
   * IdPrefixes match the start of node ids.
   */
  'idPrefixes': (string)[];
  'roles': (_swarm_api_NodeRole__Output)[];
  'labels': ({[key: string]: string});
}

export interface ListNodesRequest {
  'filters'?: (_swarm_control_ListNodesRequest_Filters | null);
}

export interface ListNodesRequest__Output {
  'filters': (_swarm_control_ListNodesRequest_Filters__Output | null);
}
