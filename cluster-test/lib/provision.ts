/**
 * Bringing a cluster up: a pure plan (names, addresses, directories) and the shell that creates it —
 * bridge, FORWARD rule, and per host a netns with a veth `eth0`, its address, `lo` up, a default route
 * that fails at once (no traffic ever leaves the machine), a UTS namespace with the hostname, a cgroup,
 * a fault chain, data and log directories.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SwarmError, ValidationError } from "../../src/lib/errors.js";
import { FAULT_CHAIN, MAX_HOSTS, clusterNames, hostName } from "./names.js";
import { HarnessErrorCode, runOk } from "./run.js";
import { DATA_ROOT, stateDir, type Binaries, type ClusterState, type HostState } from "./state.js";
import {
  DEFAULT_SUBNET,
  bridgeAddress,
  formatIPv4,
  hostAddress,
  hostCapacity,
  parseIPv4,
  parseSubnet,
  subnetsOverlap,
  type Subnet,
} from "./subnet.js";
import { IPTABLES, NETNS_DIR, cgroup2Root, onPath } from "./system.js";

/**
 * Route type of every host's default route. `unreachable` (default) drops like a blackhole and makes
 * connect()/send() fail at once with EHOSTUNREACH; `blackhole` drops silently and fails with EINVAL.
 */
export type DefaultRoute = "unreachable" | "blackhole";

/** User options for `up`. */
export interface UpOptions {
  /** Cluster name, 1–6 of [a-z0-9] (default `dev`). */
  readonly name?: string;
  /** Number of hosts h1..hN (default 3). */
  readonly hosts?: number;
  /** Private IPv4 subnet (default: the first free 10.213.N.0/24). */
  readonly subnet?: string;
  /** Where data and log dirs go (default /var/tmp/swarm-cluster/<name>). */
  readonly baseDir?: string;
  readonly defaultRoute?: DefaultRoute;
  readonly binaries?: Partial<Binaries>;
}

/** Options with every default filled in. */
export interface ResolvedUpOptions {
  readonly name: string;
  readonly hosts: number;
  readonly subnet: Subnet;
  readonly baseDir: string;
  readonly defaultRoute: DefaultRoute;
  readonly binaries: Binaries;
}

const REPO_ROOT = new URL("../..", import.meta.url).pathname.replace(/\/dist\/$/, "/").replace(/\/$/, "");

/** Binaries of this checkout, overridable by SWARM_CLUSTER_NODE / _SWARMD / _SWARMCTL. */
export function defaultBinaries(): Binaries {
  return {
    node: process.env.SWARM_CLUSTER_NODE ?? process.execPath,
    swarmd: process.env.SWARM_CLUSTER_SWARMD ?? join(REPO_ROOT, "bin", "swarmd.js"),
    swarmctl: process.env.SWARM_CLUSTER_SWARMCTL ?? join(REPO_ROOT, "bin", "swarmctl.js"),
  };
}

/**
 * Resolves options (pure apart from its inputs): `taken` are subnets already used by other clusters or
 * by addresses of the root namespace; an explicit subnet overlapping one of them is refused.
 */
export function resolveUpOptions(options: UpOptions, taken: readonly Subnet[]): ResolvedUpOptions {
  const name = clusterNames(options.name ?? "dev").cluster;
  const hosts = options.hosts ?? 3;
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > MAX_HOSTS) {
    throw new ValidationError("hosts", `${hosts} is not an integer within 1..${MAX_HOSTS}`);
  }
  let subnet: Subnet;
  if (options.subnet !== undefined) {
    subnet = parseSubnet(options.subnet);
    const clash = taken.find((t) => subnetsOverlap(t, subnet));
    if (clash !== undefined) throw new ValidationError("subnet", `${subnet.cidr} overlaps ${clash.cidr}, already in use on this machine`);
  } else {
    const base = parseSubnet(DEFAULT_SUBNET);
    const free = Array.from({ length: 256 }, (_, i) => parseSubnet(`${formatIPv4(base.network + i * 256)}/24`)).find(
      (s) => !taken.some((t) => subnetsOverlap(t, s)),
    );
    if (free === undefined) throw new ValidationError("subnet", "no free 10.213.N.0/24 left: pass --subnet");
    subnet = free;
  }
  if (hosts > hostCapacity(subnet)) {
    throw new ValidationError("hosts", `${hosts} hosts do not fit in ${subnet.cidr} (capacity ${hostCapacity(subnet)})`);
  }
  return {
    name,
    hosts,
    subnet,
    baseDir: options.baseDir ?? join(DATA_ROOT, name),
    defaultRoute: options.defaultRoute ?? "unreachable",
    binaries: { ...defaultBinaries(), ...options.binaries },
  };
}

/** The state a cluster will have once up (pure). */
export function planCluster(opts: ResolvedUpOptions, cgroupRoot: string | undefined): ClusterState {
  const names = clusterNames(opts.name);
  const hosts: HostState[] = Array.from({ length: opts.hosts }, (_, i) => {
    const name = hostName(i + 1);
    return {
      name,
      index: i + 1,
      ip: hostAddress(opts.subnet, i + 1),
      netns: names.netns(name),
      veth: names.veth(name),
      utsPath: join(stateDir(opts.name), "uts", name),
      dataDir: join(opts.baseDir, name, "data"),
      logDir: join(opts.baseDir, name, "logs"),
      cgroupDir: cgroupRoot === undefined ? null : join(cgroupRoot, names.cgroup(name)),
    };
  });
  return {
    version: 1,
    name: opts.name,
    subnet: opts.subnet.cidr,
    bridge: names.bridge,
    bridgeIp: bridgeAddress(opts.subnet),
    baseDir: opts.baseDir,
    createdAt: new Date().toISOString(),
    hosts,
    procs: [],
    faults: [],
    binaries: opts.binaries,
  };
}

const TOOLS: ReadonlyArray<readonly [string, string]> = [
  ["ip", "iproute2"],
  ["iptables", "iptables"],
  ["iptables-restore", "iptables"],
  ["nsenter", "util-linux"],
  ["unshare", "util-linux"],
  ["umount", "mount"],
];

/** Throws naming the Debian packages to install when a tool the harness needs is missing. */
export function requireTools(): void {
  const missing = TOOLS.filter(([tool]) => !onPath(tool));
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map(([, p]) => p))].join(" ");
    throw new SwarmError(
      HarnessErrorCode.MissingTool,
      `swarm-cluster needs ${missing.map(([t]) => t).join(", ")}: apt-get install -y ${pkgs}`,
    );
  }
}

/** IPv4 networks of every address in the root namespace (so a test subnet never shadows a real one). */
export async function rootNamespaceSubnets(): Promise<Subnet[]> {
  const out = await runOk(["ip", "-o", "-4", "addr", "show"]);
  const subnets: Subnet[] = [];
  for (const m of out.matchAll(/inet ([0-9.]+)\/([0-9]+)/g)) {
    const len = Number(m[2]);
    const addr = parseIPv4(m[1] ?? "0.0.0.0");
    const network = addr - (addr % 2 ** (32 - len));
    subnets.push({ network, prefixLength: len, cidr: `${formatIPv4(network)}/${len}` });
  }
  return subnets;
}

/** Runs a command inside a host's network namespace (for `ip`/`iptables` setup, not for user commands). */
export function inNetns(netns: string, argv: readonly string[]): string[] {
  return ["nsenter", `--net=${join(NETNS_DIR, netns)}`, "--", ...argv];
}

async function provisionHost(plan: ClusterState, host: HostState, defaultRoute: DefaultRoute): Promise<void> {
  const prefixLength = plan.subnet.split("/")[1] ?? "24";
  await runOk(["ip", "netns", "add", host.netns]);
  await runOk(["ip", "link", "add", host.veth, "type", "veth", "peer", "name", "eth0", "netns", host.netns]);
  await runOk(["ip", "link", "set", host.veth, "master", plan.bridge, "up"]);
  const n = ["ip", "-n", host.netns];
  await runOk([...n, "link", "set", "lo", "up"]);
  await runOk([...n, "addr", "add", `${host.ip}/${prefixLength}`, "dev", "eth0"]);
  await runOk([...n, "link", "set", "eth0", "up"]);
  await runOk([...n, "route", "add", defaultRoute, "default"]);
  // IPv6 too (when the kernel has it): an address outside the machine fails at once, never leaves.
  if (existsSync("/proc/sys/net/ipv6")) await runOk([...n, "-6", "route", "add", defaultRoute, "default"]);
  await runOk(inNetns(host.netns, ["iptables-restore", "--noflush"]), {
    input: `*filter\n:${FAULT_CHAIN} - [0:0]\n-A INPUT -j ${FAULT_CHAIN}\nCOMMIT\n`,
  });
  writeFileSync(host.utsPath, "");
  await runOk(["unshare", `--uts=${host.utsPath}`, "hostname", host.name]);
  if (host.cgroupDir !== null) mkdirSync(host.cgroupDir, { recursive: true });
  rmSync(join(host.dataDir, ".."), { recursive: true, force: true });
  mkdirSync(host.dataDir, { recursive: true });
  mkdirSync(host.logDir, { recursive: true });
}

/** Creates the kernel objects and directories of a planned cluster. The caller cleans up on failure. */
export async function provision(plan: ClusterState, defaultRoute: DefaultRoute): Promise<void> {
  const names = clusterNames(plan.name);
  mkdirSync(join(stateDir(plan.name), "uts"), { recursive: true });
  await runOk(["ip", "link", "add", plan.bridge, "type", "bridge"]);
  await runOk(["ip", "addr", "add", `${plan.bridgeIp}/${plan.subnet.split("/")[1]}`, "dev", plan.bridge]);
  await runOk(["ip", "link", "set", plan.bridge, "up"]);
  // Docker leaves FORWARD at DROP with br_netfilter on: let bridged traffic between hosts through.
  await runOk([
    ...IPTABLES,
    "-I",
    "FORWARD",
    "-i",
    plan.bridge,
    "-o",
    plan.bridge,
    "-m",
    "comment",
    "--comment",
    names.forwardComment,
    "-j",
    "ACCEPT",
  ]);
  // The first `ip netns add` may set up /run/netns itself (a shared bind mount): do it alone, then the rest in parallel.
  const [first, ...rest] = plan.hosts;
  if (first !== undefined) await provisionHost(plan, first, defaultRoute);
  await Promise.all(rest.map((h) => provisionHost(plan, h, defaultRoute)));
}

/** The cgroup v2 root the harness uses for host cgroups (undefined when the machine has none). */
export function hostCgroupRoot(): string | undefined {
  return cgroup2Root();
}
