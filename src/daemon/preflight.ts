/**
 * What swarmd checks before it starts, as dockerd does: a node that joins and shows Ready must be able
 * to run a container. Each missing piece is named with how to fix it; swarmd refuses to start while any
 * is missing (a daemon that accepts tasks it can only fail restarts them forever).
 *
 * The checks read the host through {@link HostProbe}, so the rules are tested without a broken host.
 */
import { accessSync, constants, existsSync, readFileSync, statfsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { HOST_PATH } from "../lib/host-env.js";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";

/** cgroup2's statfs magic (linux/magic.h). */
const CGROUP2_SUPER_MAGIC = 0x63677270;

/** The host as the checks see it. */
export interface HostProbe {
  /** Effective uid. */
  readonly uid: number;
  exists(path: string): boolean;
  /** A file's text, or undefined when it cannot be read. */
  read(path: string): string | undefined;
  /** True when `path` is the root of a cgroup2 mount. */
  isCgroup2(path: string): boolean;
  /** True when `file` is an executable found in the host PATH. */
  onPath(file: string): boolean;
  /** True when `path` is an executable file. */
  executable(path: string): boolean;
}

/** One missing piece: what, and how to fix it. */
export interface PreflightProblem {
  readonly what: string;
  readonly fix: string;
}

/** Host tools the daemon runs, and the Debian package of each. */
const TOOLS: readonly (readonly [string, string])[] = [
  ["ip", "iproute2"],
  ["bridge", "iproute2"],
  ["mount", "mount"],
  ["umount", "mount"],
  ["nsenter", "util-linux"],
];

/** The cgroup v1 controllers the runtime creates task cgroups in. */
const V1_CONTROLLERS = ["pids", "memory", "cpu"] as const;

/** Runs every check; an empty list means the host can run containers. */
export function preflight(host: HostProbe, runtimeBinary: string): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  if (host.uid !== 0) problems.push({ what: `swarmd runs as uid ${host.uid}, not root`, fix: "start swarmd as root: it creates namespaces, cgroups, mounts and network devices" });
  const v2 = host.isCgroup2("/sys/fs/cgroup");
  const v1Missing = V1_CONTROLLERS.filter((c) => !host.exists(`/sys/fs/cgroup/${c}/cgroup.procs`));
  if (!v2 && v1Missing.length > 0) {
    const none = !host.exists("/sys/fs/cgroup") || v1Missing.length === V1_CONTROLLERS.length;
    problems.push({
      what: none
        ? "no cgroup hierarchy at /sys/fs/cgroup (neither cgroup v2 nor the v1 controllers pids, memory, cpu)"
        : `cgroup v1 controllers missing at /sys/fs/cgroup: ${v1Missing.join(", ")}`,
      fix: "mount the cgroup filesystem (systemd does); in a network namespace start swarmd with `nsenter --net=/run/netns/NAME`, not `ip netns exec`, which remounts /sys and hides /sys/fs/cgroup",
    });
  }
  if (!/\boverlay$/m.test(host.read("/proc/filesystems") ?? "")) {
    problems.push({ what: "the kernel has no overlayfs (no 'overlay' in /proc/filesystems)", fix: "load it with `modprobe overlay` (task root filesystems are overlay mounts of the image layers)" });
  }
  if (!host.exists("/proc/self/ns/net")) problems.push({ what: "the kernel has no network namespaces (/proc/self/ns/net)", fix: "use a kernel built with CONFIG_NET_NS" });
  const tools = TOOLS.filter(([t]) => !host.onPath(t));
  if (tools.length > 0) {
    const pkgs = [...new Set(tools.map(([, p]) => p))].join(" ");
    problems.push({ what: `host tools missing: ${tools.map(([t]) => t).join(", ")}`, fix: `apt-get install -y ${pkgs}` });
  }
  if (!host.executable(runtimeBinary)) {
    problems.push({ what: `the container runtime ${runtimeBinary} is missing or not executable`, fix: "build it with `npm run build:native` (make -C native), or reinstall swarm" });
  }
  return problems;
}

/** The real host. */
export function liveHost(): HostProbe {
  const executable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  return {
    uid: process.getuid?.() ?? -1,
    exists: existsSync,
    read: (p) => {
      try {
        return readFileSync(p, "utf8");
      } catch {
        return undefined;
      }
    },
    isCgroup2: (p) => {
      try {
        return statfsSync(p).type === CGROUP2_SUPER_MAGIC;
      } catch {
        return false;
      }
    },
    onPath: (file) => HOST_PATH.split(delimiter).some((dir) => executable(join(dir, file))),
    executable,
  };
}

/** The message swarmd refuses to start with. */
export function preflightMessage(problems: readonly PreflightProblem[]): string {
  return `this host cannot run containers:\n${problems.map((p) => `  - ${p.what}: ${p.fix}`).join("\n")}`;
}

/** Checks the live host with the built runtime binary. */
export function checkHost(): PreflightProblem[] {
  return preflight(liveHost(), RUNTIME_BINARY);
}
