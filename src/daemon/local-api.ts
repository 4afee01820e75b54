/**
 * The node's local API: a gRPC server on a root-only unix socket for `swarmctl` — the Daemon service
 * (Info/Init/Join/Leave), and the Control and Logs services while this node is a manager (until then
 * their calls answer with a clear error). Who may connect is decided by the socket file's mode
 * (src/daemon/socket-access.ts).
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import type { DaemonHandlers } from "../gen/swarm/daemon/Daemon.js";
import { ErrorCode, SwarmError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { addControlService, localSocket } from "../manager/controlapi/server.js";
import type { LogSubscriberCall } from "../manager/logbroker.js";
import type { Manager } from "../manager/manager.js";
import { failStream } from "../rpc/grpc.js";
import { protos } from "../rpc/services.js";
import { grantSocketGroup } from "./socket-access.js";
import { restrictUmask } from "./state.js";

const NOT_A_MANAGER = "this node is not a swarm manager: run the command on a manager, or `swarmctl init` / `swarmctl join` first";

/** Who may connect besides root. */
export interface LocalApiAccess {
  /** The gid of `--socket-group`: its members may connect too (socket 0660 root:gid). */
  readonly socketGid?: number;
}

/** Serves the local socket at `socketPath`; `manager()` is the node's manager role, if it has one now. */
export async function serveLocalApi(socketPath: string, handlers: DaemonHandlers, manager: () => Manager | undefined, log: Logger, access: LocalApiAccess = {}): Promise<Server> {
  const server = new Server();
  server.addService(protos.daemon.Daemon.service, handlers);
  addControlService(server, managerStoreProxy(manager), localSocket, {
    view: (n) => manager()?.nodeView(n) ?? n,
    pin: async (image) => {
      const pin = manager()?.pinImage;
      if (pin === undefined) throw new SwarmError(ErrorCode.FailedPrecondition, NOT_A_MANAGER);
      return pin(image);
    },
  });
  server.addService(protos.logs.Logs.service, {
    SubscribeLogs: (call: LogSubscriberCall) => {
      const m = manager();
      if (m === undefined) {
        failStream(call, new SwarmError(ErrorCode.FailedPrecondition, "this node is not a swarm manager: run `swarmctl service logs` on a manager"));
        return;
      }
      m.logs.logsHandlers(localSocket).SubscribeLogs(call);
    },
  });
  mkdirSync(dirname(socketPath), { recursive: true, mode: 0o700 });
  if (existsSync(socketPath)) rmSync(socketPath);
  // bind(2) creates the socket file with 0777 & ~umask: under umask 077 it is root-only from its first
  // instant, not after a chmod that a fast local process could race.
  restrictUmask();
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socketPath}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  if (access.socketGid !== undefined) {
    try {
      grantSocketGroup(socketPath, access.socketGid);
    } catch (err) {
      server.forceShutdown();
      throw err;
    }
  }
  log.info({ socket: socketPath, gid: access.socketGid }, "listening on the local socket");
  return server;
}

/** A store stand-in for the socket's Control service that follows the manager role. */
function managerStoreProxy(manager: () => Manager | undefined): Manager["store"] {
  return new Proxy({} as Manager["store"], {
    get: (_t, prop: string | symbol) => {
      const store = manager()?.store;
      if (store === undefined) throw new SwarmError(ErrorCode.FailedPrecondition, NOT_A_MANAGER);
      const value: unknown = Reflect.get(store, prop);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(store) : value;
    },
  });
}
