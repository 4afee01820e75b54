/**
 * What a node keeps on disk across restarts: its identity (node id, cluster id, role, Raft id), the
 * addresses it serves and knows, and its TLS material. Every file is written tmp → fsync → rename →
 * fsync dir, so a crash leaves the old or the new version, never half of one. Everything under the data
 * dir is the daemon's alone (0600 files, 0700 dirs): the Raft log and snapshots hold the CA key and the
 * join tokens, so a local user who can read them owns the cluster.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { ErrorCode, SwarmError } from "../lib/errors.js";
import type { TlsIdentity } from "../ca/tls.js";

/** A node's membership as remembered on disk. */
export interface NodeState {
  readonly nodeId: string;
  readonly clusterId: string;
  readonly role: "worker" | "manager";
  /** Raft member id (managers), 0 for workers. */
  readonly raftId: number;
  /** Where this node serves the cluster port ("host:port"). */
  readonly listenAddr: string;
  /** Where others reach it ("host:port"). */
  readonly advertiseAddr: string;
  /** Known manager API addresses ("host:port"), for workers to find a manager. */
  readonly managers: readonly string[];
}

/** Paths inside a data directory. */
export function statePaths(dataDir: string): { state: string; ca: string; cert: string; key: string; raft: string; images: string } {
  return {
    state: join(dataDir, "state.json"),
    ca: join(dataDir, "certificates", "ca.crt"),
    cert: join(dataDir, "certificates", "node.crt"),
    key: join(dataDir, "certificates", "node.key"),
    raft: join(dataDir, "raft"),
    images: join(dataDir, "images"),
  };
}

/**
 * Makes every file and directory the daemon creates from now on owner-only (umask 077), so no file is ever
 * readable by others, even for the instant between its creation and a chmod. Process-wide on purpose: the
 * daemon writes the data dir from many modules (WAL, snapshots, images, task logs) and none may be wider.
 */
export function restrictUmask(): void {
  process.umask(0o077);
}

/** Writes a file atomically and durably (owner-only unless `mode` says otherwise). */
export function writeFileDurable(path: string, data: string | Uint8Array, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dfd = openSync(dirname(path), "r");
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/** Loads the node state, or undefined for a node that never joined a cluster. */
export function loadNodeState(dataDir: string): { state: NodeState; tls: TlsIdentity } | undefined {
  const p = statePaths(dataDir);
  if (!existsSync(p.state)) return undefined;
  let state: NodeState;
  try {
    state = JSON.parse(readFileSync(p.state, "utf8")) as NodeState;
  } catch (err) {
    throw new SwarmError(ErrorCode.Corrupt, `${p.state}: not valid JSON; the node state is damaged (move the data dir away to start fresh)`, { cause: err });
  }
  for (const f of [p.ca, p.cert, p.key]) {
    if (!existsSync(f)) throw new SwarmError(ErrorCode.Corrupt, `${f} is missing: the node state is incomplete`);
  }
  return { state, tls: { caCertPem: readFileSync(p.ca, "utf8"), certPem: readFileSync(p.cert, "utf8"), keyPem: readFileSync(p.key, "utf8") } };
}

/** Saves TLS material then the state file (last, so a state file implies complete certs); all 0600. */
export function saveNodeState(dataDir: string, state: NodeState, tls: TlsIdentity): void {
  const p = statePaths(dataDir);
  writeFileDurable(p.key, tls.keyPem);
  writeFileDurable(p.cert, tls.certPem);
  writeFileDurable(p.ca, tls.caCertPem);
  writeFileDurable(p.state, `${JSON.stringify(state, null, 2)}\n`);
}
