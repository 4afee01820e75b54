// Original file: proto/control.proto


export interface GetNodeRequest {
  'nodeId'?: (string);
}

export interface GetNodeRequest__Output {
  'nodeId': (string);
}
