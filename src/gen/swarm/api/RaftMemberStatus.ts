// Original file: proto/types.proto


// Original file: proto/types.proto

/**
 * Reachability of a member as seen by the leader.
 */
export const _swarm_api_RaftMemberStatus_Reachability = {
  /**
   * UNKNOWN means the state cannot be resolved (e.g. no leader).
   */
  UNKNOWN: 'UNKNOWN',
  /**
   * UNREACHABLE means other members cannot contact it.
   */
  UNREACHABLE: 'UNREACHABLE',
  /**
   * REACHABLE means it is healthy and in contact.
   */
  REACHABLE: 'REACHABLE',
} as const;

/**
 * Reachability of a member as seen by the leader.
 */
export type _swarm_api_RaftMemberStatus_Reachability =
  /**
   * UNKNOWN means the state cannot be resolved (e.g. no leader).
   */
  | 'UNKNOWN'
  | 0
  /**
   * UNREACHABLE means other members cannot contact it.
   */
  | 'UNREACHABLE'
  | 1
  /**
   * REACHABLE means it is healthy and in contact.
   */
  | 'REACHABLE'
  | 2

/**
 * Reachability of a member as seen by the leader.
 */
export type _swarm_api_RaftMemberStatus_Reachability__Output = typeof _swarm_api_RaftMemberStatus_Reachability[keyof typeof _swarm_api_RaftMemberStatus_Reachability]

/**
 * RaftMemberStatus is a manager's view of one Raft member.
 */
export interface RaftMemberStatus {
  /**
   * Leader is true for the current Raft leader.
   */
  'leader'?: (boolean);
  /**
   * Reachability as seen by the leader.
   */
  'reachability'?: (_swarm_api_RaftMemberStatus_Reachability);
  /**
   * Message explains the reachability (e.g. "heartbeat failure").
   */
  'message'?: (string);
}

/**
 * RaftMemberStatus is a manager's view of one Raft member.
 */
export interface RaftMemberStatus__Output {
  /**
   * Leader is true for the current Raft leader.
   */
  'leader': (boolean);
  /**
   * Reachability as seen by the leader.
   */
  'reachability': (_swarm_api_RaftMemberStatus_Reachability__Output);
  /**
   * Message explains the reachability (e.g. "heartbeat failure").
   */
  'message': (string);
}
