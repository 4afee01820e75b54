// Original file: proto/control.proto


export interface WatchRequest {
  /**
   * Kinds of objects to watch: "node", "service", "task", "cluster"; empty means all.
   */
  'kinds'?: (string)[];
  /**
   * ServiceId limits task events to one service.
   */
  'serviceId'?: (string);
}

export interface WatchRequest__Output {
  /**
   * Kinds of objects to watch: "node", "service", "task", "cluster"; empty means all.
   */
  'kinds': (string)[];
  /**
   * ServiceId limits task events to one service.
   */
  'serviceId': (string);
}
