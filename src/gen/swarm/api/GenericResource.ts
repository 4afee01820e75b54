// Original file: proto/types.proto


/**
 * GenericResource is a named, node-advertised resource a task may be assigned (placeholder for
 * devices such as GPUs).
 */
export interface GenericResource {
  /**
   * Kind of resource, e.g. "gpu".
   */
  'kind'?: (string);
  /**
   * Value identifies the unit assigned (e.g. "gpu0").
   */
  'value'?: (string);
}

/**
 * GenericResource is a named, node-advertised resource a task may be assigned (placeholder for
 * devices such as GPUs).
 */
export interface GenericResource__Output {
  /**
   * Kind of resource, e.g. "gpu".
   */
  'kind': (string);
  /**
   * Value identifies the unit assigned (e.g. "gpu0").
   */
  'value': (string);
}
