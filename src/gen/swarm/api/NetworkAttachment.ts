// Original file: proto/objects.proto


/**
 * NetworkAttachment is a task's address on a network, set by the leader's network allocator once the
 * task has a node (the dispatcher sends a task to its node only after that).
 */
export interface NetworkAttachment {
  /**
   * NetworkId of the network.
   */
  'networkId'?: (string);
  /**
   * Addresses of the task on the network, CIDR form, e.g. "10.0.3.7/24".
   */
  'addresses'?: (string)[];
  /**
   * Gateway of the task's subnet on its node.
   */
  'gateway'?: (string);
}

/**
 * NetworkAttachment is a task's address on a network, set by the leader's network allocator once the
 * task has a node (the dispatcher sends a task to its node only after that).
 */
export interface NetworkAttachment__Output {
  /**
   * NetworkId of the network.
   */
  'networkId': (string);
  /**
   * Addresses of the task on the network, CIDR form, e.g. "10.0.3.7/24".
   */
  'addresses': (string)[];
  /**
   * Gateway of the task's subnet on its node.
   */
  'gateway': (string);
}
