// Original file: proto/control.proto


export interface ListClustersRequest {
}

export interface ListClustersRequest__Output {
}
