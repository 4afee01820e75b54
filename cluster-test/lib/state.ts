/**
 * The state file of a running cluster: `/run/swarm-cluster/<name>/state.json`. It lets a second process
 * (the CLI, another test) act on a cluster that someone else brought up. Written atomically
 * (tmp → rename). `cleanup` does not need it: it finds leftovers by name prefix.
 */
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SwarmError } from "../../src/lib/errors.js";
import type { Fault } from "./faults.js";
import { HarnessErrorCode } from "./run.js";

/** Root of state directories (tmpfs, so a reboot forgets clusters that a reboot destroyed anyway). */
export const STATE_ROOT = "/run/swarm-cluster";

/** Default root of per-host data and log directories (disk, so logs survive for a post-mortem). */
export const DATA_ROOT = "/var/tmp/swarm-cluster";

const STATE_VERSION = 1;

/** One host of a cluster. */
export interface HostState {
  readonly name: string;
  readonly index: number;
  readonly ip: string;
  readonly netns: string;
  /** Root-namespace end of the veth pair (the host side is `eth0`). */
  readonly veth: string;
  /** Bind-mounted UTS namespace file that carries the host's hostname. */
  readonly utsPath: string;
  /** The host's data directory (`--data-dir` of its daemon). */
  readonly dataDir: string;
  /** Where the logs of the host's processes go. */
  readonly logDir: string;
  /** cgroup v2 directory holding every process the harness started in this host (null without cgroup2). */
  readonly cgroupDir: string | null;
}

/** A long-running process the harness started in a host. */
export interface ProcRecord {
  readonly host: string;
  /** Name of the process within its host (`swarmd`, `web`…); one running process per name. */
  readonly name: string;
  readonly argv: readonly string[];
  /** Environment added on top of the harness's per-host environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly pid: number;
  /** /proc start time, so a recycled pid is never mistaken for this process. */
  readonly startTime: number;
  readonly logPath: string;
  readonly startedAt: string;
}

/** Programs a scenario runs in hosts (`host.swarmd()`, `host.swarmctl()`). */
export interface Binaries {
  /** Node executable (default: the one running the harness). */
  readonly node: string;
  /** Daemon entry script (default: bin/swarmd.js of this checkout). */
  readonly swarmd: string;
  /** CLI entry script (default: bin/swarmctl.js of this checkout). */
  readonly swarmctl: string;
}

/** Everything needed to act on a cluster from any process. */
export interface ClusterState {
  readonly version: typeof STATE_VERSION;
  readonly name: string;
  readonly subnet: string;
  readonly bridge: string;
  readonly bridgeIp: string;
  readonly baseDir: string;
  readonly createdAt: string;
  readonly hosts: readonly HostState[];
  readonly procs: readonly ProcRecord[];
  readonly faults: readonly Fault[];
  readonly binaries: Binaries;
}

/** Directory holding a cluster's state file and UTS namespace files. */
export function stateDir(name: string): string {
  return join(STATE_ROOT, name);
}

/** Writes the state file atomically. */
export function writeState(state: ClusterState): void {
  const dir = stateDir(state.name);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `state.json.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, join(dir, "state.json"));
}

const LOCK_WAIT_MS = 5_000;
const LOCK_STALE_MS = 30_000;

/**
 * Runs `change` on the current state and writes the result, holding `state.lock` (O_EXCL file) so two
 * processes (two CLI calls, a test and the CLI) never lose each other's update. Synchronous on purpose:
 * within one process it is atomic too. A lock older than 30 s belongs to a crashed writer and is broken.
 */
export function updateStateLocked(name: string, change: (s: ClusterState) => ClusterState): ClusterState {
  const lock = join(stateDir(name), "state.lock");
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, "wx"));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) unlinkSync(lock);
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new SwarmError(HarnessErrorCode.AlreadyExists, `${lock} is held by another process for more than ${LOCK_WAIT_MS} ms`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
  try {
    const next = change(requireState(name));
    writeState(next);
    return next;
  } finally {
    unlinkSync(lock);
  }
}

/** Reads a cluster's state, or undefined when there is none. Throws on a corrupt or foreign file. */
export function readState(name: string): ClusterState | undefined {
  let text: string;
  try {
    text = readFileSync(join(stateDir(name), "state.json"), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<ClusterState>;
  if (parsed.version !== STATE_VERSION || parsed.name !== name || !Array.isArray(parsed.hosts)) {
    throw new SwarmError("CORRUPT", `${join(stateDir(name), "state.json")}: not a version-${STATE_VERSION} state of cluster ${name}`);
  }
  return parsed as ClusterState;
}

/** Like {@link readState} but throws a clear error when the cluster is not up. */
export function requireState(name: string): ClusterState {
  const state = readState(name);
  if (state === undefined) {
    throw new SwarmError(HarnessErrorCode.NotFound, `cluster ${JSON.stringify(name)} is not up (no ${join(stateDir(name), "state.json")})`);
  }
  return state;
}

/** Names of clusters that have a state directory. */
export function listStateDirs(): string[] {
  try {
    return readdirSync(STATE_ROOT).sort();
  } catch {
    return [];
  }
}
