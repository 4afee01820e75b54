/**
 * `swarmctl`: the command-line client. One file per command group registers its verbs here.
 */
import { Command, CommanderError } from "commander";
import { errorMessage, SwarmError } from "../lib/errors.js";
import { VERSION } from "../lib/version.js";
import { registerImageCommands } from "./image.js";
import { registerImagePullCommand } from "./image-pull.js";
import { registerNodeCommands } from "./node.js";
import { registerServiceCommands } from "./service.js";
import { registerServiceLogsCommand } from "./service-logs.js";
import { registerSwarmCommands } from "./swarm.js";

/** Builds the command tree (exported for tests that parse without spawning). */
export function buildProgram(): Command {
  const program = new Command("swarmctl")
    .description("Control a swarm cluster: nodes, services, images")
    .version(VERSION, "-v, --version")
    .option("--socket <path>", "the local swarmd socket (default $SWARM_SOCKET or /var/lib/swarmd/swarmd.sock)")
    .showHelpAfterError()
    // As docker: global options (--socket) come before the command; needed for `service create IMAGE CMD -x`.
    .enablePositionalOptions()
    .exitOverride();
  registerSwarmCommands(program);
  registerNodeCommands(program);
  registerServiceCommands(program);
  registerServiceLogsCommand(program);
  registerImageCommands(program);
  registerImagePullCommand(program);
  return program;
}

/** Entry point used by bin/swarmctl.js. */
export async function main(argv: string[]): Promise<void> {
  // `swarmctl node ls | head`: a closed pipe ends the output quietly, as other CLIs do.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    const code = err instanceof SwarmError ? ` (${err.code})` : "";
    process.stderr.write(`Error${code}: ${errorMessage(err)}\n`);
    process.exitCode = 1;
  }
}
