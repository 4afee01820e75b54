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

/** Builds the daemon's command line (exported for tests). */
export function buildProgram(): Command {
  return new Command("swarmd")
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
