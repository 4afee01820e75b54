// Original file: proto/types.proto

import type { Long } from '@grpc/proto-loader';

// Original file: proto/types.proto

/**
 * Type of mount.
 */
export const _swarm_api_Mount_Type = {
  /**
   * BIND mounts a host path.
   */
  BIND: 'BIND',
  /**
   * VOLUME mounts a named volume (reserved for later).
   */
  VOLUME: 'VOLUME',
  /**
   * TMPFS mounts a fresh tmpfs.
   */
  TMPFS: 'TMPFS',
} as const;

/**
 * Type of mount.
 */
export type _swarm_api_Mount_Type =
  /**
   * BIND mounts a host path.
   */
  | 'BIND'
  | 0
  /**
   * VOLUME mounts a named volume (reserved for later).
   */
  | 'VOLUME'
  | 1
  /**
   * TMPFS mounts a fresh tmpfs.
   */
  | 'TMPFS'
  | 2

/**
 * Type of mount.
 */
export type _swarm_api_Mount_Type__Output = typeof _swarm_api_Mount_Type[keyof typeof _swarm_api_Mount_Type]

/**
 * Mount describes a filesystem mounted into a task's container.
 */
export interface Mount {
  /**
   * Type defines the nature of the mount.
   */
  'type'?: (_swarm_api_Mount_Type);
  /**
   * Source is the host path for BIND, the volume name for VOLUME and ignored for TMPFS.
   */
  'source'?: (string);
  /**
   * Target is the absolute path inside the container.
   */
  'target'?: (string);
  /**
   * ReadOnly mounts the source read-only.
   */
  'readOnly'?: (boolean);
  /**
   * TmpfsSizeBytes limits a TMPFS mount; 0 means the kernel default.
   */
  'tmpfsSizeBytes'?: (number | string | Long);
}

/**
 * Mount describes a filesystem mounted into a task's container.
 */
export interface Mount__Output {
  /**
   * Type defines the nature of the mount.
   */
  'type': (_swarm_api_Mount_Type__Output);
  /**
   * Source is the host path for BIND, the volume name for VOLUME and ignored for TMPFS.
   */
  'source': (string);
  /**
   * Target is the absolute path inside the container.
   */
  'target': (string);
  /**
   * ReadOnly mounts the source read-only.
   */
  'readOnly': (boolean);
  /**
   * TmpfsSizeBytes limits a TMPFS mount; 0 means the kernel default.
   */
  'tmpfsSizeBytes': (number);
}
