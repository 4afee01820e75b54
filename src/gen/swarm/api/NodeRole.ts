// Original file: proto/types.proto

/**
 * NodeRole is the role of a node in the cluster.
 */
export const NodeRole = {
  /**
   * WORKER runs tasks only.
   */
  WORKER: 'WORKER',
  /**
   * MANAGER is also a Raft member and may become leader.
   */
  MANAGER: 'MANAGER',
} as const;

/**
 * NodeRole is the role of a node in the cluster.
 */
export type NodeRole =
  /**
   * WORKER runs tasks only.
   */
  | 'WORKER'
  | 0
  /**
   * MANAGER is also a Raft member and may become leader.
   */
  | 'MANAGER'
  | 1

/**
 * NodeRole is the role of a node in the cluster.
 */
export type NodeRole__Output = typeof NodeRole[keyof typeof NodeRole]
