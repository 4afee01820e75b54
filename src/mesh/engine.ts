/**
 * A forwarding engine: the data plane of one process. It holds the compiled routes, the balancing
 * state and the counters, and forwards the TCP connections and UDP datagrams its listeners hand it.
 * The mesh runs one in its own process; the bytes of TCP connections are copied by its native relay
 * processes (native-relay.ts) or, without them, in this process (tcp-forwarder.ts).
 */
import type { Socket as DgramSocket } from "node:dgram";
import type { Socket } from "node:net";
import type { Logger } from "../lib/logger.js";
import { FDS_PER_TCP, MeshLedger, type MeshLimits, type Refusal } from "./limits.js";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";
import { newBalancerState, pickBackend, type BalancerState } from "./balancer.js";
import { MetricsRegistry } from "./metrics.js";
import type { Route, RouteBackend } from "./table.js";
import { NativeRelay } from "./native-relay.js";
import { forwardTcp, nodeTcpPath, type TcpForwardContext } from "./tcp-forwarder.js";
import { UdpRelay } from "./udp-relay.js";
import type { BackendMetrics } from "./types.js";

/** What the caps did (limits.ts): counted descriptors now, and refusals/evictions so far. */
export interface MeshPressure {
  /** Descriptors the mesh's connections and flows hold (TCP counts 2 even when a relay holds them). */
  readonly fdsHeld: number;
  readonly fdBudget: number;
  /** TCP connections reset at accept because a cap was reached. */
  readonly tcpRefused: number;
  /** UDP flows closed to make room for a new one. */
  readonly udpEvicted: number;
  /** UDP datagrams dropped because their source was over its cap or the budget was spent. */
  readonly udpDropped: number;
}

/** Resolved engine settings. */
export interface EngineOptions {
  readonly maxConnectAttempts: number;
  readonly connectTimeoutMs: number;
  readonly udpIdleTimeoutMs: number;
  /** After a failed connect a backend is tried last for this long. */
  readonly failureCooldownMs: number;
  /**
   * Native relay processes (`swarm-runtime relay`) that copy TCP bytes, dealt connections
   * round-robin; 0 (or no built binary) = this process copies them.
   */
  readonly relays: number;
  /** Caps, descriptor budget and the TCP idle timeout (limits.ts). */
  readonly limits: MeshLimits;
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
  /**
   * Backends whose connects failed lately → until when they are tried only if nothing else is left.
   * Each failure in a row doubles the wait (up to {@link MAX_COOLDOWN_FACTOR}× the base): a black-holed
   * backend that gossip has not flagged yet costs one probe connection per period, not one in five.
   */
  private readonly cooling = new Map<string, Cooling>();

  private readonly refusals = { count: 0, loggedAt: -Infinity, loggedCount: 0 };
  private readonly relays: NativeRelay[] = [];
  private relayTurn = 0;
  /** What every listener of this engine holds, against the caps and the descriptor budget. */
  readonly ledger: MeshLedger;

  constructor(private readonly options: EngineOptions) {
    this.ledger = new MeshLedger(options.limits);
    for (let i = 0; i < options.relays; i++) {
      const r = NativeRelay.create(options.logger, RUNTIME_BINARY, options.limits.tcpIdleTimeoutMs);
      if (r === undefined) {
        options.logger.warn({ binary: RUNTIME_BINARY }, "no native relay (swarm-runtime is not built): this process copies TCP bytes");
        break;
      }
      this.relays.push(r);
    }
  }

  /** The native relays' pids while they run. */
  relayPids(): number[] {
    return this.relays.flatMap((r) => r.pid() ?? []);
  }

  /** Starts the native relays now rather than at the first connections. */
  startRelays(): void {
    for (const r of this.relays) r.start();
  }

  /** Installs a new compiled table; takes effect for the next connection at once. */
  setRoutes(routes: ReadonlyMap<string, Route>): void {
    this.routes = routes;
    for (const key of this.balancers.keys()) if (!routes.has(key)) this.balancers.delete(key);
    this.metrics.prune(routes);
    if (this.cooling.size > 0) {
      const live = new Set([...routes.values()].flatMap((r) => r.eligible.map(coolKey)));
      for (const key of this.cooling.keys()) if (!live.has(key)) this.cooling.delete(key);
    }
  }

  /** Forwards an accepted (paused) TCP connection of listener `key`. */
  handleTcp(key: string, client: Socket): void {
    const route = this.routes.get(key);
    if (route === undefined) {
      client.resetAndDestroy();
      return;
    }
    // Refused before anything is opened: no backend socket, no relay hand-over, no counter.
    const source = client.remoteAddress;
    const refusal = source === undefined ? undefined : this.ledger.tcpVerdict(key, source);
    if (source === undefined || refusal !== undefined) {
      client.resetAndDestroy();
      if (refusal !== undefined) this.noteRefusal(key, refusal);
      return;
    }
    this.ledger.add(key, source, FDS_PER_TCP);
    this.clients.add(client);
    client.once("close", () => this.clients.delete(client));
    const ctx: TcpForwardContext = {
      route,
      // Each attempt reads the newest route, so a verdict that lands during a retry is honoured.
      pick: (exclude) => this.pick(this.routes.get(key) ?? route, exclude),
      counters: (b) => this.metrics.of(route, b),
      onConnectFailure: (b) => this.coolDown(b),
      onConnected: (b) => {
        if (this.cooling.size > 0) this.cooling.delete(coolKey(b));
      },
      maxConnectAttempts: this.options.maxConnectAttempts,
      connectTimeoutMs: this.options.connectTimeoutMs,
      logger: this.options.logger,
      onDone: () => this.ledger.remove(key, source, FDS_PER_TCP),
    };
    const relay = this.relays.length === 0 ? undefined : this.relays[this.relayTurn++ % this.relays.length];
    forwardTcp(client, relay?.adopt(client) ?? nodeTcpPath(client, this.options.limits.tcpIdleTimeoutMs), ctx);
  }

  /** What the caps did so far, and the descriptors held now. */
  pressure(): MeshPressure {
    let udpEvicted = 0;
    let udpDropped = 0;
    for (const r of this.udpRelays.values()) {
      udpEvicted += r.pressureCounts.evicted;
      udpDropped += r.pressureCounts.dropped;
    }
    return { fdsHeld: this.ledger.fdsHeld, fdBudget: this.ledger.limits.fdBudget, tcpRefused: this.refusals.count, udpEvicted, udpDropped };
  }

  /** Counts a refused connection; warns at most every {@link REFUSAL_LOG_MS} (a flood must not flood the log). */
  private noteRefusal(key: string, r: Refusal): void {
    const s = this.refusals;
    s.count++;
    const now = this.options.now();
    if (now - s.loggedAt < REFUSAL_LOG_MS) return;
    this.options.logger.warn({ key, cap: r.refused, limit: r.limit, refused: s.count - s.loggedCount, fdsHeld: this.ledger.fdsHeld }, "tcp connections refused at a cap");
    s.loggedAt = now;
    s.loggedCount = s.count;
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
        key,
        ledger: this.ledger,
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
    // The relays first: a socket not yet taken must not close while a relay may still take it.
    // Destroying a client with an error makes nodeTcpPath destroy its backend side too.
    for (const r of this.relays) r.close();
    for (const c of [...this.clients]) c.destroy(new Error("mesh closed"));
  }

  private pick(route: Route, exclude: ReadonlySet<string> | undefined): RouteBackend | undefined {
    let state = this.balancers.get(route.key);
    if (state === undefined) {
      state = newBalancerState();
      this.balancers.set(route.key, state);
    }
    const activeOf = (b: RouteBackend): number => this.metrics.of(route, b).active;
    if (this.cooling.size > 0) {
      // Prefer backends that did not just fail; fall back to them when nothing else is left.
      const now = this.options.now();
      const skip = new Set(exclude);
      for (const b of route.eligible) if ((this.cooling.get(coolKey(b))?.until ?? 0) > now) skip.add(b.id);
      const fresh = pickBackend(route.strategy, route.eligible, state, activeOf, skip);
      if (fresh !== undefined) {
        // A backend whose cooldown ended gets one probe connection; the next ones wait for its verdict.
        const probed = this.cooling.get(coolKey(fresh));
        if (probed !== undefined) {
          probed.until = now + this.options.connectTimeoutMs;
          probed.probing = true;
        }
        return fresh;
      }
    }
    return pickBackend(route.strategy, route.eligible, state, activeOf, exclude);
  }

  private coolDown(b: RouteBackend): void {
    const key = coolKey(b);
    const now = this.options.now();
    const prev = this.cooling.get(key);
    // Connects already under way when the first of them failed are the same failure, not a new one.
    if (prev !== undefined && !prev.probing && prev.until > now) return;
    const failures = (prev?.failures ?? 0) + 1;
    const factor = Math.min(MAX_COOLDOWN_FACTOR, 2 ** (failures - 1));
    this.cooling.set(key, { failures, until: now + this.options.failureCooldownMs * factor, probing: false });
  }
}

/** Why a backend is being avoided. */
interface Cooling {
  /** Failed connect periods in a row. */
  failures: number;
  until: number;
  /** A probe connection is under way (`until` is its timeout). */
  probing: boolean;
}

/** A warning about refused TCP connections is logged at most this often. */
const REFUSAL_LOG_MS = 10_000;

/** A backend failing again and again waits at most this many base cooldowns between probes. */
const MAX_COOLDOWN_FACTOR = 16;

function coolKey(b: RouteBackend): string {
  return `${b.serviceId}|${b.id}`;
}
