// Original file: proto/images.proto


export interface GetManifestRequest {
  /**
   * Ref is a name:tag, a name@sha256:..., a manifest or config digest, or an image id prefix.
   */
  'ref'?: (string);
}

export interface GetManifestRequest__Output {
  /**
   * Ref is a name:tag, a name@sha256:..., a manifest or config digest, or an image id prefix.
   */
  'ref': (string);
}
