// Original file: proto/images.proto


export interface PushImageChunk {
  /**
   * Data is the next piece of the archive bytes.
   */
  'data'?: (Buffer | Uint8Array | string);
}

export interface PushImageChunk__Output {
  /**
   * Data is the next piece of the archive bytes.
   */
  'data': (Buffer);
}
