// Original file: proto/images.proto


export interface LoadedImage {
  /**
   * Names are the name:tag references that now point at the image.
   */
  'names'?: (string)[];
  'manifestDigest'?: (string);
  /**
   * ConfigDigest is the image id.
   */
  'configDigest'?: (string);
}

export interface LoadedImage__Output {
  /**
   * Names are the name:tag references that now point at the image.
   */
  'names': (string)[];
  'manifestDigest': (string);
  /**
   * ConfigDigest is the image id.
   */
  'configDigest': (string);
}
