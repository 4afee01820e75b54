// Original file: proto/objects.proto

import type { Meta as _swarm_api_Meta, Meta__Output as _swarm_api_Meta__Output } from '../../swarm/api/Meta.js';
import type { NodeSpec as _swarm_api_NodeSpec, NodeSpec__Output as _swarm_api_NodeSpec__Output } from '../../swarm/api/NodeSpec.js';
import type { NodeDescription as _swarm_api_NodeDescription, NodeDescription__Output as _swarm_api_NodeDescription__Output } from '../../swarm/api/NodeDescription.js';
import type { NodeStatus as _swarm_api_NodeStatus, NodeStatus__Output as _swarm_api_NodeStatus__Output } from '../../swarm/api/NodeStatus.js';
import type { ManagerStatus as _swarm_api_ManagerStatus, ManagerStatus__Output as _swarm_api_ManagerStatus__Output } from '../../swarm/api/ManagerStatus.js';
import type { NodeRole as _swarm_api_NodeRole, NodeRole__Output as _swarm_api_NodeRole__Output } from '../../swarm/api/NodeRole.js';
import type { NodeCertificate as _swarm_api_NodeCertificate, NodeCertificate__Output as _swarm_api_NodeCertificate__Output } from '../../swarm/api/NodeCertificate.js';

/**
 * Node is one host of the cluster running swarmd.
 */
export interface Node {
  /**
   * Id is the node id (also the CN of its certificate).
   */
  'id'?: (string);
  /**
   * Meta is the store bookkeeping.
   */
  'meta'?: (_swarm_api_Meta | null);
  /**
   * Spec is the user-owned configuration (labels, availability, desired role).
   */
  'spec'?: (_swarm_api_NodeSpec | null);
  /**
   * Description is what the node reports about itself (hostname, resources, engine labels).
   */
  'description'?: (_swarm_api_NodeDescription | null);
  /**
   * Status of the node's session with the managers.
   */
  'status'?: (_swarm_api_NodeStatus | null);
  /**
   * ManagerStatus is set when the node is a manager (Raft member).
   */
  'managerStatus'?: (_swarm_api_ManagerStatus | null);
  /**
   * Role is the observed role: it becomes spec.desired_role once the change is complete.
   */
  'role'?: (_swarm_api_NodeRole);
  /**
   * Certificate is the node's TLS identity.
   */
  'certificate'?: (_swarm_api_NodeCertificate | null);
  /**
   * TaskSubnet is the node's task subnet (CIDR, e.g. "10.0.3.0/24"), carved by the leader's network
   * allocator from the cluster's default_addr_pool; its first address is the node bridge's gateway.
   */
  'taskSubnet'?: (string);
}

/**
 * Node is one host of the cluster running swarmd.
 */
export interface Node__Output {
  /**
   * Id is the node id (also the CN of its certificate).
   */
  'id': (string);
  /**
   * Meta is the store bookkeeping.
   */
  'meta': (_swarm_api_Meta__Output | null);
  /**
   * Spec is the user-owned configuration (labels, availability, desired role).
   */
  'spec': (_swarm_api_NodeSpec__Output | null);
  /**
   * Description is what the node reports about itself (hostname, resources, engine labels).
   */
  'description': (_swarm_api_NodeDescription__Output | null);
  /**
   * Status of the node's session with the managers.
   */
  'status': (_swarm_api_NodeStatus__Output | null);
  /**
   * ManagerStatus is set when the node is a manager (Raft member).
   */
  'managerStatus': (_swarm_api_ManagerStatus__Output | null);
  /**
   * Role is the observed role: it becomes spec.desired_role once the change is complete.
   */
  'role': (_swarm_api_NodeRole__Output);
  /**
   * Certificate is the node's TLS identity.
   */
  'certificate': (_swarm_api_NodeCertificate__Output | null);
  /**
   * TaskSubnet is the node's task subnet (CIDR, e.g. "10.0.3.0/24"), carved by the leader's network
   * allocator from the cluster's default_addr_pool; its first address is the node bridge's gateway.
   */
  'taskSubnet': (string);
}
