// Original file: proto/gossip.proto


/**
 * What a node says about itself: its role, addresses and labels.
 */
export interface NodeMeta {
  'role'?: (string);
  'addresses'?: (string)[];
  'labels'?: ({[key: string]: string});
}

/**
 * What a node says about itself: its role, addresses and labels.
 */
export interface NodeMeta__Output {
  'role': (string);
  'addresses': (string)[];
  'labels': ({[key: string]: string});
}
