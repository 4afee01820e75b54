// Original file: proto/types.proto


/**
 * Platform describes a node's operating system and CPU architecture.
 */
export interface Platform {
  /**
   * Architecture, e.g. "x86_64" or "aarch64".
   */
  'architecture'?: (string);
  /**
   * Os, e.g. "linux".
   */
  'os'?: (string);
}

/**
 * Platform describes a node's operating system and CPU architecture.
 */
export interface Platform__Output {
  /**
   * Architecture, e.g. "x86_64" or "aarch64".
   */
  'architecture': (string);
  /**
   * Os, e.g. "linux".
   */
  'os': (string);
}
