// Original file: /work/main/proto/raft.proto


export interface SendResponse {
}

export interface SendResponse__Output {
}
