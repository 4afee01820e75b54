/**
 * A handle on one host of a cluster (`c.host("h1")`): the cluster's operations with the host's name
 * filled in, plus `swarmd()` / `swarmctl()` so a scenario reads like the README story.
 */
import { join } from "node:path";
import type { ProcState } from "./procs.js";
import type { RunOptions, RunResult } from "./run.js";
import type { ClusterState, HostState, ProcRecord } from "./state.js";

/** Name of a host's process when the caller gives none. */
export const DEFAULT_PROC = "main";

/** How long {@link Host.swarmctl} lets one `swarmctl` command run before killing it. */
export const SWARMCTL_TIMEOUT_MS = 120_000;

/** Options for starting a long-running process in a host. */
export interface StartOptions {
  /** Name of the process in its host (default `main`); its log is `<logDir>/<name>.log`. */
  readonly name?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** What a {@link Host} needs from its cluster (implemented by `Cluster`). */
export interface HostActions {
  readonly state: ClusterState;
  exec(host: string, argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  execOk(host: string, argv: readonly string[], options?: RunOptions): Promise<string>;
  start(host: string, argv: readonly string[], options?: StartOptions): Promise<ProcRecord>;
  kill(host: string, name?: string): Promise<ProcState>;
  stop(host: string, name?: string): Promise<ProcState>;
  cont(host: string, name?: string): Promise<ProcState>;
  restart(host: string, name?: string): Promise<ProcRecord>;
  procState(host: string, name?: string): ProcState;
  tail(host: string, name?: string, lines?: number): string;
}

/** One host of a cluster: a handle that forwards to the cluster with its name. */
export class Host {
  readonly name: string;
  readonly ip: string;
  readonly dataDir: string;
  readonly logDir: string;
  readonly netns: string;

  constructor(
    private readonly cluster: HostActions,
    state: HostState,
  ) {
    this.name = state.name;
    this.ip = state.ip;
    this.dataDir = state.dataDir;
    this.logDir = state.logDir;
    this.netns = state.netns;
  }

  /** The Node executable configured for this cluster (probes and scripts run with it). */
  get node(): string {
    return this.cluster.state.binaries.node;
  }

  /** Runs a one-shot command here; see {@link Cluster.exec}. */
  exec(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.cluster.exec(this.name, argv, options);
  }

  /** Runs a one-shot command here and returns stdout; throws unless it exits 0. */
  execOk(argv: readonly string[], options: RunOptions = {}): Promise<string> {
    return this.cluster.execOk(this.name, argv, options);
  }

  /** Runs a shell script here (`sh -c`). */
  sh(script: string, options: RunOptions = {}): Promise<RunResult> {
    return this.exec(["sh", "-c", script], options);
  }

  /** Starts a long-running process here. */
  start(argv: readonly string[], options: StartOptions = {}): Promise<ProcRecord> {
    return this.cluster.start(this.name, argv, options);
  }

  /** Starts `swarmd --data-dir <dataDir> --socket <dataDir>/swarmd.sock --advertise-addr <ip> …args` here as process `swarmd`. */
  swarmd(args: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Promise<ProcRecord> {
    const b = this.cluster.state.binaries;
    const argv = [b.node, b.swarmd, "--data-dir", this.dataDir, "--socket", this.socketPath, "--advertise-addr", this.ip, ...args];
    return this.start(argv, { name: "swarmd", env });
  }

  /** The unix socket of this host's daemon (also in every command's `$SWARM_SOCKET`). */
  get socketPath(): string {
    return join(this.dataDir, "swarmd.sock");
  }

  /**
   * Runs `swarmctl …args` here (talks to this host's daemon) and returns its result. Killed after
   * {@link SWARMCTL_TIMEOUT_MS}: commands that wait for a service to converge legitimately take long on
   * a loaded machine; scenarios put their own deadlines on what they wait for.
   */
  swarmctl(...args: string[]): Promise<RunResult> {
    const b = this.cluster.state.binaries;
    return this.exec([b.node, b.swarmctl, ...args], { timeoutMs: SWARMCTL_TIMEOUT_MS });
  }

  /** SIGKILLs a process of this host. */
  kill(name = DEFAULT_PROC): Promise<ProcState> {
    return this.cluster.kill(this.name, name);
  }

  /** SIGSTOPs a process of this host. */
  stop(name = DEFAULT_PROC): Promise<ProcState> {
    return this.cluster.stop(this.name, name);
  }

  /** SIGCONTs a process of this host. */
  cont(name = DEFAULT_PROC): Promise<ProcState> {
    return this.cluster.cont(this.name, name);
  }

  /** Restarts a process of this host with its original argv. */
  restart(name = DEFAULT_PROC): Promise<ProcRecord> {
    return this.cluster.restart(this.name, name);
  }

  /** running | stopped | dead. */
  state(name = DEFAULT_PROC): ProcState {
    return this.cluster.procState(this.name, name);
  }

  /** The last lines of a process's log. */
  tail(name = DEFAULT_PROC, lines = 50): string {
    return this.cluster.tail(this.name, name, lines);
  }
}
