// Original file: proto/objects.proto

import type { _swarm_api_RaftMemberStatus_Reachability, _swarm_api_RaftMemberStatus_Reachability__Output } from '../../swarm/api/RaftMemberStatus.js';
import type { Long } from '@grpc/proto-loader';

/**
 * ManagerStatus is set on nodes that are Raft members.
 */
export interface ManagerStatus {
  /**
   * RaftId is the node's Raft member id.
   */
  'raftId'?: (number | string | Long);
  /**
   * Addr is the address other managers reach this one at ("host:port").
   */
  'addr'?: (string);
  /**
   * Leader is true for the current Raft leader.
   */
  'leader'?: (boolean);
  /**
   * Reachability as seen by the leader.
   */
  'reachability'?: (_swarm_api_RaftMemberStatus_Reachability);
  /**
   * Learner is true while the manager is a non-voting Raft member: it replicates the log but does not
   * vote or count for quorum until the leader promotes it (once its log has caught up). Not stored:
   * the manager answering fills it in from its applied Raft configuration.
   */
  'learner'?: (boolean);
}

/**
 * ManagerStatus is set on nodes that are Raft members.
 */
export interface ManagerStatus__Output {
  /**
   * RaftId is the node's Raft member id.
   */
  'raftId': (number);
  /**
   * Addr is the address other managers reach this one at ("host:port").
   */
  'addr': (string);
  /**
   * Leader is true for the current Raft leader.
   */
  'leader': (boolean);
  /**
   * Reachability as seen by the leader.
   */
  'reachability': (_swarm_api_RaftMemberStatus_Reachability__Output);
  /**
   * Learner is true while the manager is a non-voting Raft member: it replicates the log but does not
   * vote or count for quorum until the leader promotes it (once its log has caught up). Not stored:
   * the manager answering fills it in from its applied Raft configuration.
   */
  'learner': (boolean);
}
