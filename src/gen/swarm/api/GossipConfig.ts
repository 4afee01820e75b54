// Original file: proto/specs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * GossipConfig tunes the SWIM gossip layer.
 */
export interface GossipConfig {
  /**
   * Port gossip listens on (UDP and TCP); default 7947.
   */
  'port'?: (number);
  /**
   * ProbeIntervalMs between two failure-detector probes; default 1000.
   */
  'probeIntervalMs'?: (number | string | Long);
  /**
   * Encrypted turns on encryption with the keys held in Cluster.gossip_keys.
   */
  'encrypted'?: (boolean);
  '_port'?: "port";
  '_probeIntervalMs'?: "probeIntervalMs";
}

/**
 * GossipConfig tunes the SWIM gossip layer.
 */
export interface GossipConfig__Output {
  /**
   * Port gossip listens on (UDP and TCP); default 7947.
   */
  'port'?: (number);
  /**
   * ProbeIntervalMs between two failure-detector probes; default 1000.
   */
  'probeIntervalMs'?: (number);
  /**
   * Encrypted turns on encryption with the keys held in Cluster.gossip_keys.
   */
  'encrypted': (boolean);
  '_port'?: "port";
  '_probeIntervalMs'?: "probeIntervalMs";
}
