/**
 * The routing mesh: for each published port, a listener on this host that forwards each TCP
 * connection / UDP flow to one backend of the service.
 *
 * Input API (the node agent wires it; the mesh depends on no control-plane component):
 * - {@link Mesh.setService} / {@link Mesh.removeService}: the backend table per service, from the
 *   dispatcher's task state;
 * - {@link Mesh.markNodeDead} / {@link Mesh.markNodeAlive}: gossip verdicts, effective at once;
 * - {@link Mesh.drain}: called before a task gets SIGTERM;
 * - {@link Mesh.follow}: the same updates as a stream; when the stream ends or fails the mesh keeps
 *   serving from its last table (a manager outage does not stop the data plane).
 */
import type { Socket as DgramSocket } from "node:dgram";
import type { Server } from "node:net";
import { availableParallelism } from "node:os";
import { errorMessage, ValidationError } from "../lib/errors.js";
import { componentLogger, silentLogger, type Logger } from "../lib/logger.js";
import { ForwardingEngine, type MeshPressure } from "./engine.js";
import { MeshClosedError } from "./errors.js";
import { resolveMeshLimits, type MeshLimitOptions, type MeshLimits } from "./limits.js";
import { bindUdp, listenTcp } from "./listeners.js";
import { BackendTable, type Route } from "./table.js";
import type { BackendMetrics, DrainResult, MeshUpdate, Protocol, ServiceRoutes } from "./types.js";

/** Options of {@link Mesh}; every field has a default. */
export interface MeshOptions {
  /** Address the listeners bind; default `0.0.0.0` (`::` for dual stack). */
  readonly bindAddress?: string;
  /** This node's id: `mode=host` ports forward only to backends on it. */
  readonly localNodeId?: string;
  /**
   * Native relay processes (`swarm-runtime relay`, native/src/relay.c) that copy the bytes of TCP
   * connections: this process accepts each connection, chooses its backend and deals it to a relay
   * round-robin. Default 0 = this process copies the bytes. swarmd uses {@link defaultMeshRelays}.
   * UDP stays in this process.
   */
  readonly relays?: number;
  /** Backends tried per connection before it is refused; default 3. */
  readonly maxConnectAttempts?: number;
  /** Backend connect timeout; default 2000 ms. */
  readonly connectTimeoutMs?: number;
  /** A backend whose connect failed is tried last for this long; default 1000 ms. */
  readonly failureCooldownMs?: number;
  /** A UDP flow with no datagram either way for this long is closed; default 30 s. */
  readonly udpIdleTimeoutMs?: number;
  /** How often {@link Mesh.drain} re-counts open connections; default 20 ms. */
  readonly drainPollMs?: number;
  /** Caps per port and per source IP, descriptor budget, TCP idle timeout (limits.ts). */
  readonly limits?: MeshLimitOptions;
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** {@link MeshOptions} with defaults applied. */
export interface ResolvedMeshOptions {
  readonly bindAddress: string;
  readonly localNodeId: string | undefined;
  readonly relays: number;
  readonly maxConnectAttempts: number;
  readonly connectTimeoutMs: number;
  readonly failureCooldownMs: number;
  readonly udpIdleTimeoutMs: number;
  readonly drainPollMs: number;
  readonly limits: MeshLimits;
  readonly now: () => number;
  readonly logger: Logger;
}

/**
 * swarmd's relay count: one per core (design/mesh.md, Process layout) — on the 2-core box two relays
 * halved the added p99 of one (bench:mesh).
 */
export function defaultMeshRelays(cores = availableParallelism()): number {
  return Math.max(1, Math.min(MAX_MESH_RELAYS, cores));
}

/** The most relay processes a mesh runs. */
export const MAX_MESH_RELAYS = 64;

/** Applies defaults. */
export function resolveMeshOptions(o: MeshOptions = {}): ResolvedMeshOptions {
  return {
    bindAddress: o.bindAddress ?? "0.0.0.0",
    localNodeId: o.localNodeId,
    relays: o.relays ?? 0,
    maxConnectAttempts: o.maxConnectAttempts ?? 3,
    connectTimeoutMs: o.connectTimeoutMs ?? 2000,
    failureCooldownMs: o.failureCooldownMs ?? 1000,
    udpIdleTimeoutMs: o.udpIdleTimeoutMs ?? 30_000,
    drainPollMs: o.drainPollMs ?? 20,
    limits: resolveMeshLimits(o.limits),
    now: o.now ?? Date.now,
    logger: componentLogger(o.logger ?? silentLogger(), "mesh"),
  };
}

/** A bound listener. */
export interface ListenerInfo {
  readonly protocol: Protocol;
  readonly published: number;
  readonly address: string;
  readonly serviceId: string;
}

/** How a followed feed ended. */
export type FeedEnd =
  | { readonly reason: "ended"; readonly applied: number; readonly rejected: number }
  | { readonly reason: "failed"; readonly applied: number; readonly rejected: number; readonly error: unknown };

/** Where the mesh's table comes from right now. */
export type FeedState = "none" | "following" | "lost";

type Listener =
  | { readonly protocol: "tcp"; readonly key: string; readonly server: Server }
  | { readonly protocol: "udp"; readonly key: string; readonly socket: DgramSocket };

/** See the module comment. */
export class Mesh {
  /** Resolved options. */
  readonly options: ResolvedMeshOptions;
  private readonly table: BackendTable;
  private readonly engine: ForwardingEngine;
  private readonly listeners = new Map<string, Listener>();
  private queue: Promise<unknown> = Promise.resolve();
  private closing: Promise<void> | undefined;
  private feed: FeedState = "none";

  constructor(options: MeshOptions = {}) {
    this.options = resolveMeshOptions(options);
    this.table = new BackendTable(this.options.localNodeId);
    const { relays } = this.options;
    if (!Number.isInteger(relays) || relays < 0 || relays > MAX_MESH_RELAYS) {
      throw new ValidationError("relays", `${String(relays)} is not a whole number in 0..${MAX_MESH_RELAYS}`);
    }
    this.engine = new ForwardingEngine({
      maxConnectAttempts: this.options.maxConnectAttempts,
      connectTimeoutMs: this.options.connectTimeoutMs,
      failureCooldownMs: this.options.failureCooldownMs,
      udpIdleTimeoutMs: this.options.udpIdleTimeoutMs,
      relays: this.options.relays,
      limits: this.options.limits,
      now: this.options.now,
      logger: this.options.logger,
    });
  }

  /**
   * Sets a service's ports and backends (replacing earlier ones) and binds its ports. Rejects with a
   * ValidationError, a PublishedPortConflictError, or a PortInUseError; on rejection the service's
   * previous routes stay in force.
   */
  setService(serviceId: string, routes: ServiceRoutes): Promise<void> {
    return this.serialized("setService", async () => {
      const previous = this.table.service(serviceId);
      this.table.setService(serviceId, routes);
      try {
        await this.reconcile();
      } catch (err) {
        if (previous === undefined) this.table.removeService(serviceId);
        else this.table.setService(serviceId, previous);
        await this.reconcile();
        throw err;
      }
    });
  }

  /** Forgets a service and closes its listeners. */
  removeService(serviceId: string): Promise<void> {
    return this.serialized("removeService", async () => {
      if (this.table.removeService(serviceId)) await this.reconcile();
    });
  }

  /** Gossip verdict: no new connection goes to the node's backends from now on. */
  markNodeDead(nodeId: string): void {
    this.table.markNodeDead(nodeId);
    this.publishRoutes();
  }

  /** Gossip verdict: the node's backends are eligible again. */
  markNodeAlive(nodeId: string): void {
    this.table.markNodeAlive(nodeId);
    this.publishRoutes();
  }

  /**
   * Stops routing new connections to the task at once, then resolves when its open connections
   * and flows are closed or `timeoutMs` passed, whichever comes first.
   */
  async drain(taskId: string, options: { readonly timeoutMs: number }): Promise<DrainResult> {
    const start = this.options.now();
    this.table.startDrain(taskId);
    this.publishRoutes();
    for (;;) {
      const remaining = await this.activeForTask(taskId);
      const waitedMs = this.options.now() - start;
      if (remaining === 0) return { taskId, drained: true, remaining, waitedMs };
      if (waitedMs >= options.timeoutMs) {
        this.options.logger.warn({ taskId, remaining, waitedMs }, "drain timed out with connections open");
        return { taskId, drained: false, remaining, waitedMs };
      }
      await new Promise((r) => setTimeout(r, Math.min(this.options.drainPollMs, Math.max(1, options.timeoutMs - waitedMs))));
    }
  }

  /**
   * Applies a stream of updates until it ends or fails. A rejected update (bad spec, port in use)
   * is logged and skipped. Whatever happens to the feed, the mesh keeps its last table and serves.
   */
  async follow(feed: AsyncIterable<MeshUpdate>): Promise<FeedEnd> {
    let applied = 0;
    let rejected = 0;
    this.feed = "following";
    try {
      for await (const u of feed) {
        try {
          await this.apply(u);
          applied++;
        } catch (err) {
          rejected++;
          this.options.logger.warn({ update: u.type, err: errorMessage(err) }, "mesh update rejected");
        }
      }
      this.feed = "lost";
      this.options.logger.warn({ applied }, "mesh feed ended; serving from the last backend table");
      return { reason: "ended", applied, rejected };
    } catch (error) {
      this.feed = "lost";
      this.options.logger.warn({ err: errorMessage(error) }, "mesh feed failed; serving from the last backend table");
      return { reason: "failed", applied, rejected, error };
    }
  }

  /** Applies one update. */
  apply(u: MeshUpdate): Promise<void> {
    switch (u.type) {
      case "set-service":
        return this.setService(u.serviceId, u.routes);
      case "remove-service":
        return this.removeService(u.serviceId);
      case "node-dead":
        this.markNodeDead(u.nodeId);
        return Promise.resolve();
      case "node-alive":
        this.markNodeAlive(u.nodeId);
        return Promise.resolve();
    }
  }

  /** Whether the table is being fed, or was and the feed is gone. */
  get feedState(): FeedState {
    return this.feed;
  }

  /** The bound listeners. */
  listening(): ListenerInfo[] {
    const routes = this.table.routes();
    return [...this.listeners.values()].map((l) => {
      const r = routes.get(l.key);
      return {
        protocol: l.protocol,
        published: r?.port.published ?? 0,
        address: this.options.bindAddress,
        serviceId: r?.serviceId ?? "",
      };
    });
  }

  /** Per-backend counters (the relays report to this process: one set covers them all). */
  metrics(): Promise<BackendMetrics[]> {
    return Promise.resolve(this.engine.metricsList());
  }

  /** Descriptors held against the budget, and what the caps refused or evicted so far. */
  pressure(): MeshPressure {
    return this.engine.pressure();
  }

  /** The native relays' pids while they run. */
  relayPids(): number[] {
    return this.engine.relayPids();
  }

  /** Open connections and flows to the task's backends. */
  activeForTask(taskId: string): Promise<number> {
    return Promise.resolve(this.engine.activeForTask(taskId));
  }

  /** Closes listeners, open connections and the relays. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= this.serialized("close", () => {
      for (const l of [...this.listeners.values()]) this.closeListener(l);
      this.engine.close();
      return Promise.resolve();
    }, true);
    return this.closing;
  }

  private serialized<T>(operation: string, fn: () => Promise<T>, allowWhenClosing = false): Promise<T> {
    if (this.closing !== undefined && !allowWhenClosing) return Promise.reject(new MeshClosedError(operation));
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private publishRoutes(): ReadonlyMap<string, Route> {
    const routes = this.table.routes();
    this.engine.setRoutes(routes);
    return routes;
  }

  /** Brings the bound listeners in line with the table; binds new ports before closing old ones. */
  private async reconcile(): Promise<void> {
    const routes = this.publishRoutes();
    for (const [key, route] of routes) {
      if (this.listeners.has(key)) continue;
      const { protocol, published } = route.port;
      if (protocol === "tcp") {
        const server = await listenTcp(this.options.bindAddress, published);
        this.engine.startRelays(); // a relay's spawn is not on a connection's path
        server.on("connection", (socket) => this.engine.handleTcp(key, socket));
        this.listeners.set(key, { protocol, key, server });
      } else {
        const socket = await bindUdp(this.options.bindAddress, published);
        this.engine.attachUdp(key, socket);
        this.listeners.set(key, { protocol, key, socket });
      }
      this.options.logger.info({ key, service: route.serviceId }, "listening");
    }
    for (const l of [...this.listeners.values()]) if (!routes.has(l.key)) this.closeListener(l);
  }

  private closeListener(l: Listener): void {
    this.listeners.delete(l.key);
    if (l.protocol === "tcp") {
      l.server.close();
    } else {
      this.engine.detachUdp(l.key);
    }
  }
}
