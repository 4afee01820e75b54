/**
 * Pure builder: a task-like container spec (image config + overrides, resources, hostname, network
 * namespace, mounts) → an OCI config.json for swarm-runtime (or runc). No I/O: user names are resolved
 * against /etc/passwd and /etc/group contents the caller read from the rootfs.
 */
import { InvalidContainerSpecError } from "./errors.js";
import type { OciConfig, OciMount, OciNamespace, OciResources } from "./oci.js";

/** The parts of an OCI image config the runtime uses (image `config` object). */
export interface ImageProcessConfig {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly env?: readonly string[];
  readonly workingDir?: string;
  readonly user?: string;
}

/** A bind mount from the host into the container. */
export interface BindMount {
  readonly source: string;
  readonly target: string;
  readonly readonly?: boolean;
}

/** Resource limits in the units services use. */
export interface ContainerResources {
  /** Memory limit in bytes (0/undefined = none). */
  readonly memoryBytes?: number;
  /** CPU limit in billionths of a CPU (Docker's NanoCPUs): 0.2 CPU = 200_000_000. */
  readonly nanoCpus?: number;
  /** Relative CPU weight (cgroup v1 shares, 2..262144). */
  readonly cpuShares?: number;
  /** Maximum number of processes (threads count); 0/undefined = {@link DEFAULT_PIDS_LIMIT}. */
  readonly pidsLimit?: number;
}

/** What the agent knows about a task's container. */
export interface ContainerSpecInput {
  /** Absolute path of the prepared root filesystem (a bind dir or an overlay mountpoint). */
  readonly rootfs: string;
  readonly image?: ImageProcessConfig;
  /** Replaces the image entrypoint (and drops the image cmd, as in Docker). */
  readonly command?: readonly string[];
  /** Replaces the image cmd. */
  readonly args?: readonly string[];
  /** Environment over the image's: NAME=VALUE entries. */
  readonly env?: readonly string[];
  readonly workdir?: string;
  /** "uid", "uid:gid", "name" or "name:group"; overrides the image user. */
  readonly user?: string;
  readonly hostname?: string;
  /** Join this network namespace (e.g. /run/netns/x); omitted = a new, empty one (only lo). */
  readonly netnsPath?: string;
  readonly mounts?: readonly BindMount[];
  readonly resources?: ContainerResources;
  readonly readonlyRootfs?: boolean;
  /** Built-in init as PID 1 (default true). */
  readonly init?: boolean;
  /** Extra linux.cgroupsPath (default: swarm/<id> chosen by the runtime). */
  readonly cgroupsPath?: string;
}

/** /etc/passwd and /etc/group contents of the rootfs, for user names. */
export interface UserDatabase {
  readonly passwd?: string;
  readonly group?: string;
}

/** Docker's default capability set (14). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/**
 * Paths hidden from the container, as Docker does: runc's list plus /proc/interrupts and
 * /sys/devices/virtual/powercap (RAPL energy counters, a side channel on what the host computes).
 */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  "/proc/acpi",
  "/proc/asound",
  "/proc/interrupts",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/devices/virtual/powercap",
  "/sys/firmware",
];

/** Paths made read-only in the container. */
export const DEFAULT_READONLY_PATHS: readonly string[] = [
  "/proc/bus",
  "/proc/fs",
  "/proc/irq",
  "/proc/sys",
  "/proc/sysrq-trigger",
];

/**
 * The pids limit of a task whose spec sets none (design/runtime.md: a fork bomb in one task stops at
 * an eighth of the kernel's usual pid_max of 32768, while thousands of threads still fit).
 */
export const DEFAULT_PIDS_LIMIT = 4096;

const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const CPU_PERIOD_US = 100_000;

/** The standard filesystem mounts of a container. */
export function defaultMounts(): OciMount[] {
  return [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
  ];
}

/** Resolves "uid[:gid]" or names against the rootfs user database. */
export function resolveUser(user: string, db: UserDatabase): { uid: number; gid: number } {
  const [u = "", g] = user.split(":", 2);
  const passwd = parseColonFile(db.passwd ?? "");
  let uid: number;
  let gid: number | undefined;
  if (/^\d+$/.test(u)) {
    uid = Number(u);
    const primary = passwd.find((f) => f[2] === u)?.[3];
    gid = primary !== undefined ? Number(primary) : undefined;
  } else {
    const entry = passwd.find((f) => f[0] === u);
    if (!entry) throw new InvalidContainerSpecError("user", `"${user}": no user "${u}" in the image's /etc/passwd`);
    uid = Number(entry[2]);
    gid = Number(entry[3]);
  }
  if (g !== undefined && g !== "") {
    if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const entry = parseColonFile(db.group ?? "").find((f) => f[0] === g);
      if (!entry) throw new InvalidContainerSpecError("user", `"${user}": no group "${g}" in the image's /etc/group`);
      gid = Number(entry[2]);
    }
  }
  if (!Number.isSafeInteger(uid) || uid < 0 || uid > 0xfffffffe) {
    throw new InvalidContainerSpecError("user", `"${user}": uid ${String(uid)} is out of range`);
  }
  return { uid, gid: gid !== undefined && Number.isSafeInteger(gid) ? gid : 0 };
}

function parseColonFile(text: string): string[][] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.split(":"));
}

/** Merges NAME=VALUE lists; later entries win; keeps first-seen order. */
export function mergeEnv(...lists: readonly (readonly string[] | undefined)[]): string[] {
  const out = new Map<string, string>();
  for (const list of lists) {
    for (const [i, entry] of (list ?? []).entries()) {
      const eq = entry.indexOf("=");
      if (eq <= 0) throw new InvalidContainerSpecError(`env[${String(i)}]`, `"${entry}" is not NAME=VALUE`);
      out.set(entry.slice(0, eq), entry);
    }
  }
  return [...out.values()];
}

/** argv from Docker's rules: command replaces entrypoint and drops cmd; args replace cmd. */
export function resolveArgv(input: Pick<ContainerSpecInput, "image" | "command" | "args">): string[] {
  const entry = input.command ?? input.image?.entrypoint ?? [];
  const cmd = input.args ?? (input.command ? [] : (input.image?.cmd ?? []));
  const argv = [...entry, ...cmd];
  if (argv.length === 0) {
    throw new InvalidContainerSpecError("command", "the image has no entrypoint or cmd and none was given");
  }
  return argv;
}

/** Device cgroup rules: deny everything; the runtime then allows the standard /dev nodes and ptys. */
const DENY_ALL_DEVICES = [{ allow: false, access: "rwm" }] as const;

function resources(r: ContainerResources | undefined): OciResources {
  const out: {
    memory?: { limit: number; swap: number };
    cpu?: { quota?: number; period?: number; shares?: number };
    pids: { limit: number };
    devices: typeof DENY_ALL_DEVICES;
  } = { pids: { limit: DEFAULT_PIDS_LIMIT }, devices: DENY_ALL_DEVICES };
  if (!r) return out;
  if (r.memoryBytes !== undefined && r.memoryBytes !== 0) {
    if (!Number.isSafeInteger(r.memoryBytes) || r.memoryBytes < 4096 * 16) {
      throw new InvalidContainerSpecError("resources.memoryBytes", `${String(r.memoryBytes)} is not an integer ≥ 65536`);
    }
    out.memory = { limit: r.memoryBytes, swap: r.memoryBytes };
  }
  if (r.nanoCpus !== undefined && r.nanoCpus !== 0) {
    if (!Number.isSafeInteger(r.nanoCpus) || r.nanoCpus < 10_000_000) {
      throw new InvalidContainerSpecError("resources.nanoCpus", `${String(r.nanoCpus)} is not an integer ≥ 10000000 (0.01 CPU)`);
    }
    out.cpu = { quota: Math.round((r.nanoCpus * CPU_PERIOD_US) / 1e9), period: CPU_PERIOD_US };
  }
  if (r.cpuShares !== undefined && r.cpuShares !== 0) {
    if (!Number.isSafeInteger(r.cpuShares) || r.cpuShares < 2 || r.cpuShares > 262_144) {
      throw new InvalidContainerSpecError("resources.cpuShares", `${String(r.cpuShares)} is not in [2, 262144]`);
    }
    out.cpu = { ...out.cpu, shares: r.cpuShares };
  }
  if (r.pidsLimit !== undefined && r.pidsLimit !== 0) {
    if (!Number.isSafeInteger(r.pidsLimit) || r.pidsLimit < 1) {
      throw new InvalidContainerSpecError("resources.pidsLimit", `${String(r.pidsLimit)} is not an integer ≥ 1`);
    }
    out.pids = { limit: r.pidsLimit };
  }
  return out;
}

/** Builds config.json for a container. */
export function buildOciConfig(input: ContainerSpecInput, users: UserDatabase = {}): OciConfig {
  if (!input.rootfs.startsWith("/")) {
    throw new InvalidContainerSpecError("rootfs", `"${input.rootfs}" is not an absolute path`);
  }
  const workdir = input.workdir ?? (input.image?.workingDir || "/");
  if (!workdir.startsWith("/")) throw new InvalidContainerSpecError("workdir", `"${workdir}" is not an absolute path`);
  if (input.hostname !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})$/.test(input.hostname)) {
    throw new InvalidContainerSpecError("hostname", `"${input.hostname}" is not a valid host name (1-63 of [A-Za-z0-9.-])`);
  }
  const userSpec = input.user ?? (input.image?.user || "0:0");
  const user = resolveUser(userSpec, users);
  const env = mergeEnv([DEFAULT_PATH], input.hostname ? [`HOSTNAME=${input.hostname}`] : [], input.image?.env, input.env);
  const mounts = [...defaultMounts()];
  for (const [i, m] of (input.mounts ?? []).entries()) {
    if (!m.source.startsWith("/") || !m.target.startsWith("/")) {
      throw new InvalidContainerSpecError(`mounts[${String(i)}]`, `source "${m.source}" and target "${m.target}" must be absolute`);
    }
    mounts.push({ destination: m.target, type: "bind", source: m.source, options: ["rbind", m.readonly ? "ro" : "rw"] });
  }
  const namespaces: OciNamespace[] = [
    { type: "pid" },
    input.netnsPath ? { type: "network", path: input.netnsPath } : { type: "network" },
    { type: "ipc" },
    { type: "uts" },
    { type: "mount" },
    { type: "cgroup" },
  ];
  const res = resources(input.resources);
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user,
      args: resolveArgv(input),
      env,
      cwd: workdir,
      capabilities: {
        bounding: DEFAULT_CAPABILITIES,
        effective: DEFAULT_CAPABILITIES,
        permitted: DEFAULT_CAPABILITIES,
      },
      noNewPrivileges: true,
    },
    root: { path: input.rootfs, readonly: input.readonlyRootfs ?? false },
    ...(input.hostname ? { hostname: input.hostname } : {}),
    mounts,
    linux: {
      namespaces,
      resources: res,
      ...(input.cgroupsPath ? { cgroupsPath: input.cgroupsPath } : {}),
      maskedPaths: DEFAULT_MASKED_PATHS,
      readonlyPaths: DEFAULT_READONLY_PATHS,
    },
    ...(input.init === false ? { annotations: { "org.swarm.init": "false" } } : {}),
  };
}
