/**
 * A multi-host cluster on one machine: `Cluster.up({ hosts: 5 })`, then act on hosts the way the README
 * story reads — `c.host("h1").swarmd()`, `c.host("h1").swarmctl("node", "ls")`, `c.partition(["h1"],
 * ["h2", "h3"])`, `c.host("h2").kill("swarmd")`, `c.heal()`, `c.down()`. Every method works on a
 * cluster another process brought up (`Cluster.attach(name)`): the state file is the source of truth.
 */
import { type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SwarmError, ValidationError } from "../../src/lib/errors.js";
import { cleanup, type CleanupReport } from "./cleanup.js";
import { describeFault, faultRules, validateFault, type Fault } from "./faults.js";
import { DEFAULT_PROC, Host, type HostActions, type StartOptions } from "./host.js";
import { hostEnv, inHostArgv, spawnInHost } from "./launch.js";
import { FAULT_CHAIN, clusterNames } from "./names.js";
import { procState, readProcStat, signalPid, type ProcState } from "./procs.js";
import {
  hostCgroupRoot,
  inNetns,
  planCluster,
  provision,
  requireTools,
  resolveUpOptions,
  rootNamespaceSubnets,
  type UpOptions,
} from "./provision.js";
import { CommandError, HarnessErrorCode, run, runOk, type RunOptions, type RunResult } from "./run.js";
import { listStateDirs, readState, requireState, updateStateLocked, writeState, type ClusterState, type HostState, type ProcRecord } from "./state.js";
import { parseSubnet } from "./subnet.js";
import { harnessObjectsExist } from "./system.js";
import { waitFor, type WaitOptions } from "./wait.js";


/** How a process ended, when this process saw it end. */
export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A process as `status` reports it. */
export interface ProcStatus {
  readonly host: string;
  readonly name: string;
  readonly pid: number;
  readonly state: ProcState;
  readonly argv: readonly string[];
  readonly logPath: string;
  /** Known only in the process that started it. */
  readonly exit?: ExitInfo;
}

/** What `status` prints. */
export interface ClusterStatus {
  readonly name: string;
  readonly subnet: string;
  readonly hosts: ReadonlyArray<{ readonly name: string; readonly ip: string; readonly netns: string; readonly dataDir: string }>;
  readonly procs: readonly ProcStatus[];
  readonly faults: readonly string[];
  /** Hosts whose processes are frozen. */
  readonly frozen: readonly string[];
}

/** Options for a partition or loss fault: `oneWay` affects only packets `from → to`. */
export interface FaultOptions {
  readonly oneWay?: boolean;
}

export { DEFAULT_PROC, Host, type StartOptions } from "./host.js";

/** A running cluster of netns hosts. */
export class Cluster implements HostActions {
  readonly name: string;
  private readonly exits = new Map<string, ExitInfo>();
  private readonly children = new Map<string, ChildProcess>();

  private constructor(name: string) {
    this.name = name;
  }

  /** Brings a new cluster up; on any failure removes what it created and rethrows. */
  static async up(options: UpOptions = {}): Promise<Cluster> {
    requireTools();
    const taken = [...(await rootNamespaceSubnets())];
    for (const other of listStateDirs()) {
      const s = safeReadState(other);
      if (s !== undefined && other !== options.name) taken.push(parseSubnet(s.subnet));
    }
    const opts = resolveUpOptions(options, taken);
    const existing = harnessObjectsExist(opts.name);
    if (existing.length > 0) {
      throw new SwarmError(
        HarnessErrorCode.AlreadyExists,
        `cluster ${opts.name} already exists (${existing.slice(0, 3).join(", ")}): run \`swarm-cluster down --name ${opts.name}\` or \`swarm-cluster cleanup --name ${opts.name}\``,
      );
    }
    const plan = planCluster(opts, hostCgroupRoot());
    try {
      writeState(plan); // first, so a crash mid-up leaves a state that points cleanup at custom dirs
      await provision(plan, opts.defaultRoute);
    } catch (err) {
      await cleanup(opts.name);
      throw err;
    }
    return new Cluster(opts.name);
  }

  /** Acts on a cluster that is already up (possibly brought up by another process). */
  static attach(name: string): Cluster {
    requireState(clusterNames(name).cluster);
    return new Cluster(name);
  }

  /** The current state file. */
  get state(): ClusterState {
    return requireState(this.name);
  }

  /** Every host, h1..hN. */
  get hosts(): Host[] {
    return this.state.hosts.map((h) => new Host(this, h));
  }

  /** A host by name (`h1`); throws naming the hosts that exist. */
  host(name: string): Host {
    return new Host(this, this.hostState(name));
  }

  /** @internal */
  hostState(name: string): HostState {
    const state = this.state;
    const h = state.hosts.find((x) => x.name === name);
    if (h === undefined) throw new ValidationError("host", `${JSON.stringify(name)} is not a host of cluster ${this.name} (${state.hosts.map((x) => x.name).join(", ")})`);
    return h;
  }

  /** Runs a one-shot command in a host and returns its exit code and output (never throws on exit ≠ 0). */
  exec(host: string, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const h = this.hostState(host);
    return run(inHostArgv(h, argv), {
      ...options,
      cwd: options.cwd ?? h.dataDir,
      env: { ...hostEnv(this.name, h), ...options.env },
    });
  }

  /** Like {@link exec} but returns stdout and throws a CommandError unless the command exits 0. */
  async execOk(host: string, argv: readonly string[], options: RunOptions = {}): Promise<string> {
    const r = await this.exec(host, argv, options);
    if (r.code !== 0) throw new CommandError([`${host}:`, ...argv], r, false);
    return r.stdout;
  }

  /** Starts a long-running process in a host (logs to `<logDir>/<name>.log`); one live process per name. */
  async start(host: string, argv: readonly string[], options: StartOptions = {}): Promise<ProcRecord> {
    const h = this.hostState(host);
    const name = options.name ?? DEFAULT_PROC;
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new ValidationError("name", `${JSON.stringify(name)} is not a process name ([A-Za-z0-9_.-])`);
    const old = this.state.procs.find((p) => p.host === host && p.name === name);
    if (old !== undefined && procState(old.pid, old.startTime) !== "dead") {
      throw new SwarmError(HarnessErrorCode.AlreadyExists, `${host}/${name} is already running (pid ${old.pid}): kill or restart it`);
    }
    const logPath = join(h.logDir, `${name}.log`);
    const env = options.env ?? {};
    const child = spawnInHost(this.name, h, argv, env, logPath);
    const pid = child.pid;
    if (pid === undefined) {
      const err = await new Promise<Error>((resolve) => child.once("error", resolve));
      throw new SwarmError(HarnessErrorCode.MissingTool, `cannot start ${argv.join(" ")} in ${host}: ${err.message}`, { cause: err });
    }
    const key = `${host}/${name}`;
    this.exits.delete(key);
    this.children.set(key, child);
    child.once("exit", (code, signal) => {
      this.exits.set(key, { code, signal });
      if (this.children.get(key) === child) this.children.delete(key);
    });
    const startTime = readProcStat(pid)?.startTime ?? NaN;
    const record: ProcRecord = { host, name, argv: [...argv], env: { ...env }, pid, startTime, logPath, startedAt: new Date().toISOString() };
    this.updateState((s) => ({ ...s, procs: [...s.procs.filter((p) => !(p.host === host && p.name === name)), record] }));
    return record;
  }

  /** The record of a host's process; throws when none was started under that name. */
  proc(host: string, name = DEFAULT_PROC): ProcRecord {
    this.hostState(host);
    const p = this.state.procs.find((x) => x.host === host && x.name === name);
    if (p === undefined) throw new SwarmError(HarnessErrorCode.NotFound, `no process ${JSON.stringify(name)} was started in ${host}`);
    return p;
  }

  /** running | stopped | dead. */
  procState(host: string, name = DEFAULT_PROC): ProcState {
    const p = this.proc(host, name);
    return procState(p.pid, p.startTime);
  }

  /** How the process ended, if this process started it and saw it end. */
  exitOf(host: string, name = DEFAULT_PROC): ExitInfo | undefined {
    return this.exits.get(`${host}/${name}`);
  }

  private async signalAndWait(host: string, name: string, signal: NodeJS.Signals, until: ProcState[], timeoutMs = 5_000): Promise<ProcState> {
    const p = this.proc(host, name);
    if (procState(p.pid, p.startTime) !== "dead") signalPid(p.pid, signal);
    return waitFor(
      () => procState(p.pid, p.startTime),
      (s) => until.includes(s),
      { timeoutMs, intervalMs: 10, describe: `${host}/${name} (pid ${p.pid}) to be ${until.join(" or ")} after ${signal}` },
    );
  }

  /** SIGKILLs a host's process and waits until it is dead. */
  kill(host: string, name = DEFAULT_PROC): Promise<ProcState> {
    return this.signalAndWait(host, name, "SIGKILL", ["dead"]);
  }

  /** SIGSTOPs a host's process (it stops answering, like a hung machine) and waits until it is stopped. */
  stop(host: string, name = DEFAULT_PROC): Promise<ProcState> {
    return this.signalAndWait(host, name, "SIGSTOP", ["stopped", "dead"]);
  }

  /** SIGCONTs a stopped process. */
  cont(host: string, name = DEFAULT_PROC): Promise<ProcState> {
    return this.signalAndWait(host, name, "SIGCONT", ["running", "dead"]);
  }

  /** Stops a process (SIGTERM, SIGKILL after `graceMs`) if alive, then starts it again with the same argv/env. */
  async restart(host: string, name = DEFAULT_PROC, graceMs = 5_000): Promise<ProcRecord> {
    await this.terminate(host, name, graceMs);
    const p = this.proc(host, name);
    return this.start(host, p.argv, { name, env: p.env });
  }

  /** Graceful stop: SIGTERM (and SIGCONT, so a stopped process can handle it), SIGKILL after `graceMs`. */
  async terminate(host: string, name = DEFAULT_PROC, graceMs = 5_000): Promise<void> {
    const p = this.proc(host, name);
    if (procState(p.pid, p.startTime) === "dead") return;
    signalPid(p.pid, "SIGTERM");
    signalPid(p.pid, "SIGCONT");
    try {
      await this.signalAndWait(host, name, "SIGTERM", ["dead"], graceMs);
    } catch {
      await this.kill(host, name);
    }
  }

  /**
   * Freezes every process of a host at once (cgroup v2 freezer) — the daemon and anything it started —
   * like a machine that hangs; {@link thaw} resumes them. Unlike SIGSTOP, processes cannot observe it.
   */
  async freeze(host: string): Promise<void> {
    await this.setFrozen(host, true);
  }

  /** Resumes a frozen host. */
  async thaw(host: string): Promise<void> {
    await this.setFrozen(host, false);
  }

  /**
   * Power-cuts a host: SIGKILLs every process in it at once (cgroup.kill) — the daemon, its children
   * and anything they double-forked — and waits until none is left. Data dirs stay; `restart` brings
   * a daemon back as after a reboot.
   */
  async crash(host: string): Promise<void> {
    const dir = this.hostState(host).cgroupDir;
    if (dir === null) throw new SwarmError(HarnessErrorCode.MissingTool, `cannot crash ${host}: this machine has no cgroup v2 hierarchy`);
    if (this.frozen(host)) writeFileSync(join(dir, "cgroup.freeze"), "0");
    writeFileSync(join(dir, "cgroup.kill"), "1");
    await waitFor(() => readFileSync(join(dir, "cgroup.procs"), "utf8").trim(), (procs) => procs === "", {
      timeoutMs: 5_000,
      intervalMs: 10,
      describe: `every process of ${host} to be gone`,
    });
  }

  /** True when the host's cgroup is frozen. */
  frozen(host: string): boolean {
    const dir = this.hostState(host).cgroupDir;
    if (dir === null) return false;
    return /^frozen 1$/m.test(readFileSync(join(dir, "cgroup.events"), "utf8"));
  }

  private async setFrozen(host: string, frozen: boolean): Promise<void> {
    const dir = this.hostState(host).cgroupDir;
    if (dir === null) throw new SwarmError(HarnessErrorCode.MissingTool, `cannot freeze ${host}: this machine has no cgroup v2 hierarchy`);
    writeFileSync(join(dir, "cgroup.freeze"), frozen ? "1" : "0");
    await waitFor(() => this.frozen(host), (f) => f === frozen, {
      timeoutMs: 5_000,
      intervalMs: 10,
      describe: `${host} to be ${frozen ? "frozen" : "thawed"}`,
    });
  }

  /** Drops every packet between the `from` and `to` hosts (only `from → to` with `oneWay`). */
  async partition(from: readonly string[], to: readonly string[], options: FaultOptions = {}): Promise<void> {
    await this.inject({ type: "partition", from, to, oneWay: options.oneWay ?? false });
  }

  /** Cuts one host off from all others (both ways). */
  async isolate(host: string): Promise<void> {
    await this.partition([host], this.state.hosts.map((h) => h.name).filter((n) => n !== host));
  }

  /** Drops each packet between `from` and `to` (default: all hosts) with `probability`. */
  async loss(probability: number, between: { from?: readonly string[]; to?: readonly string[] } & FaultOptions = {}): Promise<void> {
    const all = this.state.hosts.map((h) => h.name);
    await this.inject({ type: "loss", probability, from: between.from ?? all, to: between.to ?? all, oneWay: between.oneWay ?? false });
  }

  /** Adds the iptables rules of a fault inside the receiving hosts' namespaces. */
  async inject(fault: Fault): Promise<void> {
    const state = this.state;
    validateFault(fault, state.hosts.map((h) => h.name));
    const addresses = new Map(state.hosts.map((h) => [h.name, h.ip] as const));
    const rules = faultRules(fault, addresses, clusterNames(this.name).commentPrefix);
    await Promise.all(
      [...rules].map(([host, list]) =>
        runOk(inNetns(this.hostState(host).netns, ["iptables-restore", "--noflush"]), {
          input: `*filter\n${list.map((r) => r.join(" ")).join("\n")}\nCOMMIT\n`,
        }),
      ),
    );
    this.updateState((s) => ({ ...s, faults: [...s.faults, fault] }));
  }

  /** Removes every partition and loss rule. */
  async heal(): Promise<void> {
    await Promise.all(this.state.hosts.map((h) => runOk(inNetns(h.netns, ["iptables", "-w", "5", "-F", FAULT_CHAIN]))));
    this.updateState((s) => ({ ...s, faults: [] }));
  }

  /** Hosts, processes and faults as they are now. */
  status(): ClusterStatus {
    const s = this.state;
    return {
      name: s.name,
      subnet: s.subnet,
      hosts: s.hosts.map((h) => ({ name: h.name, ip: h.ip, netns: h.netns, dataDir: h.dataDir })),
      procs: s.procs.map((p) => {
        const exit = this.exits.get(`${p.host}/${p.name}`);
        return {
          host: p.host,
          name: p.name,
          pid: p.pid,
          state: procState(p.pid, p.startTime),
          argv: p.argv,
          logPath: p.logPath,
          ...(exit === undefined ? {} : { exit }),
        };
      }),
      faults: s.faults.map(describeFault),
      frozen: s.hosts.map((h) => h.name).filter((h) => this.frozen(h)),
    };
  }

  /** The last `lines` lines of a process's log ("" when it wrote nothing). */
  tail(host: string, name = DEFAULT_PROC, lines = 50): string {
    try {
      return readFileSync(this.proc(host, name).logPath, "utf8").split("\n").slice(-lines - 1).join("\n");
    } catch {
      return "";
    }
  }

  /** Tails of every process log, for a failing test's output. */
  tailAll(lines = 30): string {
    return this.state.procs.map((p) => `--- ${p.host}/${p.name} (${p.logPath}) ---\n${this.tail(p.host, p.name, lines)}`).join("\n");
  }

  /** Polls until a condition holds (see {@link waitFor}); on timeout the error shows the last value seen. */
  waitFor<T>(probe: () => T | Promise<T>, accept: ((value: T) => boolean) | WaitOptions = {}, options: WaitOptions = {}): Promise<T> {
    return waitFor(probe, accept, options);
  }

  /** Stops every process (SIGTERM, then SIGKILL after `graceMs`) and removes everything; safe to call twice. */
  async down(options: { keepData?: boolean; graceMs?: number } = {}): Promise<CleanupReport> {
    const state = safeReadState(this.name);
    if (state !== undefined) {
      // Frozen processes cannot handle SIGTERM: thaw first so the stop is graceful.
      for (const h of state.hosts) if (this.frozen(h.name)) await this.thaw(h.name).catch(() => undefined);
      await Promise.all(state.procs.map((p) => this.terminate(p.host, p.name, options.graceMs ?? 2_000).catch(() => undefined)));
    }
    return cleanup(this.name, { keepData: options.keepData ?? false });
  }

  private updateState(change: (s: ClusterState) => ClusterState): void {
    updateStateLocked(this.name, change);
  }
}

function safeReadState(name: string): ClusterState | undefined {
  try {
    return readState(name);
  } catch {
    return undefined;
  }
}
