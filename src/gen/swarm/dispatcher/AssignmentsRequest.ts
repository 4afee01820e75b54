// Original file: proto/dispatcher.proto


export interface AssignmentsRequest {
}

export interface AssignmentsRequest__Output {
}
