// Original file: proto/daemon.proto


export interface LeaveRequest {
  'force'?: (boolean);
}

export interface LeaveRequest__Output {
  'force': (boolean);
}
