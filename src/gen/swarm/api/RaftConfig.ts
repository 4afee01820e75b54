// Original file: proto/specs.proto

import type { Long } from '@grpc/proto-loader';

/**
 * RaftConfig tunes the managers' Raft.
 */
export interface RaftConfig {
  /**
   * SnapshotInterval is the number of log entries between two snapshots; default 10000.
   */
  'snapshotInterval'?: (number | string | Long);
  /**
   * KeepOldSnapshots is the number of older snapshots kept on disk.
   */
  'keepOldSnapshots'?: (number | string | Long);
  /**
   * LogEntriesForSlowFollowers kept after a snapshot so lagging followers can catch up; default 500.
   */
  'logEntriesForSlowFollowers'?: (number | string | Long);
  /**
   * ElectionTick is the number of ticks without a leader before an election; default 10.
   */
  'electionTick'?: (number);
  /**
   * HeartbeatTick is the number of ticks between leader heartbeats; default 1.
   */
  'heartbeatTick'?: (number);
  /**
   * TickMs is the length of one tick; default 100.
   */
  'tickMs'?: (number);
  '_snapshotInterval'?: "snapshotInterval";
  '_logEntriesForSlowFollowers'?: "logEntriesForSlowFollowers";
  '_electionTick'?: "electionTick";
  '_heartbeatTick'?: "heartbeatTick";
  '_tickMs'?: "tickMs";
}

/**
 * RaftConfig tunes the managers' Raft.
 */
export interface RaftConfig__Output {
  /**
   * SnapshotInterval is the number of log entries between two snapshots; default 10000.
   */
  'snapshotInterval'?: (number);
  /**
   * KeepOldSnapshots is the number of older snapshots kept on disk.
   */
  'keepOldSnapshots': (number);
  /**
   * LogEntriesForSlowFollowers kept after a snapshot so lagging followers can catch up; default 500.
   */
  'logEntriesForSlowFollowers'?: (number);
  /**
   * ElectionTick is the number of ticks without a leader before an election; default 10.
   */
  'electionTick'?: (number);
  /**
   * HeartbeatTick is the number of ticks between leader heartbeats; default 1.
   */
  'heartbeatTick'?: (number);
  /**
   * TickMs is the length of one tick; default 100.
   */
  'tickMs'?: (number);
  '_snapshotInterval'?: "snapshotInterval";
  '_logEntriesForSlowFollowers'?: "logEntriesForSlowFollowers";
  '_electionTick'?: "electionTick";
  '_heartbeatTick'?: "heartbeatTick";
  '_tickMs'?: "tickMs";
}
