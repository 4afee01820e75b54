// Original file: proto/kv.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
