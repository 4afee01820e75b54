// Original file: proto/store.proto

export const StoreActionKind = {
  STORE_ACTION_UNKNOWN: 'STORE_ACTION_UNKNOWN',
  /**
   * Create fails if an object with the same id (or a service with the same name) exists.
   */
  STORE_ACTION_CREATE: 'STORE_ACTION_CREATE',
  /**
   * Update fails unless the object's meta.version equals the stored version (optimistic concurrency).
   */
  STORE_ACTION_UPDATE: 'STORE_ACTION_UPDATE',
  /**
   * Remove carries the object's id and the meta.version it read; fails on a stale version.
   */
  STORE_ACTION_REMOVE: 'STORE_ACTION_REMOVE',
} as const;

export type StoreActionKind =
  | 'STORE_ACTION_UNKNOWN'
  | 0
  /**
   * Create fails if an object with the same id (or a service with the same name) exists.
   */
  | 'STORE_ACTION_CREATE'
  | 1
  /**
   * Update fails unless the object's meta.version equals the stored version (optimistic concurrency).
   */
  | 'STORE_ACTION_UPDATE'
  | 2
  /**
   * Remove carries the object's id and the meta.version it read; fails on a stale version.
   */
  | 'STORE_ACTION_REMOVE'
  | 3

export type StoreActionKind__Output = typeof StoreActionKind[keyof typeof StoreActionKind]
