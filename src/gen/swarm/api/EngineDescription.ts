// Original file: proto/types.proto


/**
 * EngineDescription describes the container engine (our agent and runtime) on a node.
 */
export interface EngineDescription {
  /**
   * EngineVersion is the swarmd version running on the node.
   */
  'engineVersion'?: (string);
  /**
   * Labels are the engine labels set on the daemon's command line (`engine.labels.*` in constraints).
   */
  'labels'?: ({[key: string]: string});
}

/**
 * EngineDescription describes the container engine (our agent and runtime) on a node.
 */
export interface EngineDescription__Output {
  /**
   * EngineVersion is the swarmd version running on the node.
   */
  'engineVersion': (string);
  /**
   * Labels are the engine labels set on the daemon's command line (`engine.labels.*` in constraints).
   */
  'labels': ({[key: string]: string});
}
