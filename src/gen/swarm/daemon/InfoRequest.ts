// Original file: proto/daemon.proto


export interface InfoRequest {
}

export interface InfoRequest__Output {
}
