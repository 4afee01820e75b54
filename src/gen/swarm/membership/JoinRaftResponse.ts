// Original file: proto/membership.proto

import type { RaftMember as _swarm_membership_RaftMember, RaftMember__Output as _swarm_membership_RaftMember__Output } from '../../swarm/membership/RaftMember.js';

export interface JoinRaftResponse {
  'members'?: (_swarm_membership_RaftMember)[];
}

export interface JoinRaftResponse__Output {
  'members': (_swarm_membership_RaftMember__Output)[];
}
