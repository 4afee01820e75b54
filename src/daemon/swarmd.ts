/**
 * `swarmd`: the per-host daemon. Every node is a worker; some are also managers. It serves a
 * root-only unix socket for `swarmctl` and, on managers, the cluster port (default 2377; Raft on 2378).
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { join } from "node:path";
import { errorMessage } from "../lib/errors.js";
import { createLogger } from "../lib/logger.js";
import { VERSION } from "../lib/version.js";
import { parseInsecureRegistries } from "../image/distribution/registries.js";
import { parseDurationMs } from "../spec/units.js";
import type { MeshLimitOptions } from "../mesh/limits.js";
import { defaultMeshRelays, MAX_MESH_RELAYS } from "../mesh/mesh.js";
import { Daemon } from "./daemon.js";
import { checkHost, preflightMessage } from "./preflight.js";
import { resolveSocketGroup } from "./socket-access.js";
import { restrictUmask } from "./state.js";

/** `--mesh-relays`: a whole number 0..MAX_MESH_RELAYS. */
function parseMeshRelays(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > MAX_MESH_RELAYS) throw new InvalidArgumentError(`${v} is not a whole number in 0..${MAX_MESH_RELAYS}`);
  return n;
}

/** A whole number ≥ `min` (commander argument parser). */
function wholeNumber(min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${v} is not a whole number ≥ ${min}`);
    return n;
  };
}

/** A duration such as "15m" or "900s", in ms, at least 1 ms (commander argument parser). */
function positiveDurationMs(v: string): number {
  let ms: number;
  try {
    ms = parseDurationMs("duration", v);
  } catch (err) {
    throw new InvalidArgumentError(errorMessage(err));
  }
  if (ms < 1) throw new InvalidArgumentError(`${v} is not a duration of at least 1ms`);
  return ms;
}

/**
 * The routing mesh's limits (src/mesh/limits.ts, design/mesh.md "Limits"): flag, field, help. A flag
 * not given keeps the mesh's default.
 */
const MESH_LIMIT_FLAGS = [
  ["--mesh-fd-budget <n>", "fdBudget", "descriptors the routing mesh may hold (default: RLIMIT_NOFILE minus a quarter, at least 1024, kept for the control plane)", wholeNumber(0)],
  ["--mesh-tcp-per-port <n>", "tcpPerPort", "open TCP connections per published port (default 4096)", wholeNumber(1)],
  ["--mesh-tcp-per-source <n>", "tcpPerSource", "open TCP connections per client IP and port (default 512)", wholeNumber(1)],
  ["--mesh-udp-per-port <n>", "udpPerPort", "UDP flows per published port; at the cap the least recently used goes (default 4096)", wholeNumber(1)],
  ["--mesh-udp-per-source <n>", "udpPerSource", "UDP flows per client IP and port; beyond it new flows are dropped (default 256)", wholeNumber(1)],
  ["--mesh-tcp-idle-timeout <duration>", "tcpIdleTimeoutMs", "reset a TCP connection through the mesh after this long without a byte (default 15m)", positiveDurationMs],
] as const;

/** The `--mesh-*` limit flags that were given, as mesh limit options. */
export function meshLimitsFromOpts(opts: Readonly<Record<string, unknown>>): MeshLimitOptions {
  const limits: Record<string, number> = {};
  for (const [flag, field] of MESH_LIMIT_FLAGS) {
    const key = flag.slice(2, flag.indexOf(" ")).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const v = opts[key];
    if (typeof v === "number") limits[field] = v;
  }
  return limits;
}

/** Builds the daemon's command line (exported for tests). */
export function buildProgram(): Command {
  const program = new Command("swarmd")
    .description("The swarm daemon: runs on every host (worker), and on managers the control plane")
    .version(VERSION, "-v, --version")
    .option("--data-dir <dir>", "state directory (identity, certificates, Raft log, images)", "/var/lib/swarmd")
    .option("--socket <path>", "local control socket (default: <data-dir>/swarmd.sock)")
    .option("--socket-group <name>", "a group whose members may use the local socket too (socket 0660 root:<name>; default: root only)")
    .option("--listen-addr <addr>", "cluster port listen address for init/join", "0.0.0.0:2377")
    .option("--advertise-addr <addr>", "address other nodes reach this one at (host or host:port)", "")
    .option("--force-new-cluster", "restart this manager as the only manager of a new cluster, keeping its state (after quorum was lost for good)", false)
    .option("--insecure-registry <host[:port]>", "pull from this registry over plain http (repeatable; a registry on a test host)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option("--mesh-relays <n>", "routing mesh native relay processes that copy proxied TCP bytes (default: one per core; 0 = in the daemon's process)", parseMeshRelays, defaultMeshRelays())
    .option("--join-voter-timeout <duration>", "how long `swarmctl join` as a manager waits until the leader made this node a Raft voter; the join goes on after it", "30s")
    .option("--log-level <level>", "trace|debug|info|warn|error|silent", process.env.SWARM_LOG_LEVEL ?? "info")
    .showHelpAfterError()
    .exitOverride();
  for (const [flag, , help, parse] of MESH_LIMIT_FLAGS) program.option(flag, help, parse);
  return program;
}

/** Entry point used by bin/swarmd.js. */
export async function main(argv: string[]): Promise<void> {
  // Before any file exists: the data dir (keys, Raft log, tokens) is owner-only from creation.
  restrictUmask();
  const program = buildProgram();
  try {
    program.parse(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    throw err;
  }
  const opts = program.opts<{ dataDir: string; socket?: string; socketGroup?: string; listenAddr: string; advertiseAddr: string; logLevel: string; forceNewCluster: boolean; insecureRegistry: string[]; meshRelays: number; joinVoterTimeout: string }>();
  const logger = createLogger({ level: opts.logLevel, base: { pid: process.pid } });
  const problems = checkHost();
  if (problems.length > 0) {
    const message = preflightMessage(problems);
    logger.fatal({ problems }, "swarmd could not start: this host cannot run containers");
    process.stderr.write(`swarmd: ${message}\n`);
    process.exitCode = 1;
    return;
  }
  let daemon: Daemon;
  try {
    daemon = await Daemon.start({
      ...(opts.socketGroup === undefined ? {} : { socketGid: resolveSocketGroup(opts.socketGroup) }),
      registries: { insecure: parseInsecureRegistries(opts.insecureRegistry) },
      dataDir: opts.dataDir,
      socketPath: opts.socket ?? join(opts.dataDir, "swarmd.sock"),
      listenAddr: opts.listenAddr,
      advertiseAddr: opts.advertiseAddr,
      forceNewCluster: opts.forceNewCluster,
      meshRelays: opts.meshRelays,
      meshLimits: meshLimitsFromOpts(program.opts()),
      promotionWaitMs: parseDurationMs("--join-voter-timeout", opts.joinVoterTimeout),
      logger,
    });
  } catch (err) {
    logger.fatal({ err: errorMessage(err) }, "swarmd could not start");
    process.stderr.write(`swarmd: ${errorMessage(err)}\n`);
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: errorMessage(err) }, "error while stopping");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
