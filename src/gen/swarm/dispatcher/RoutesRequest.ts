// Original file: proto/dispatcher.proto


export interface RoutesRequest {
}

export interface RoutesRequest__Output {
}
