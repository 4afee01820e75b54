// Original file: proto/types.proto


/**
 * Annotations identify an object for users: a name (unique per object kind where the kind requires it)
 * and free-form labels. Common to all specs.
 */
export interface Annotations {
  /**
   * Name is the user-facing name (e.g. a service name, a node's name override).
   */
  'name'?: (string);
  /**
   * Labels are free-form key/value metadata; placement constraints match node labels.
   */
  'labels'?: ({[key: string]: string});
}

/**
 * Annotations identify an object for users: a name (unique per object kind where the kind requires it)
 * and free-form labels. Common to all specs.
 */
export interface Annotations__Output {
  /**
   * Name is the user-facing name (e.g. a service name, a node's name override).
   */
  'name': (string);
  /**
   * Labels are free-form key/value metadata; placement constraints match node labels.
   */
  'labels': ({[key: string]: string});
}
