// Original file: proto/objects.proto

import type { Meta as _swarm_api_Meta, Meta__Output as _swarm_api_Meta__Output } from '../../swarm/api/Meta.js';
import type { ClusterSpec as _swarm_api_ClusterSpec, ClusterSpec__Output as _swarm_api_ClusterSpec__Output } from '../../swarm/api/ClusterSpec.js';
import type { RootCA as _swarm_api_RootCA, RootCA__Output as _swarm_api_RootCA__Output } from '../../swarm/api/RootCA.js';
import type { EncryptionKey as _swarm_api_EncryptionKey, EncryptionKey__Output as _swarm_api_EncryptionKey__Output } from '../../swarm/api/EncryptionKey.js';
import type { RemovedNode as _swarm_api_RemovedNode, RemovedNode__Output as _swarm_api_RemovedNode__Output } from '../../swarm/api/RemovedNode.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Cluster holds the cluster-wide configuration and secrets; there is exactly one.
 */
export interface Cluster {
  /**
   * Id of the cluster.
   */
  'id'?: (string);
  /**
   * Meta is the store bookkeeping.
   */
  'meta'?: (_swarm_api_Meta | null);
  /**
   * Spec is the user-settable configuration.
   */
  'spec'?: (_swarm_api_ClusterSpec | null);
  /**
   * RootCa is the cluster CA and the join tokens.
   */
  'rootCa'?: (_swarm_api_RootCA | null);
  /**
   * GossipKeys encrypt gossip; the one with the highest lamport_time is the sending key.
   */
  'gossipKeys'?: (_swarm_api_EncryptionKey)[];
  /**
   * GossipKeyLamportClock is the last lamport_time handed out to a gossip key.
   */
  'gossipKeyLamportClock'?: (number | string | Long);
  /**
   * RemovedNodes are the nodes removed from the cluster (as SwarmKit's blacklisted certificates):
   * every manager refuses their certificates on every RPC, until those certificates expire.
   */
  'removedNodes'?: (_swarm_api_RemovedNode)[];
}

/**
 * Cluster holds the cluster-wide configuration and secrets; there is exactly one.
 */
export interface Cluster__Output {
  /**
   * Id of the cluster.
   */
  'id': (string);
  /**
   * Meta is the store bookkeeping.
   */
  'meta': (_swarm_api_Meta__Output | null);
  /**
   * Spec is the user-settable configuration.
   */
  'spec': (_swarm_api_ClusterSpec__Output | null);
  /**
   * RootCa is the cluster CA and the join tokens.
   */
  'rootCa': (_swarm_api_RootCA__Output | null);
  /**
   * GossipKeys encrypt gossip; the one with the highest lamport_time is the sending key.
   */
  'gossipKeys': (_swarm_api_EncryptionKey__Output)[];
  /**
   * GossipKeyLamportClock is the last lamport_time handed out to a gossip key.
   */
  'gossipKeyLamportClock': (number);
  /**
   * RemovedNodes are the nodes removed from the cluster (as SwarmKit's blacklisted certificates):
   * every manager refuses their certificates on every RPC, until those certificates expire.
   */
  'removedNodes': (_swarm_api_RemovedNode__Output)[];
}
