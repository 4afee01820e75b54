/**
 * How a command runs "inside a host": a tiny sh prologue moves itself into the host's cgroup, then
 * `nsenter` enters the host's network and UTS namespaces and execs the command — same pid all along,
 * so the pid the harness records is the daemon's. The mount namespace stays the root one: data dirs,
 * unix sockets and mounts a daemon makes are visible to the tests and to `cleanup`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { NETNS_DIR } from "./system.js";
import type { HostState } from "./state.js";

// $1 = cgroup dir ("" for none); the rest is the command. exit 125 mirrors `env`'s "could not set up".
const PROLOGUE = 'cg="$1"; shift; if [ -n "$cg" ]; then echo $$ > "$cg/cgroup.procs" || exit 125; fi; exec "$@"';

/** argv that runs `argv` inside `host` (pure). */
export function inHostArgv(host: HostState, argv: readonly string[]): string[] {
  return [
    "sh",
    "-c",
    PROLOGUE,
    "swarm-cluster-launch",
    host.cgroupDir ?? "",
    "nsenter",
    `--net=${NETNS_DIR}/${host.netns}`,
    `--uts=${host.utsPath}`,
    "--",
    ...argv,
  ];
}

/**
 * Environment every command in a host gets (on top of the caller's): who and where it is, and where
 * that host's daemon keeps its socket and image store — hosts share one filesystem, so `swarmctl` in
 * h2 must not find h1's daemon at a default path.
 */
export function hostEnv(cluster: string, host: HostState, extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SWARM_CLUSTER: cluster,
    SWARM_HOST: host.name,
    SWARM_HOST_IP: host.ip,
    SWARM_DATA_DIR: host.dataDir,
    SWARM_SOCKET: join(host.dataDir, "swarmd.sock"),
    SWARM_IMAGE_STORE: join(host.dataDir, "images"),
    HOSTNAME: host.name,
    ...extra,
  };
}

/** Starts `argv` in `host` detached (it outlives the harness process), stdout+stderr appended to `logPath`. */
export function spawnInHost(
  cluster: string,
  host: HostState,
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  logPath: string,
): ChildProcess {
  const fd = openSync(logPath, "a");
  try {
    writeSync(fd, `=== swarm-cluster: ${new Date().toISOString()} start ${JSON.stringify(argv)}\n`);
    const [file, ...args] = inHostArgv(host, argv);
    const child = spawn(file ?? "sh", args, {
      cwd: host.dataDir,
      env: hostEnv(cluster, host, env),
      stdio: ["ignore", fd, fd],
      detached: true,
    });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}
