/** How swarmctl reaches the local daemon: its root-only unix socket. */
import { credentials } from "@grpc/grpc-js";
import type { Command } from "commander";
import type { ControlClient } from "../gen/swarm/control/Control.js";
import type { DaemonClient } from "../gen/swarm/daemon/Daemon.js";
import type { LogsClient } from "../gen/swarm/logs/Logs.js";
// The CLI loads only the protos it speaks (rpc/services loads each on first use), not the daemon's or
// the manager's modules: every swarmctl call is a fresh process, and importing the daemon graph cost
// ~0.5–1 s per call under load.
import { protos } from "../rpc/services.js";

/** Default socket path (swarmd's default data dir). */
export const DEFAULT_SOCKET = "/var/lib/swarmd/swarmd.sock";

/** The socket chosen by `--socket` on the root command, `$SWARM_SOCKET`, or the default. */
export function socketPath(cmd: Command): string {
  let root = cmd;
  while (root.parent !== null) root = root.parent;
  const opt = root.opts<{ socket?: string }>().socket;
  return opt ?? process.env.SWARM_SOCKET ?? DEFAULT_SOCKET;
}

/** A Daemon client on the local socket. */
export function daemonClient(cmd: Command): DaemonClient {
  return new protos.daemon.Daemon(`unix://${socketPath(cmd)}`, credentials.createInsecure());
}

/** A Control client on the local socket. */
export function controlClient(cmd: Command): ControlClient {
  return new protos.control.Control(`unix://${socketPath(cmd)}`, credentials.createInsecure());
}

/** A Logs client (`service logs`) on the local socket. */
export function logsClient(cmd: Command): LogsClient {
  return new protos.logs.Logs(`unix://${socketPath(cmd)}`, credentials.createInsecure());
}

/** Runs `fn` with a client and always closes it. */
export async function withClient<C extends { close(): void }, T>(client: C, fn: (c: C) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
