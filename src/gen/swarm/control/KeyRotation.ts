// Original file: proto/control.proto


export interface KeyRotation {
  'workerJoinToken'?: (boolean);
  'managerJoinToken'?: (boolean);
  /**
   * GossipKey: a new gossip encryption key becomes the sending key; the old one is accepted by nodes
   * only for a grace period (src/gossip/key-rotation.ts).
   */
  'gossipKey'?: (boolean);
}

export interface KeyRotation__Output {
  'workerJoinToken': (boolean);
  'managerJoinToken': (boolean);
  /**
   * GossipKey: a new gossip encryption key becomes the sending key; the old one is accepted by nodes
   * only for a grace period (src/gossip/key-rotation.ts).
   */
  'gossipKey': (boolean);
}
