// Original file: proto/ca.proto


export interface RenewNodeCertificateRequest {
  /**
   * Csr is a PEM PKCS#10 request for the node's (new) key.
   */
  'csr'?: (Buffer | Uint8Array | string);
}

export interface RenewNodeCertificateRequest__Output {
  /**
   * Csr is a PEM PKCS#10 request for the node's (new) key.
   */
  'csr': (Buffer);
}
