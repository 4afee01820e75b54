// Original file: proto/gossip.proto


/**
 * Direct probe. `target` lets the receiver drop a ping meant for a previous owner of its address.
 */
export interface Ping {
  'seqNo'?: (number);
  'target'?: (string);
  'source'?: (string);
  'sourceAddr'?: (string);
}

/**
 * Direct probe. `target` lets the receiver drop a ping meant for a previous owner of its address.
 */
export interface Ping__Output {
  'seqNo': (number);
  'target': (string);
  'source': (string);
  'sourceAddr': (string);
}
