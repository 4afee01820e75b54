// Original file: proto/logs.proto


/**
 * LogContext says where a line comes from; the broker fills the names from the store.
 */
export interface LogContext {
  'serviceId'?: (string);
  'nodeId'?: (string);
  'taskId'?: (string);
  /**
   * TaskName is "<service>.<slot>" (replicated) or "<service>.<node id>" (global).
   */
  'taskName'?: (string);
  'nodeHostname'?: (string);
}

/**
 * LogContext says where a line comes from; the broker fills the names from the store.
 */
export interface LogContext__Output {
  'serviceId': (string);
  'nodeId': (string);
  'taskId': (string);
  /**
   * TaskName is "<service>.<slot>" (replicated) or "<service>.<node id>" (global).
   */
  'taskName': (string);
  'nodeHostname': (string);
}
