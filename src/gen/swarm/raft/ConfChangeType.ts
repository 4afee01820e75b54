// Original file: proto/raft.proto

export const ConfChangeType = {
  CONF_ADD_VOTER: 'CONF_ADD_VOTER',
  CONF_REMOVE_NODE: 'CONF_REMOVE_NODE',
  CONF_ADD_LEARNER: 'CONF_ADD_LEARNER',
} as const;

export type ConfChangeType =
  | 'CONF_ADD_VOTER'
  | 0
  | 'CONF_REMOVE_NODE'
  | 1
  | 'CONF_ADD_LEARNER'
  | 2

export type ConfChangeType__Output = typeof ConfChangeType[keyof typeof ConfChangeType]
