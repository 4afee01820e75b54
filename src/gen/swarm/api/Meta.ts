// Original file: proto/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Meta is the store bookkeeping carried by every object.
 */
export interface Meta {
  /**
   * Version is the Raft index of the last change to the object. An update must carry the version it
   * read; the store refuses the update if the object changed since (optimistic concurrency).
   */
  'version'?: (number | string | Long);
  /**
   * CreatedAt is when the object was created (Unix milliseconds).
   */
  'createdAt'?: (number | string | Long);
  /**
   * UpdatedAt is when the object was last changed (Unix milliseconds).
   */
  'updatedAt'?: (number | string | Long);
}

/**
 * Meta is the store bookkeeping carried by every object.
 */
export interface Meta__Output {
  /**
   * Version is the Raft index of the last change to the object. An update must carry the version it
   * read; the store refuses the update if the object changed since (optimistic concurrency).
   */
  'version': (number);
  /**
   * CreatedAt is when the object was created (Unix milliseconds).
   */
  'createdAt': (number);
  /**
   * UpdatedAt is when the object was last changed (Unix milliseconds).
   */
  'updatedAt': (number);
}
