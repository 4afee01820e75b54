// Original file: proto/objects.proto


/**
 * NetworkAttachment is a task's address on a network (placeholder until the network allocator).
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
 * NetworkAttachment is a task's address on a network (placeholder until the network allocator).
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
