/**
 * Entry point of a mesh worker process: a {@link ForwardingEngine} fed over IPC with the table and
 * the listening sockets of the parent mesh. It accepts on the same sockets as the parent (the
 * kernel hands each new connection to one of them) and exits when the parent goes away.
 */
import type { Server } from "node:net";
import { silentLogger } from "../lib/logger.js";
import { ForwardingEngine } from "./engine.js";
import { BackendTable } from "./table.js";
import type { FromWorker, ToWorker } from "./worker-protocol.js";

function send(m: FromWorker): void {
  process.send?.(m);
}

let engine: ForwardingEngine | undefined;
const servers = new Map<string, Server>();

process.on("message", (m: ToWorker, handle: unknown) => {
  switch (m.type) {
    case "init":
      engine = new ForwardingEngine({ ...m.settings, now: Date.now, logger: silentLogger() });
      send({ type: "ready" });
      return;
    case "table":
      engine?.setRoutes(BackendTable.fromSnapshot(m.table).routes());
      return;
    case "listen": {
      const server = handle as Server;
      // The handle arrives as a plain net.Server: give it the mesh's accept settings.
      Object.assign(server, { pauseOnConnect: true, allowHalfOpen: true, noDelay: true });
      server.on("connection", (socket) => engine?.handleTcp(m.key, socket));
      servers.set(m.key, server);
      send({ type: "listening", key: m.key });
      return;
    }
    case "unlisten":
      servers.get(m.key)?.close();
      servers.delete(m.key);
      return;
    case "query-metrics":
      send({ type: "metrics", id: m.id, metrics: engine?.metricsList() ?? [] });
      return;
    case "query-active":
      send({ type: "active", id: m.id, count: engine?.activeForTask(m.taskId) ?? 0 });
      return;
  }
});
process.on("disconnect", () => process.exit(0));
