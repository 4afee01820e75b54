// Original file: proto/dispatcher.proto


export interface HeartbeatRequest {
  /**
   * Addr the node advertises ("host:port").
   */
  'addr'?: (string);
  /**
   * Hostname of the node.
   */
  'hostname'?: (string);
}

export interface HeartbeatRequest__Output {
  /**
   * Addr the node advertises ("host:port").
   */
  'addr': (string);
  /**
   * Hostname of the node.
   */
  'hostname': (string);
}
