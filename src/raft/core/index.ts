/**
 * Public API of the pure Raft core. See design/raft.md and rawnode.ts for the runner's loop.
 */
export { RaftNode, type Ready, type Status, type ProgressStatus } from "./rawnode.js";
export { type RaftConfig, type ResolvedRaftConfig, resolveRaftConfig } from "./config.js";
export { type Storage, type InitialState, MemoryStorage, limitSize } from "./storage.js";
export { encodeConfChange, decodeConfChange, bootstrapEntries, applyToConfState } from "./confchange.js";
export { ProgressState } from "./progress.js";
export {
  RaftErrorCode,
  CompactedError,
  UnavailableError,
  SnapOutOfDateError,
  ProposalDroppedError,
  DropReason,
  StepLocalMessageError,
  RaftConfigError,
  ConfChangeError,
  RaftInvariantError,
} from "./errors.js";
export {
  type Entry,
  type HardState,
  type ConfState,
  type Snapshot,
  type SnapshotMetadata,
  type ConfChange,
  type Message,
  type SoftState,
  type ReadState,
  MessageType,
  EntryType,
  ConfChangeType,
  StateType,
  NONE,
  newMessage,
  newEntry,
  emptyHardState,
  emptySnapshot,
  emptyConfState,
  snapshotMeta,
  snapshotConfState,
  hardStateEqual,
  entrySize,
} from "./types.js";
