/**
 * Message and entry shapes used by the Raft core. They are the generated proto types (`__Output`
 * variants: every field present) from proto/raft.proto, re-exported under short names, plus the
 * small helpers the core needs to build them with defaults.
 */
import type { Entry__Output } from "../../gen/swarm/raft/Entry.js";
import type { HardState__Output } from "../../gen/swarm/raft/HardState.js";
import type { ConfState__Output } from "../../gen/swarm/raft/ConfState.js";
import type { Snapshot__Output } from "../../gen/swarm/raft/Snapshot.js";
import type { SnapshotMetadata__Output } from "../../gen/swarm/raft/SnapshotMetadata.js";
import type { ConfChange__Output } from "../../gen/swarm/raft/ConfChange.js";
import type { Message__Output } from "../../gen/swarm/raft/Message.js";
import { MessageType as GenMessageType, type MessageType__Output } from "../../gen/swarm/raft/MessageType.js";
import { EntryType as GenEntryType, type EntryType__Output } from "../../gen/swarm/raft/EntryType.js";
import {
  ConfChangeType as GenConfChangeType,
  type ConfChangeType__Output,
} from "../../gen/swarm/raft/ConfChangeType.js";

/** One log entry. */
export type Entry = Entry__Output;
/** Term, vote and commit index: what must be durable before messages go out. */
export type HardState = HardState__Output;
/** The membership: voters and learners. */
export type ConfState = ConfState__Output;
/** A state-machine snapshot with the index/term/membership it covers. */
export type Snapshot = Snapshot__Output;
/** Index, term and membership of a snapshot. */
export type SnapshotMetadata = SnapshotMetadata__Output;
/** A single-server membership change (carried in ENTRY_CONF_CHANGE entries). */
export type ConfChange = ConfChange__Output;
/** A Raft message between peers (or a local input such as MSG_HUP). */
export type Message = Message__Output;

/** Message type names (string literals, as generated). */
export const MessageType = GenMessageType;
/** One message type. */
export type MessageType = MessageType__Output;
/** Entry type names. */
export const EntryType = GenEntryType;
/** One entry type. */
export type EntryType = EntryType__Output;
/** Membership change kinds. */
export const ConfChangeType = GenConfChangeType;
/** One membership change kind. */
export type ConfChangeType = ConfChangeType__Output;

/** "No node": node ids are positive integers; 0 means none (no leader, no vote). */
export const NONE = 0;

const EMPTY = Buffer.alloc(0);

/** Builds a message with every field present; unspecified fields take proto3 defaults. */
export function newMessage(fields: Partial<Message> & Pick<Message, "type">): Message {
  return {
    to: 0,
    from: 0,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    snapshot: null,
    reject: false,
    rejectHint: 0,
    context: EMPTY,
    ...fields,
  };
}

/** Builds an entry; `data` defaults to empty and `type` to ENTRY_NORMAL. */
export function newEntry(fields: Partial<Entry> & Pick<Entry, "term" | "index">): Entry {
  return { type: EntryType.ENTRY_NORMAL, data: EMPTY, ...fields };
}

/** An empty hard state (term 0, no vote, commit 0). */
export function emptyHardState(): HardState {
  return { term: 0, vote: NONE, commit: 0 };
}

/** True when two hard states are field-by-field equal. */
export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** An empty membership. */
export function emptyConfState(): ConfState {
  return { voters: [], learners: [] };
}

/** A snapshot with index 0: "no snapshot". */
export function emptySnapshot(): Snapshot {
  return { data: EMPTY, metadata: { index: 0, term: 0, confState: emptyConfState() } };
}

/** The metadata of a snapshot, never null (a null metadata reads as index 0, term 0). */
export function snapshotMeta(s: Snapshot): SnapshotMetadata {
  return s.metadata ?? { index: 0, term: 0, confState: emptyConfState() };
}

/** The membership recorded in a snapshot, never null. */
export function snapshotConfState(s: Snapshot): ConfState {
  return snapshotMeta(s).confState ?? emptyConfState();
}

/** Approximate encoded size of an entry, for maxSizePerMsg accounting. */
export function entrySize(e: Entry): number {
  return e.data.length + 24;
}

/** The local pseudo-messages: never accepted from the network through `step()`. */
export const LOCAL_MESSAGE_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  MessageType.MSG_HUP,
  MessageType.MSG_BEAT,
  MessageType.MSG_UNREACHABLE,
  MessageType.MSG_SNAP_STATUS,
  MessageType.MSG_CHECK_QUORUM,
]);

/** Response message types (ignored when they come from a peer we do not track). */
export const RESPONSE_MESSAGE_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  MessageType.MSG_APP_RESP,
  MessageType.MSG_VOTE_RESP,
  MessageType.MSG_HEARTBEAT_RESP,
  MessageType.MSG_UNREACHABLE,
  MessageType.MSG_PRE_VOTE_RESP,
]);

/** The node roles. */
export const StateType = {
  Follower: "follower",
  Candidate: "candidate",
  Leader: "leader",
  PreCandidate: "pre-candidate",
} as const;
/** One node role. */
export type StateType = (typeof StateType)[keyof typeof StateType];

/** Volatile state worth reporting when it changes (not persisted). */
export interface SoftState {
  /** Current leader id, or NONE. */
  readonly lead: number;
  /** This node's role. */
  readonly raftState: StateType;
}

/** Result of a ReadIndex request: once the state machine applied `index`, a read of `requestCtx` is linearizable. */
export interface ReadState {
  readonly index: number;
  readonly requestCtx: Buffer;
}
