// Original file: proto/logs.proto


export interface ListenSubscriptionsRequest {
}

export interface ListenSubscriptionsRequest__Output {
}
