// Original file: proto/kv.proto


export interface GetRequest {
  'key'?: (string);
  /**
   * Read the member's local state without a ReadIndex round (may be stale).
   */
  'serializable'?: (boolean);
}

export interface GetRequest__Output {
  'key': (string);
  /**
   * Read the member's local state without a ReadIndex round (may be stale).
   */
  'serializable': (boolean);
}
