// Original file: proto/control.proto


export interface KeyRotation {
  'workerJoinToken'?: (boolean);
  'managerJoinToken'?: (boolean);
}

export interface KeyRotation__Output {
  'workerJoinToken': (boolean);
  'managerJoinToken': (boolean);
}
