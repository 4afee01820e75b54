// Original file: proto/objects.proto


/**
 * VirtualIP is an address of a service on a network (filled in later by the allocator).
 */
export interface VirtualIP {
  /**
   * NetworkId the address belongs to.
   */
  'networkId'?: (string);
  /**
   * Addr in CIDR form, e.g. "10.255.0.5/16".
   */
  'addr'?: (string);
}

/**
 * VirtualIP is an address of a service on a network (filled in later by the allocator).
 */
export interface VirtualIP__Output {
  /**
   * NetworkId the address belongs to.
   */
  'networkId': (string);
  /**
   * Addr in CIDR form, e.g. "10.255.0.5/16".
   */
  'addr': (string);
}
