// Original file: proto/control.proto


export interface RemoveNodeRequest {
  'nodeId'?: (string);
  /**
   * Force removes a node that is not down.
   */
  'force'?: (boolean);
}

export interface RemoveNodeRequest__Output {
  'nodeId': (string);
  /**
   * Force removes a node that is not down.
   */
  'force': (boolean);
}
