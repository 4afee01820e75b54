// Original file: proto/specs.proto


/**
 * Spread the tasks evenly over the values of a node label.
 */
export interface _swarm_api_PlacementPreference_Spread {
  /**
   * SpreadDescriptor names the label, e.g. "node.labels.zone" or "engine.labels.rack".
   */
  'spreadDescriptor'?: (string);
}

/**
 * Spread the tasks evenly over the values of a node label.
 */
export interface _swarm_api_PlacementPreference_Spread__Output {
  /**
   * SpreadDescriptor names the label, e.g. "node.labels.zone" or "engine.labels.rack".
   */
  'spreadDescriptor': (string);
}

/**
 * PlacementPreference steers the spread of a service's tasks.
 */
export interface PlacementPreference {
  /**
   * Spread tasks evenly over the values of a label.
   */
  'spread'?: (_swarm_api_PlacementPreference_Spread | null);
  /**
   * Preference kinds; only spread exists today.
   */
  'preference'?: "spread";
}

/**
 * PlacementPreference steers the spread of a service's tasks.
 */
export interface PlacementPreference__Output {
  /**
   * Spread tasks evenly over the values of a label.
   */
  'spread'?: (_swarm_api_PlacementPreference_Spread__Output | null);
  /**
   * Preference kinds; only spread exists today.
   */
  'preference'?: "spread";
}
