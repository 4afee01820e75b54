// Original file: proto/types.proto

import type { Long } from '@grpc/proto-loader';

/**
 * EncryptionKey is a symmetric key distributed through Raft (e.g. for gossip encryption).
 */
export interface EncryptionKey {
  /**
   * Subsystem that uses the key, e.g. "gossip".
   */
  'subsystem'?: (string);
  /**
   * Algorithm, e.g. "aes-256-gcm".
   */
  'algorithm'?: (string);
  /**
   * Key material.
   */
  'key'?: (Buffer | Uint8Array | string);
  /**
   * LamportTime orders keys: the highest is the current key for sending; older ones still decrypt.
   */
  'lamportTime'?: (number | string | Long);
}

/**
 * EncryptionKey is a symmetric key distributed through Raft (e.g. for gossip encryption).
 */
export interface EncryptionKey__Output {
  /**
   * Subsystem that uses the key, e.g. "gossip".
   */
  'subsystem': (string);
  /**
   * Algorithm, e.g. "aes-256-gcm".
   */
  'algorithm': (string);
  /**
   * Key material.
   */
  'key': (Buffer);
  /**
   * LamportTime orders keys: the highest is the current key for sending; older ones still decrypt.
   */
  'lamportTime': (number);
}
