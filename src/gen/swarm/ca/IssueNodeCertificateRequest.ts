// Original file: proto/ca.proto


export interface IssueNodeCertificateRequest {
  /**
   * Csr is a PEM PKCS#10 request for the node's new key.
   */
  'csr'?: (Buffer | Uint8Array | string);
  /**
   * Token is the join token (SWMTKN-1-...).
   */
  'token'?: (string);
  /**
   * Hostname of the joining node, recorded in its description.
   */
  'hostname'?: (string);
  /**
   * Addr is the address the node advertises ("host:port" or "host").
   */
  'addr'?: (string);
}

export interface IssueNodeCertificateRequest__Output {
  /**
   * Csr is a PEM PKCS#10 request for the node's new key.
   */
  'csr': (Buffer);
  /**
   * Token is the join token (SWMTKN-1-...).
   */
  'token': (string);
  /**
   * Hostname of the joining node, recorded in its description.
   */
  'hostname': (string);
  /**
   * Addr is the address the node advertises ("host:port" or "host").
   */
  'addr': (string);
}
