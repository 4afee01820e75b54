/**
 * `swarmd`: the per-host daemon. Every node is a worker; some are also managers.
 */
import { Command, CommanderError } from "commander";
import { errorMessage } from "../lib/errors.js";
import { VERSION } from "../lib/version.js";

/** Builds the daemon's command line (exported for tests). */
export function buildProgram(): Command {
  return new Command("swarmd")
    .description("The swarm daemon: runs on every host (worker), and on managers the control plane")
    .version(VERSION, "-v, --version")
    .option("--data-dir <dir>", "state directory (identity, certificates, Raft log, images)", "/var/lib/swarmd")
    .showHelpAfterError()
    .exitOverride();
}

/** Entry point used by bin/swarmd.js. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`swarmd: ${errorMessage(err)}\n`);
    process.exitCode = 1;
  }
}
