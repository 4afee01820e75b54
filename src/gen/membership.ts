import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { JoinRaftRequest as _swarm_membership_JoinRaftRequest, JoinRaftRequest__Output as _swarm_membership_JoinRaftRequest__Output } from './swarm/membership/JoinRaftRequest.js';
import type { JoinRaftResponse as _swarm_membership_JoinRaftResponse, JoinRaftResponse__Output as _swarm_membership_JoinRaftResponse__Output } from './swarm/membership/JoinRaftResponse.js';
import type { RaftMember as _swarm_membership_RaftMember, RaftMember__Output as _swarm_membership_RaftMember__Output } from './swarm/membership/RaftMember.js';
import type { RaftMembershipClient as _swarm_membership_RaftMembershipClient, RaftMembershipDefinition as _swarm_membership_RaftMembershipDefinition } from './swarm/membership/RaftMembership.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  swarm: {
    membership: {
      JoinRaftRequest: MessageTypeDefinition<_swarm_membership_JoinRaftRequest, _swarm_membership_JoinRaftRequest__Output>
      JoinRaftResponse: MessageTypeDefinition<_swarm_membership_JoinRaftResponse, _swarm_membership_JoinRaftResponse__Output>
      RaftMember: MessageTypeDefinition<_swarm_membership_RaftMember, _swarm_membership_RaftMember__Output>
      RaftMembership: SubtypeConstructor<typeof grpc.Client, _swarm_membership_RaftMembershipClient> & { service: _swarm_membership_RaftMembershipDefinition }
    }
  }
}

