// Original file: proto/raft.proto


export interface SendResponse {
}

export interface SendResponse__Output {
}
