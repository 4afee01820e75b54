/**
 * A forwarding engine: the data plane of one process. It holds the compiled routes, the balancing
 * state and the counters, and forwards the TCP connections and UDP datagrams its listeners hand it.
 * The mesh runs one in its own process and, optionally, one per worker process.
 */
import type { Socket as DgramSocket } from "node:dgram";
import type { Socket } from "node:net";
import type { Logger } from "../lib/logger.js";
import { newBalancerState, pickBackend, type BalancerState } from "./balancer.js";
import { MetricsRegistry } from "./metrics.js";
import type { Route, RouteBackend } from "./table.js";
import { forwardTcp, type TcpForwardContext } from "./tcp-forwarder.js";
import { UdpRelay } from "./udp-relay.js";
import type { BackendMetrics } from "./types.js";

/** Resolved engine settings. */
export interface EngineOptions {
  readonly maxConnectAttempts: number;
  readonly connectTimeoutMs: number;
  readonly udpIdleTimeoutMs: number;
  /** After a failed connect a backend is tried last for this long. */
  readonly failureCooldownMs: number;
  readonly now: () => number;
  readonly logger: Logger;
}

/** See the module comment. */
export class ForwardingEngine {
  private routes: ReadonlyMap<string, Route> = new Map();
  private readonly balancers = new Map<string, BalancerState>();
  private readonly metrics = new MetricsRegistry();
  private readonly udpRelays = new Map<string, UdpRelay>();
  private readonly clients = new Set<Socket>();
  /** Backend id → time until which it is tried only if nothing else is left. */
  private readonly coolingUntil = new Map<string, number>();

  constructor(private readonly options: EngineOptions) {}

  /** Installs a new compiled table; takes effect for the next connection at once. */
  setRoutes(routes: ReadonlyMap<string, Route>): void {
    this.routes = routes;
    for (const key of this.balancers.keys()) if (!routes.has(key)) this.balancers.delete(key);
    this.metrics.prune(routes);
  }

  /** Forwards an accepted (paused) TCP connection of listener `key`. */
  handleTcp(key: string, client: Socket): void {
    const route = this.routes.get(key);
    if (route === undefined) {
      client.resetAndDestroy();
      return;
    }
    this.clients.add(client);
    client.once("close", () => this.clients.delete(client));
    const ctx: TcpForwardContext = {
      route,
      // Each attempt reads the newest route, so a verdict that lands during a retry is honoured.
      pick: (exclude) => this.pick(this.routes.get(key) ?? route, exclude),
      counters: (b) => this.metrics.of(route, b),
      onConnectFailure: (b) => this.coolingUntil.set(coolKey(b), this.options.now() + this.options.failureCooldownMs),
      maxConnectAttempts: this.options.maxConnectAttempts,
      connectTimeoutMs: this.options.connectTimeoutMs,
      logger: this.options.logger,
    };
    forwardTcp(client, ctx);
  }

  /** Starts relaying the datagrams of a bound UDP listener socket for listener `key`. */
  attachUdp(key: string, socket: DgramSocket): void {
    this.udpRelays.get(key)?.close();
    this.udpRelays.set(
      key,
      new UdpRelay(socket, {
        route: () => this.routes.get(key),
        pick: (route) => this.pick(route, undefined),
        counters: (route, b) => this.metrics.of(route, b),
        idleTimeoutMs: this.options.udpIdleTimeoutMs,
        now: this.options.now,
        logger: this.options.logger,
      }),
    );
  }

  /** Stops a UDP listener's relay and closes its socket and flows. */
  detachUdp(key: string): void {
    this.udpRelays.get(key)?.close();
    this.udpRelays.delete(key);
  }

  /** Open connections and flows to the task's backends. */
  activeForTask(taskId: string): number {
    return this.metrics.activeForTask(taskId);
  }

  /** A copy of the counters. */
  metricsList(): BackendMetrics[] {
    return this.metrics.list();
  }

  /** Closes every UDP relay and destroys every open TCP connection (both sides). */
  close(): void {
    for (const key of [...this.udpRelays.keys()]) this.detachUdp(key);
    // Destroying with an error makes the relay destroy the backend side too.
    for (const c of [...this.clients]) c.destroy(new Error("mesh closed"));
  }

  private pick(route: Route, exclude: ReadonlySet<string> | undefined): RouteBackend | undefined {
    let state = this.balancers.get(route.key);
    if (state === undefined) {
      state = newBalancerState();
      this.balancers.set(route.key, state);
    }
    const activeOf = (b: RouteBackend): number => this.metrics.of(route, b).active;
    if (this.coolingUntil.size > 0) {
      // Prefer backends that did not just fail; fall back to them when nothing else is left.
      const now = this.options.now();
      const skip = new Set(exclude);
      for (const b of route.eligible) {
        const until = this.coolingUntil.get(coolKey(b));
        if (until === undefined) continue;
        if (until > now) skip.add(b.id);
        else this.coolingUntil.delete(coolKey(b));
      }
      const fresh = pickBackend(route.strategy, route.eligible, state, activeOf, skip);
      if (fresh !== undefined) return fresh;
    }
    return pickBackend(route.strategy, route.eligible, state, activeOf, exclude);
  }
}

function coolKey(b: RouteBackend): string {
  return `${b.serviceId}|${b.id}`;
}
