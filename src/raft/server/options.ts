/**
 * Options of the Raft server, normalized with defaults (the resolved form is what the loop reads).
 */
import type * as grpc from "@grpc/grpc-js";
import { randomInt } from "node:crypto";
import type { Logger } from "../../lib/logger.js";
import { silentLogger } from "../../lib/logger.js";
import { ValidationError } from "../../lib/errors.js";
import type { StateMachine } from "./state-machine.js";
import type { PeerDirectory } from "./peer-auth.js";

/** How to start a Raft member. */
export interface RaftServerOptions<R> {
  /** This member's id (an integer in [1, 2^32 − 1]: the proposal envelope stores it as u32). */
  readonly id: number;
  /** Data directory (WAL + snapshots). */
  readonly dataDir: string;
  /** Raft transport listen address "host:port". */
  readonly listen: string;
  /** Address other members use to reach this one (default: `listen`). */
  readonly advertise?: string;
  /** Known member addresses (id → "host:port"), this member included or not. */
  readonly peers: ReadonlyMap<number, string>;
  /**
   * Bootstrap a NEW cluster with these voters when the data dir is empty. Every initial member passes
   * the same list. Leave unset on a member that joins an existing cluster (it waits for the leader).
   */
  readonly bootstrap?: readonly number[];
  readonly stateMachine: StateMachine<R>;
  /**
   * Restart as the only voter of the group, keeping the log and snapshot (recovery after a permanent
   * loss of quorum; see force-new-cluster.ts). Needs existing state in `dataDir`.
   */
  readonly forceNewCluster?: boolean;
  /** Milliseconds per Raft tick (default 50: heartbeats every 50 ms, elections after 500–1000 ms). */
  readonly tickMs?: number;
  /** Election timeout in ticks (default 10; randomized in [e, 2e)). */
  readonly electionTicks?: number;
  /** Heartbeat interval in ticks (default 1). */
  readonly heartbeatTicks?: number;
  /** Take a snapshot and compact after this many applied entries (default 10000). */
  readonly snapshotEntries?: number;
  /** Entries kept in memory behind a snapshot for slow followers (default 1000). */
  readonly compactionMargin?: number;
  /** Reject a proposal or read not answered within this time (default 5000 ms). */
  readonly requestTimeoutMs?: number;
  /** WAL segment size (default 64 MiB). */
  readonly segmentBytes?: number;
  /** Random number in [0, 1) (election jitter); default Math.random. */
  readonly random?: () => number;
  /** Incarnation nonce, an integer in [0, 2^32 − 1] (default: random). */
  readonly nonce?: number;
  /** Called when this member learns a new leader (0 = none) or its role changes. */
  readonly onLeaderChange?: (leader: number, isLeader: boolean) => void;
  readonly serverCredentials?: grpc.ServerCredentials;
  readonly channelCredentials?: grpc.ChannelCredentials;
  /**
   * Binds certificates to Raft ids: with it, every incoming message must come from a manager
   * certificate whose node owns the message's `from` (see peer-auth.ts). Unset: senders are not
   * checked (plaintext test clusters).
   */
  readonly peerDirectory?: PeerDirectory;
  readonly logger?: Logger;
}

/** Options with defaults applied. */
export interface ResolvedRaftServerOptions<R> {
  readonly id: number;
  readonly dataDir: string;
  readonly listen: string;
  readonly advertise: string;
  readonly peers: ReadonlyMap<number, string>;
  readonly bootstrap: readonly number[] | null;
  readonly stateMachine: StateMachine<R>;
  readonly forceNewCluster: boolean;
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly snapshotEntries: number;
  readonly compactionMargin: number;
  readonly requestTimeoutMs: number;
  readonly segmentBytes: number | undefined;
  readonly random: () => number;
  readonly nonce: number;
  readonly onLeaderChange: (leader: number, isLeader: boolean) => void;
  readonly serverCredentials: grpc.ServerCredentials | undefined;
  readonly channelCredentials: grpc.ChannelCredentials | undefined;
  readonly peerDirectory: PeerDirectory | undefined;
  readonly logger: Logger;
}

function positive(field: string, v: number): number {
  if (!Number.isSafeInteger(v) || v <= 0) throw new ValidationError(`raft.${field}`, `${v} is not a positive integer`);
  return v;
}

/** Largest member id (and nonce): proposal envelopes and read contexts store them as u32. */
export const MAX_MEMBER_ID = 0xffff_ffff;

/**
 * Checks a member id: a positive integer that fits the u32 of the proposal envelope. A larger id would
 * be truncated there and its member would never recognise its own entries.
 */
export function memberId(field: string, v: number): number {
  if (!Number.isSafeInteger(v) || v <= 0 || v > MAX_MEMBER_ID) {
    throw new ValidationError(`raft.${field}`, `${v} is not a member id (an integer from 1 to ${MAX_MEMBER_ID}; proposals carry it as u32)`);
  }
  return v;
}

function nonceOf(v: number | undefined): number {
  if (v === undefined) return randomInt(0, MAX_MEMBER_ID);
  if (!Number.isSafeInteger(v) || v < 0 || v > MAX_MEMBER_ID) {
    throw new ValidationError("raft.nonce", `${v} is not an integer from 0 to ${MAX_MEMBER_ID} (proposals carry it as u32)`);
  }
  return v;
}

/** Validates options and fills defaults; errors name the field and value. */
export function resolveServerOptions<R>(o: RaftServerOptions<R>): ResolvedRaftServerOptions<R> {
  memberId("id", o.id);
  const electionTicks = positive("electionTicks", o.electionTicks ?? 10);
  const heartbeatTicks = positive("heartbeatTicks", o.heartbeatTicks ?? 1);
  if (heartbeatTicks >= electionTicks) {
    throw new ValidationError("raft.heartbeatTicks", `${heartbeatTicks} must be less than electionTicks ${electionTicks}`);
  }
  for (const id of o.bootstrap ?? []) {
    memberId("bootstrap[]", id);
    if (!o.peers.has(id) && id !== o.id) throw new ValidationError("raft.bootstrap", `voter ${id} has no address in peers`);
  }
  for (const id of o.peers.keys()) memberId("peers", id);
  if (o.bootstrap !== undefined && !o.bootstrap.includes(o.id)) {
    throw new ValidationError("raft.bootstrap", `${o.bootstrap.join(",")} does not include this member ${o.id}`);
  }
  return {
    id: o.id,
    dataDir: o.dataDir,
    listen: o.listen,
    advertise: o.advertise ?? o.peers.get(o.id) ?? o.listen,
    peers: o.peers,
    bootstrap: o.bootstrap ?? null,
    stateMachine: o.stateMachine,
    forceNewCluster: o.forceNewCluster ?? false,
    tickMs: positive("tickMs", o.tickMs ?? 50),
    electionTicks,
    heartbeatTicks,
    snapshotEntries: positive("snapshotEntries", o.snapshotEntries ?? 10_000),
    compactionMargin: o.compactionMargin ?? 1000,
    requestTimeoutMs: positive("requestTimeoutMs", o.requestTimeoutMs ?? 5000),
    segmentBytes: o.segmentBytes,
    random: o.random ?? Math.random,
    nonce: nonceOf(o.nonce),
    onLeaderChange: o.onLeaderChange ?? (() => undefined),
    serverCredentials: o.serverCredentials,
    channelCredentials: o.channelCredentials,
    peerDirectory: o.peerDirectory,
    logger: o.logger ?? silentLogger(),
  };
}
