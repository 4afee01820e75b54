// Original file: proto/types.proto


/**
 * ContainerStatus is the runtime's view of a task's container.
 */
export interface ContainerStatus {
  /**
   * ContainerId is the runtime's id for the container.
   */
  'containerId'?: (string);
  /**
   * Pid of the container's init process on its node (0 when not running).
   */
  'pid'?: (number);
  /**
   * ExitCode of the container's main process once it exited.
   */
  'exitCode'?: (number);
}

/**
 * ContainerStatus is the runtime's view of a task's container.
 */
export interface ContainerStatus__Output {
  /**
   * ContainerId is the runtime's id for the container.
   */
  'containerId': (string);
  /**
   * Pid of the container's init process on its node (0 when not running).
   */
  'pid': (number);
  /**
   * ExitCode of the container's main process once it exited.
   */
  'exitCode': (number);
}
