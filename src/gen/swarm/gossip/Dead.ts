// Original file: proto/gossip.proto


/**
 * A dead message whose `from` equals `node` is a graceful leave.
 */
export interface Dead {
  'incarnation'?: (number);
  'node'?: (string);
  'from'?: (string);
}

/**
 * A dead message whose `from` equals `node` is a graceful leave.
 */
export interface Dead__Output {
  'incarnation': (number);
  'node': (string);
  'from': (string);
}
