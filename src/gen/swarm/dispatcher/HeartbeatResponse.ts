// Original file: proto/dispatcher.proto

import type { NodeRole as _swarm_api_NodeRole, NodeRole__Output as _swarm_api_NodeRole__Output } from '../../swarm/api/NodeRole.js';
import type { Long } from '@grpc/proto-loader';

export interface HeartbeatResponse {
  /**
   * PeriodMs is when to send the next heartbeat.
   */
  'periodMs'?: (number | string | Long);
  /**
   * Managers are the API addresses of the current managers (so workers can fail over).
   */
  'managers'?: (string)[];
  /**
   * Role the cluster gives the node now; when it differs from the node's certificate the node renews
   * its certificate and starts (promotion) or stops (demotion) its manager.
   */
  'role'?: (_swarm_api_NodeRole);
  /**
   * GossipKeys are the cluster's gossip encryption keys, the sending key first (distributed by the
   * managers through Raft; node certificates protect them in transit).
   */
  'gossipKeys'?: (Buffer | Uint8Array | string)[];
}

export interface HeartbeatResponse__Output {
  /**
   * PeriodMs is when to send the next heartbeat.
   */
  'periodMs': (number);
  /**
   * Managers are the API addresses of the current managers (so workers can fail over).
   */
  'managers': (string)[];
  /**
   * Role the cluster gives the node now; when it differs from the node's certificate the node renews
   * its certificate and starts (promotion) or stops (demotion) its manager.
   */
  'role': (_swarm_api_NodeRole__Output);
  /**
   * GossipKeys are the cluster's gossip encryption keys, the sending key first (distributed by the
   * managers through Raft; node certificates protect them in transit).
   */
  'gossipKeys': (Buffer)[];
}
