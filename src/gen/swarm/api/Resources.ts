// Original file: proto/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Resources is an amount of compute resources.
 */
export interface Resources {
  /**
   * NanoCpus is the amount of CPU in billionths of a core (e.g. 2000000000 = 2 cores).
   */
  'nanoCpus'?: (number | string | Long);
  /**
   * MemoryBytes is the amount of memory in bytes.
   */
  'memoryBytes'?: (number | string | Long);
}

/**
 * Resources is an amount of compute resources.
 */
export interface Resources__Output {
  /**
   * NanoCpus is the amount of CPU in billionths of a core (e.g. 2000000000 = 2 cores).
   */
  'nanoCpus': (number);
  /**
   * MemoryBytes is the amount of memory in bytes.
   */
  'memoryBytes': (number);
}
