/**
 * Entry point of a mesh worker process: a {@link ForwardingEngine} fed over IPC with the table and
 * with accepted client connections the mesh process hands over. Exits when the mesh goes away: its
 * IPC channel closes (mesh.close(), or the parent died — even by SIGKILL) or its parent pid changes
 * (re-parented to init). It ignores SIGINT, so a Ctrl-C to the terminal's process group lets swarmd
 * stop it in order.
 */
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { createLogger } from "../lib/logger.js";
import { ForwardingEngine } from "./engine.js";
import { BackendTable } from "./table.js";
import type { FromWorker, ToWorker } from "./worker-protocol.js";

function send(m: FromWorker): void {
  process.send?.(m);
}

let engine: ForwardingEngine | undefined;

process.on("message", (m: ToWorker, handle: unknown) => {
  switch (m.type) {
    case "init":
      engine = new ForwardingEngine({ ...m.settings, now: Date.now, logger: createLogger({ level: m.log.level, base: { ...m.log.bindings, pid: process.pid } }) });
      send({ type: "ready" });
      return;
    case "table":
      engine?.setRoutes(BackendTable.fromSnapshot(m.table).routes());
      return;
    case "connection": {
      const socket = handle as Socket | undefined;
      if (socket === undefined) return;
      // A passed socket arrives as a plain net.Socket: restore the mesh's settings before any read
      // completes (half-close needs allowHalfOpen; nothing is forwarded until a backend accepted).
      socket.allowHalfOpen = true;
      socket.pause();
      if (engine === undefined) socket.destroy();
      else engine.handleTcp(m.key, socket);
      return;
    }
    case "query-metrics":
      send({ type: "metrics", id: m.id, metrics: engine?.metricsList() ?? [] });
      return;
    case "query-active":
      send({ type: "active", id: m.id, count: engine?.activeForTask(m.taskId) ?? 0 });
      return;
  }
});
process.on("disconnect", () => process.exit(0));
process.on("SIGINT", () => undefined);
// process.ppid is read once at start; /proc/self/stat has the live parent.
const parentPid = process.ppid;
setInterval(() => {
  if (currentParentPid() !== parentPid) process.exit(0);
}, 1000).unref();

function currentParentPid(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    try {
      process.kill(parentPid, 0);
      return parentPid;
    } catch {
      return 1;
    }
  }
}
