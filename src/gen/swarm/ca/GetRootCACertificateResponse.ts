// Original file: proto/ca.proto


export interface GetRootCACertificateResponse {
  /**
   * Certificate is the root CA certificate (PEM).
   */
  'certificate'?: (Buffer | Uint8Array | string);
}

export interface GetRootCACertificateResponse__Output {
  /**
   * Certificate is the root CA certificate (PEM).
   */
  'certificate': (Buffer);
}
