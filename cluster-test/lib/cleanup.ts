/**
 * Teardown by name prefix: finds everything a cluster left (processes, mounts, netns, links, FORWARD
 * rules, cgroups, state and data dirs) from the kernel itself, so it works after a crashed or SIGKILLed
 * run with no state file. `down` is a graceful stop followed by this.
 */
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { errorMessage } from "../../src/lib/errors.js";
import { clusterNames, clusterOfObject } from "./names.js";
import { nsInode, pidsInNetns, procState, signalPid } from "./procs.js";
import { run } from "./run.js";
import { DATA_ROOT, listStateDirs, readState, stateDir } from "./state.js";
import {
  IPTABLES,
  NETNS_DIR,
  harnessCgroups,
  harnessForwardRules,
  harnessLinks,
  harnessNetns,
  mountsUnder,
  splitRuleLine,
} from "./system.js";
import { delay } from "./wait.js";

/** What is left of a cluster (or of every harness cluster) in the kernel and on disk. */
export interface Leftovers {
  readonly netns: string[];
  readonly links: string[];
  readonly forwardRules: string[];
  readonly mounts: string[];
  readonly cgroups: string[];
  readonly stateDirs: string[];
  /** Processes still inside a harness network namespace. */
  readonly pids: number[];
}

/** What a cleanup removed; `errors` lists steps that failed (cleanup goes on after a failure). */
export interface CleanupReport extends Leftovers {
  readonly clusters: string[];
  readonly errors: string[];
}

/** Options for {@link cleanup}. */
export interface CleanupOptions {
  /** Keep the data and log directories (default: removed). */
  readonly keepData?: boolean;
}

function dataDirsOf(cluster: string): string[] {
  const dirs = new Set([join(DATA_ROOT, cluster)]);
  try {
    const state = readState(cluster);
    if (state !== undefined) dirs.add(state.baseDir);
  } catch {
    // a corrupt state file still leaves the default data dir to clean
  }
  return [...dirs];
}

/**
 * Task netns the cluster's daemons made (`/run/netns/<first 8 of node id>-<task id>`, see
 * design/network.md): found from each host's `data/state.json` node id.
 */
function taskNetnsOf(dataDirs: readonly string[]): string[] {
  const prefixes: string[] = [];
  for (const base of dataDirs) {
    let hosts: string[] = [];
    try {
      hosts = readdirSync(base);
    } catch {
      continue;
    }
    for (const h of hosts) {
      const id = /"nodeId"\s*:\s*"([^"]+)"/.exec(safeRead(join(base, h, "data", "state.json")))?.[1];
      if (id !== undefined && id.length >= 8) prefixes.push(`${id.slice(0, 8)}-`);
    }
  }
  if (prefixes.length === 0) return [];
  let all: string[] = [];
  try {
    all = readdirSync("/run/netns");
  } catch {
    return [];
  }
  return all.filter((n) => prefixes.some((p) => n.startsWith(p)));
}

function netnsInodes(netns: readonly string[]): Set<number> {
  const inodes = new Set<number>();
  for (const n of netns) {
    const ino = nsInode(join(NETNS_DIR, n));
    if (ino !== undefined) inodes.add(ino);
  }
  return inodes;
}

/** Lists what remains of `cluster` (every harness cluster when undefined). */
export async function findLeftovers(cluster?: string): Promise<Leftovers> {
  const netns = harnessNetns(cluster);
  const clusters = cluster === undefined ? allClusterNames(netns, harnessLinks(), [], harnessCgroups()) : [cluster];
  const roots = clusters.flatMap((c) => [stateDir(c), ...dataDirsOf(c)]);
  return {
    netns,
    links: harnessLinks(cluster),
    forwardRules: await harnessForwardRules(cluster),
    mounts: mountsUnder(roots),
    cgroups: harnessCgroups(cluster),
    stateDirs: listStateDirs()
      .filter((c) => cluster === undefined || c === cluster)
      .map(stateDir),
    pids: pidsInNetns(netnsInodes(netns)),
  };
}

/** True when nothing is left. */
export function isClean(leftovers: Leftovers): boolean {
  return Object.values(leftovers).every((v: unknown[]) => v.length === 0);
}

function allClusterNames(netns: string[], links: string[], rules: string[], cgroups: string[]): string[] {
  const names = new Set<string>();
  for (const n of [...netns, ...links, ...cgroups.map((p) => p.slice(p.lastIndexOf("/") + 1))]) {
    const c = clusterOfObject(n);
    if (c !== undefined) names.add(c);
  }
  for (const line of rules) {
    const c = clusterOfObject(/--comment "?(swt:[^" ]+)/.exec(line)?.[1] ?? "");
    if (c !== undefined) names.add(c);
  }
  for (const c of listStateDirs()) names.add(c);
  try {
    for (const c of readdirSync(DATA_ROOT)) names.add(c);
  } catch {
    // no data root yet
  }
  return [...names].filter((c) => /^[a-z][a-z0-9]{0,5}$/.test(c)).sort();
}

/** Kills (SIGKILL) every process of a cgroup subtree; v2 via cgroup.kill, v1 via cgroup.procs. */
function killCgroup(dir: string): number {
  if (existsSync(join(dir, "cgroup.kill"))) {
    writeFileSync(join(dir, "cgroup.kill"), "1");
    return 0;
  }
  let killed = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    for (const pid of readFileSync(join(d, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) {
      if (signalPid(Number(pid), "SIGKILL")) killed++;
    }
  };
  walk(dir);
  return killed;
}

/** Removes a cgroup directory and its child cgroups, deepest first. */
function removeCgroup(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroup(join(dir, e.name));
  rmdirSync(dir);
}

/** Kills every process of a cluster: inside its netns, in its cgroups, and the tracked ones. */
async function killClusterProcesses(cluster: string, errors: string[]): Promise<number[]> {
  const pids = new Set(pidsInNetns(netnsInodes(harnessNetns(cluster))));
  try {
    for (const p of readState(cluster)?.procs ?? []) if (procState(p.pid, p.startTime) !== "dead") pids.add(p.pid);
  } catch (err) {
    errors.push(`state of ${cluster}: ${errorMessage(err)}`);
  }
  for (const pid of pids) signalPid(pid, "SIGKILL");
  for (const cg of harnessCgroups(cluster)) {
    try {
      killCgroup(cg);
    } catch (err) {
      errors.push(`kill cgroup ${cg}: ${errorMessage(err)}`);
    }
  }
  // Wait (bounded) until they are gone, so their mounts and namespaces can be released.
  const deadline = performance.now() + 5_000;
  while (performance.now() < deadline) {
    const alive = [...pids].filter((pid) => existsSync(`/proc/${pid}`) && !/\) [ZX] /.test(safeRead(`/proc/${pid}/stat`)));
    if (alive.length === 0) break;
    await delay(20);
  }
  return [...pids];
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

async function attempt(errors: string[], what: string, argv: readonly string[]): Promise<boolean> {
  const r = await run(argv, { timeoutMs: 15_000 });
  if (r.code === 0) return true;
  errors.push(`${what}: ${r.stderr.trim() || `exit ${r.code}`}`);
  return false;
}

/** Removes everything of one cluster. */
async function cleanupCluster(cluster: string, options: CleanupOptions, report: CleanupReport): Promise<void> {
  const names = clusterNames(cluster);
  const errors = report.errors;
  const dataDirs = dataDirsOf(cluster);
  report.pids.push(...(await killClusterProcesses(cluster, errors)));

  for (const mount of mountsUnder([stateDir(cluster), ...dataDirs])) {
    const r = await run(["umount", mount]);
    if (r.code !== 0 && !(await attempt(errors, `umount -l ${mount}`, ["umount", "-l", mount]))) continue;
    report.mounts.push(mount);
  }
  for (const ns of [...harnessNetns(cluster), ...taskNetnsOf(dataDirs)]) {
    if (await attempt(errors, `ip netns del ${ns}`, ["ip", "netns", "del", ns])) report.netns.push(ns);
  }
  // veth ends vanish with their netns; the bridge (and any stray veth) is deleted here, bridge last.
  const links = harnessLinks(cluster).sort((a, b) => Number(a === names.bridge) - Number(b === names.bridge));
  for (const link of links) {
    const r = await run(["ip", "link", "del", link]);
    if (r.code === 0) report.links.push(link);
    else if (!/Cannot find device/.test(r.stderr)) errors.push(`ip link del ${link}: ${r.stderr.trim()}`);
  }
  for (const line of await harnessForwardRules(cluster)) {
    const words = splitRuleLine(line);
    if (words[0] !== "-A") continue;
    if (await attempt(errors, `delete rule ${line}`, [...IPTABLES, "-D", ...words.slice(1)])) report.forwardRules.push(line);
  }
  for (const cg of harnessCgroups(cluster)) {
    try {
      removeCgroup(cg);
      report.cgroups.push(cg);
    } catch (err) {
      errors.push(`rmdir ${cg}: ${errorMessage(err)}`);
    }
  }
  if (existsSync(stateDir(cluster))) {
    rmSync(stateDir(cluster), { recursive: true, force: true });
    report.stateDirs.push(stateDir(cluster));
  }
  if (options.keepData === true) return;
  for (const dir of dataDirs) {
    // Never recurse through a mount that would not go away (rm -r would delete the mounted files).
    const stuck = mountsUnder([dir]);
    if (stuck.length > 0) errors.push(`kept ${dir}: still mounted: ${stuck.join(", ")}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Removes every trace of `cluster` (every harness cluster when undefined). Safe to run at any time,
 * twice, or on a half-built cluster; continues past failed steps and lists them in `errors`.
 */
export async function cleanup(cluster?: string, options: CleanupOptions = {}): Promise<CleanupReport> {
  const clusters =
    cluster !== undefined
      ? [clusterNames(cluster).cluster]
      : allClusterNames(harnessNetns(), harnessLinks(), await harnessForwardRules(), harnessCgroups());
  const report: CleanupReport = {
    clusters,
    errors: [],
    netns: [],
    links: [],
    forwardRules: [],
    mounts: [],
    cgroups: [],
    stateDirs: [],
    pids: [],
  };
  for (const c of clusters) await cleanupCluster(c, options, report);
  return report;
}
