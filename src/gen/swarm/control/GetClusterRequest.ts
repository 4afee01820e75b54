// Original file: proto/control.proto


export interface GetClusterRequest {
  'clusterId'?: (string);
}

export interface GetClusterRequest__Output {
  'clusterId': (string);
}
