// Original file: proto/specs.proto

import type { Annotations as _swarm_api_Annotations, Annotations__Output as _swarm_api_Annotations__Output } from '../../swarm/api/Annotations.js';
import type { OrchestrationConfig as _swarm_api_OrchestrationConfig, OrchestrationConfig__Output as _swarm_api_OrchestrationConfig__Output } from '../../swarm/api/OrchestrationConfig.js';
import type { RaftConfig as _swarm_api_RaftConfig, RaftConfig__Output as _swarm_api_RaftConfig__Output } from '../../swarm/api/RaftConfig.js';
import type { DispatcherConfig as _swarm_api_DispatcherConfig, DispatcherConfig__Output as _swarm_api_DispatcherConfig__Output } from '../../swarm/api/DispatcherConfig.js';
import type { CAConfig as _swarm_api_CAConfig, CAConfig__Output as _swarm_api_CAConfig__Output } from '../../swarm/api/CAConfig.js';
import type { GossipConfig as _swarm_api_GossipConfig, GossipConfig__Output as _swarm_api_GossipConfig__Output } from '../../swarm/api/GossipConfig.js';

/**
 * ClusterSpec is the user-settable configuration of the cluster.
 */
export interface ClusterSpec {
  /**
   * Annotations: the cluster name ("default") and labels.
   */
  'annotations'?: (_swarm_api_Annotations | null);
  /**
   * Orchestration settings.
   */
  'orchestration'?: (_swarm_api_OrchestrationConfig | null);
  /**
   * Raft settings.
   */
  'raft'?: (_swarm_api_RaftConfig | null);
  /**
   * Dispatcher settings.
   */
  'dispatcher'?: (_swarm_api_DispatcherConfig | null);
  /**
   * CaConfig: certificate authority settings.
   */
  'caConfig'?: (_swarm_api_CAConfig | null);
  /**
   * DefaultAddrPool is the list of CIDRs node and task subnets are carved from; default
   * ["10.0.0.0/8"].
   */
  'defaultAddrPool'?: (string)[];
  /**
   * SubnetSize is the prefix length of each node's task subnet; default 24.
   */
  'subnetSize'?: (number);
  /**
   * Gossip settings.
   */
  'gossip'?: (_swarm_api_GossipConfig | null);
  '_subnetSize'?: "subnetSize";
}

/**
 * ClusterSpec is the user-settable configuration of the cluster.
 */
export interface ClusterSpec__Output {
  /**
   * Annotations: the cluster name ("default") and labels.
   */
  'annotations': (_swarm_api_Annotations__Output | null);
  /**
   * Orchestration settings.
   */
  'orchestration': (_swarm_api_OrchestrationConfig__Output | null);
  /**
   * Raft settings.
   */
  'raft': (_swarm_api_RaftConfig__Output | null);
  /**
   * Dispatcher settings.
   */
  'dispatcher': (_swarm_api_DispatcherConfig__Output | null);
  /**
   * CaConfig: certificate authority settings.
   */
  'caConfig': (_swarm_api_CAConfig__Output | null);
  /**
   * DefaultAddrPool is the list of CIDRs node and task subnets are carved from; default
   * ["10.0.0.0/8"].
   */
  'defaultAddrPool': (string)[];
  /**
   * SubnetSize is the prefix length of each node's task subnet; default 24.
   */
  'subnetSize'?: (number);
  /**
   * Gossip settings.
   */
  'gossip': (_swarm_api_GossipConfig__Output | null);
  '_subnetSize'?: "subnetSize";
}
