// Original file: proto/daemon.proto

import type { Long } from '@grpc/proto-loader';

export interface InitRequest {
  /**
   * ListenAddr for the cluster port (default 0.0.0.0:2377).
   */
  'listenAddr'?: (string);
  /**
   * AdvertiseAddr other nodes use to reach this one ("host" or "host:port").
   */
  'advertiseAddr'?: (string);
  /**
   * ForceNewCluster restarts a one-manager cluster from this node's state after quorum loss.
   */
  'forceNewCluster'?: (boolean);
  /**
   * DispatcherHeartbeatMs sets the workers' heartbeat period (default 5000).
   */
  'dispatcherHeartbeatMs'?: (number | string | Long);
  /**
   * DefaultAddrPool is the CIDR the task subnets are allocated from.
   */
  'defaultAddrPool'?: (string);
}

export interface InitRequest__Output {
  /**
   * ListenAddr for the cluster port (default 0.0.0.0:2377).
   */
  'listenAddr': (string);
  /**
   * AdvertiseAddr other nodes use to reach this one ("host" or "host:port").
   */
  'advertiseAddr': (string);
  /**
   * ForceNewCluster restarts a one-manager cluster from this node's state after quorum loss.
   */
  'forceNewCluster': (boolean);
  /**
   * DispatcherHeartbeatMs sets the workers' heartbeat period (default 5000).
   */
  'dispatcherHeartbeatMs': (number);
  /**
   * DefaultAddrPool is the CIDR the task subnets are allocated from.
   */
  'defaultAddrPool': (string);
}
