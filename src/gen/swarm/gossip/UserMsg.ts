// Original file: proto/gossip.proto


/**
 * An application message spread epidemically; (origin, id) deduplicates it.
 */
export interface UserMsg {
  'origin'?: (string);
  'id'?: (number);
  'payload'?: (Buffer | Uint8Array | string);
}

/**
 * An application message spread epidemically; (origin, id) deduplicates it.
 */
export interface UserMsg__Output {
  'origin': (string);
  'id': (number);
  'payload': (Buffer);
}
