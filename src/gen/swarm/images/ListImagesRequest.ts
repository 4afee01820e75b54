// Original file: proto/images.proto


export interface ListImagesRequest {
}

export interface ListImagesRequest__Output {
}
