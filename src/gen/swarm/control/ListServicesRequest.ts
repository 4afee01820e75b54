// Original file: proto/control.proto


export interface _swarm_control_ListServicesRequest_Filters {
  'names'?: (string)[];
  'idPrefixes'?: (string)[];
  'labels'?: ({[key: string]: string});
}

export interface _swarm_control_ListServicesRequest_Filters__Output {
  'names': (string)[];
  'idPrefixes': (string)[];
  'labels': ({[key: string]: string});
}

export interface ListServicesRequest {
  'filters'?: (_swarm_control_ListServicesRequest_Filters | null);
}

export interface ListServicesRequest__Output {
  'filters': (_swarm_control_ListServicesRequest_Filters__Output | null);
}
