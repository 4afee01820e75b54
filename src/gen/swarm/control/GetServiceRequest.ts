// Original file: proto/control.proto


export interface GetServiceRequest {
  /**
   * ServiceId is an id, an unambiguous id prefix, or a name.
   */
  'serviceId'?: (string);
}

export interface GetServiceRequest__Output {
  /**
   * ServiceId is an id, an unambiguous id prefix, or a name.
   */
  'serviceId': (string);
}
