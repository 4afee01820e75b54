// Original file: proto/logs.proto


/**
 * LogSelector picks tasks: those of the services, plus the tasks named (ids).
 */
export interface LogSelector {
  'serviceIds'?: (string)[];
  'taskIds'?: (string)[];
}

/**
 * LogSelector picks tasks: those of the services, plus the tasks named (ids).
 */
export interface LogSelector__Output {
  'serviceIds': (string)[];
  'taskIds': (string)[];
}
