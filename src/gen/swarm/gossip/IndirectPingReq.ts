// Original file: proto/gossip.proto


/**
 * Ask the receiver to probe `target` for us and relay the ack (or a nack if `nack` and no ack came).
 */
export interface IndirectPingReq {
  'seqNo'?: (number);
  'target'?: (string);
  'targetAddr'?: (string);
  'nack'?: (boolean);
  'source'?: (string);
  'sourceAddr'?: (string);
}

/**
 * Ask the receiver to probe `target` for us and relay the ack (or a nack if `nack` and no ack came).
 */
export interface IndirectPingReq__Output {
  'seqNo': (number);
  'target': (string);
  'targetAddr': (string);
  'nack': (boolean);
  'source': (string);
  'sourceAddr': (string);
}
