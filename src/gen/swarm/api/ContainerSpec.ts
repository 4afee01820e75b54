// Original file: proto/specs.proto

import type { Mount as _swarm_api_Mount, Mount__Output as _swarm_api_Mount__Output } from '../../swarm/api/Mount.js';
import type { HealthConfig as _swarm_api_HealthConfig, HealthConfig__Output as _swarm_api_HealthConfig__Output } from '../../swarm/api/HealthConfig.js';
import type { Long } from '@grpc/proto-loader';

/**
 * ContainerSpec is the container a task runs.
 */
export interface ContainerSpec {
  /**
   * Image reference: "name:tag" as given by the user; the task carries the pinned digest.
   */
  'image'?: (string);
  /**
   * Labels set on the container.
   */
  'labels'?: ({[key: string]: string});
  /**
   * Command replaces the image's entrypoint when non-empty.
   */
  'command'?: (string)[];
  /**
   * Args replace the image's command (arguments to the entrypoint) when non-empty.
   */
  'args'?: (string)[];
  /**
   * Hostname inside the container; default the task name.
   */
  'hostname'?: (string);
  /**
   * Env is the environment, "KEY=VALUE" each, added to the image's.
   */
  'env'?: (string)[];
  /**
   * Dir is the working directory; default the image's.
   */
  'dir'?: (string);
  /**
   * User to run as ("uid", "uid:gid" or a name from the image); default the image's.
   */
  'user'?: (string);
  /**
   * Mounts added to the container.
   */
  'mounts'?: (_swarm_api_Mount)[];
  /**
   * StopGracePeriodMs is how long a stop waits after the stop signal before SIGKILL; default 10000.
   */
  'stopGracePeriodMs'?: (number | string | Long);
  /**
   * StopSignal sent to stop the container, e.g. "SIGTERM" (the default) or "SIGQUIT".
   */
  'stopSignal'?: (string);
  /**
   * Healthcheck overrides the image's health check.
   */
  'healthcheck'?: (_swarm_api_HealthConfig | null);
  /**
   * ReadOnly mounts the root filesystem read-only.
   */
  'readOnly'?: (boolean);
  '_stopGracePeriodMs'?: "stopGracePeriodMs";
}

/**
 * ContainerSpec is the container a task runs.
 */
export interface ContainerSpec__Output {
  /**
   * Image reference: "name:tag" as given by the user; the task carries the pinned digest.
   */
  'image': (string);
  /**
   * Labels set on the container.
   */
  'labels': ({[key: string]: string});
  /**
   * Command replaces the image's entrypoint when non-empty.
   */
  'command': (string)[];
  /**
   * Args replace the image's command (arguments to the entrypoint) when non-empty.
   */
  'args': (string)[];
  /**
   * Hostname inside the container; default the task name.
   */
  'hostname': (string);
  /**
   * Env is the environment, "KEY=VALUE" each, added to the image's.
   */
  'env': (string)[];
  /**
   * Dir is the working directory; default the image's.
   */
  'dir': (string);
  /**
   * User to run as ("uid", "uid:gid" or a name from the image); default the image's.
   */
  'user': (string);
  /**
   * Mounts added to the container.
   */
  'mounts': (_swarm_api_Mount__Output)[];
  /**
   * StopGracePeriodMs is how long a stop waits after the stop signal before SIGKILL; default 10000.
   */
  'stopGracePeriodMs'?: (number);
  /**
   * StopSignal sent to stop the container, e.g. "SIGTERM" (the default) or "SIGQUIT".
   */
  'stopSignal': (string);
  /**
   * Healthcheck overrides the image's health check.
   */
  'healthcheck': (_swarm_api_HealthConfig__Output | null);
  /**
   * ReadOnly mounts the root filesystem read-only.
   */
  'readOnly': (boolean);
  '_stopGracePeriodMs'?: "stopGracePeriodMs";
}
