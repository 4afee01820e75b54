/**
 * The dispatcher's node liveness (leader only): heartbeats mark a node READY; a node silent for
 * `graceMultiplier` heartbeat periods is marked DOWN. Task sessions and assignments come with the
 * service work (issue [6]); this part is what `node ls` needs.
 */
import type { Server } from "@grpc/grpc-js";
import type { ProtoGrpcType } from "../gen/dispatcher.js";
import type { DispatcherHandlers } from "../gen/swarm/dispatcher/Dispatcher.js";
import { unaryHandler } from "../lib/grpc.js";
import { loadProto } from "../lib/proto.js";
import type { Logger } from "../lib/logger.js";
import { errorMessage } from "../lib/errors.js";
import type { Store } from "../store/store.js";
import { requireRole } from "./ca/tls.js";
import { NotLeaderError } from "./leader.js";

/** The loaded dispatcher.proto package. */
export const dispatcherProto = loadProto<ProtoGrpcType>("dispatcher.proto").swarm.dispatcher;

/** Options of {@link NodeMonitor}. */
export interface NodeMonitorOptions {
  readonly store: Store;
  readonly periodMs: () => number;
  /** Missed periods before DOWN (default 3, as Docker's). */
  readonly graceMultiplier?: number;
  /** Whether this manager is the leader, and the leader's API address otherwise. */
  readonly leadership: () => { isLeader: boolean; leaderAddr: string };
  readonly managers: () => string[];
  readonly logger: Logger;
  readonly now?: () => number;
}

/** Tracks heartbeats and marks nodes READY / DOWN in the store. */
export class NodeMonitor {
  private readonly lastSeen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private wasLeader = false;

  constructor(private readonly o: NodeMonitorOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Starts the periodic DOWN check. */
  start(): void {
    this.timer = setInterval(() => void this.check(), Math.max(100, Math.floor(this.o.periodMs() / 2)));
    this.timer.unref();
  }

  /** Stops the check. Safe to call twice. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Records a heartbeat from `nodeId`; marks it READY if it was not. */
  async heartbeat(nodeId: string, addr: string): Promise<void> {
    const { isLeader, leaderAddr } = this.o.leadership();
    if (!isLeader) throw new NotLeaderError(leaderAddr);
    this.lastSeen.set(nodeId, this.now());
    const node = this.o.store.view((tx) => tx.get("node", nodeId));
    if (node === undefined || (node.status?.state === "READY" && node.status.addr === addr)) return;
    await this.o.store.updateWithRetry((tx) => {
      const current = tx.get("node", nodeId);
      if (current === undefined) return;
      const next = structuredClone(current);
      next.status = { state: "READY", message: "", addr };
      tx.update("node", next);
    });
    this.o.logger.info({ nodeId, addr }, "node is ready");
  }

  private async check(): Promise<void> {
    const { isLeader } = this.o.leadership();
    if (!isLeader) {
      this.wasLeader = false;
      return;
    }
    const now = this.now();
    const limit = this.o.periodMs() * (this.o.graceMultiplier ?? 3);
    const nodes = this.o.store.view((tx) => tx.list("node"));
    if (!this.wasLeader) {
      // A new leader gives every node a full grace period before judging it.
      for (const n of nodes) this.lastSeen.set(n.id, now);
      this.wasLeader = true;
      return;
    }
    const late = nodes.filter((n) => n.status?.state !== "DOWN" && now - (this.lastSeen.get(n.id) ?? now) > limit);
    if (late.length === 0) return;
    try {
      await this.o.store.updateWithRetry((tx) => {
        for (const n of late) {
          const current = tx.get("node", n.id);
          if (current === undefined) continue;
          const next = structuredClone(current);
          next.status = { state: "DOWN", message: "heartbeat failure", addr: current.status?.addr ?? "" };
          tx.update("node", next);
        }
      });
      for (const n of late) this.o.logger.warn({ nodeId: n.id, silentMs: now - (this.lastSeen.get(n.id) ?? now) }, "node missed its heartbeats: marked down");
    } catch (err) {
      this.o.logger.warn({ err: errorMessage(err) }, "could not mark nodes down (will retry)");
    }
  }

  /** Handlers of the Dispatcher service. */
  handlers(): DispatcherHandlers {
    return {
      Heartbeat: unaryHandler(async (req, call) => {
        const caller = requireRole(call, ["worker", "manager"]);
        await this.heartbeat(caller.nodeId, req.addr);
        return { periodMs: this.o.periodMs(), managers: this.o.managers() };
      }),
    };
  }

  /** Adds the Dispatcher service to a server. */
  addTo(server: Server): void {
    server.addService(dispatcherProto.Dispatcher.service, this.handlers());
  }
}
