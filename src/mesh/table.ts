/**
 * The mesh's backend table: a pure value-level model of services, published ports, backends, dead
 * nodes and draining tasks, compiled into one route per listener. No sockets, no timers.
 *
 * Invariants:
 * - every published port/protocol that needs a listener maps to exactly one route (conflicts are
 *   refused by {@link assertNoPublishedPortConflicts} before a service is stored);
 * - a route's `eligible` list never holds a backend of a dead node or of a draining task, so such a
 *   backend gets no new connection from the moment the verdict is recorded;
 * - the table holds only data given to it: it keeps its last state when its feed goes away.
 */
import { isIP } from "node:net";
import { ValidationError } from "../lib/errors.js";
import { assertNoPublishedPortConflicts } from "../spec/port-conflicts.js";
import type { Backend, BalanceStrategy, Protocol, PublishedPort, ServiceRoutes } from "./types.js";

/** A backend as a route uses it: where to connect for this published port. */
export interface RouteBackend {
  readonly id: string;
  readonly taskId: string;
  readonly nodeId: string;
  readonly serviceId: string;
  readonly addr: string;
  readonly port: number;
}

/** Everything a listener needs: the port's settings and the backends eligible for new connections. */
export interface Route {
  /** `tcp/8080`. */
  readonly key: string;
  readonly serviceId: string;
  readonly port: PublishedPort;
  readonly strategy: BalanceStrategy;
  readonly eligible: readonly RouteBackend[];
  /** Every backend of the port, eligible or not (for metrics and flow re-checks). */
  readonly all: readonly RouteBackend[];
  /** Nodes gossip declared dead (shared by all routes). */
  readonly deadNodes: ReadonlySet<string>;
}

/** The key of a listener. */
export function routeKey(protocol: Protocol, published: number): string {
  return `${protocol}/${published}`;
}

/** Pure backend table; see the module comment. */
export class BackendTable {
  private readonly services = new Map<string, ServiceRoutes>();
  private readonly deadNodes = new Set<string>();
  private readonly draining = new Set<string>();
  private compiled: Map<string, Route> | undefined;

  /** `localNodeId` selects the backends `mode=host` ports may use; without it host ports get none. */
  constructor(readonly localNodeId?: string) {}

  /** The routes of a service, if known. */
  service(serviceId: string): ServiceRoutes | undefined {
    return this.services.get(serviceId);
  }

  /** Validates and stores a service's routes, replacing its previous ones. Throws on bad input or port clash. */
  setService(serviceId: string, routes: ServiceRoutes): void {
    validateServiceRoutes(serviceId, routes);
    assertNoPublishedPortConflicts(
      [...this.services].map(([id, r]) => ({ serviceId: id, ports: r.ports })),
      { serviceId, ports: routes.ports },
    );
    this.services.set(serviceId, routes);
    this.compiled = undefined;
  }

  /** Forgets a service; returns whether it was known. */
  removeService(serviceId: string): boolean {
    const had = this.services.delete(serviceId);
    if (had) this.compiled = undefined;
    return had;
  }

  /** Gossip verdict: the node's backends get no new connections. */
  markNodeDead(nodeId: string): void {
    if (!this.deadNodes.has(nodeId)) {
      this.deadNodes.add(nodeId);
      this.compiled = undefined;
    }
  }

  /** Gossip verdict: the node is back. */
  markNodeAlive(nodeId: string): void {
    if (this.deadNodes.delete(nodeId)) this.compiled = undefined;
  }

  /** Whether gossip declared the node dead. */
  isNodeDead(nodeId: string): boolean {
    return this.deadNodes.has(nodeId);
  }

  /** Stops routing new connections to the task (before it is sent SIGTERM). */
  startDrain(taskId: string): void {
    if (!this.draining.has(taskId)) {
      this.draining.add(taskId);
      this.compiled = undefined;
    }
  }

  /** Whether the task is being drained. */
  isDraining(taskId: string): boolean {
    return this.draining.has(taskId);
  }

  /** All routes, one per listener, compiled once per change. */
  routes(): ReadonlyMap<string, Route> {
    this.compiled ??= this.compile();
    return this.compiled;
  }

  private compile(): Map<string, Route> {
    const out = new Map<string, Route>();
    // Drain marks of tasks no service mentions any more are dropped here: the task is gone.
    const liveTasks = new Set<string>();
    const deadNodes: ReadonlySet<string> = new Set(this.deadNodes);
    for (const [serviceId, routes] of this.services) {
      for (const b of routes.backends) liveTasks.add(b.taskId);
      for (const port of routes.ports) {
        const all = routes.backends
          .filter((b) => port.mode === "ingress" || b.nodeId === this.localNodeId)
          .map((b) => toRouteBackend(serviceId, port, b));
        if (port.mode === "host" && all.length === 0) continue;
        const eligible = all.filter((b) => !this.deadNodes.has(b.nodeId) && !this.draining.has(b.taskId));
        const key = routeKey(port.protocol, port.published);
        out.set(key, { key, serviceId, port, strategy: routes.balance ?? "round-robin", eligible, all, deadNodes });
      }
    }
    for (const t of this.draining) if (!liveTasks.has(t)) this.draining.delete(t);
    return out;
  }
}

function toRouteBackend(serviceId: string, port: PublishedPort, b: Backend): RouteBackend {
  return { id: b.id, taskId: b.taskId, nodeId: b.nodeId, serviceId, addr: b.addr, port: b.port ?? port.target };
}

const PROTOCOLS: readonly string[] = ["tcp", "udp"];
const MODES: readonly string[] = ["ingress", "host"];
const PROXY_VERSIONS: readonly string[] = ["none", "v1", "v2"];
const STRATEGIES: readonly string[] = ["round-robin", "least-connections"];

function checkPort(field: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ValidationError(field, `${String(value)} is not a port number in 1..65535`);
  }
}

/** Throws a {@link ValidationError} naming the first bad field of a service's routes. */
export function validateServiceRoutes(serviceId: string, routes: ServiceRoutes): void {
  const f = `service[${serviceId}]`;
  if (serviceId.length === 0) throw new ValidationError("serviceId", "must not be empty");
  if (routes.balance !== undefined && !STRATEGIES.includes(routes.balance)) {
    throw new ValidationError(`${f}.balance`, `${String(routes.balance)} is not one of ${STRATEGIES.join(", ")}`);
  }
  routes.ports.forEach((p, i) => {
    const pf = `${f}.ports[${i}]`;
    checkPort(`${pf}.published`, p.published);
    checkPort(`${pf}.target`, p.target);
    if (!PROTOCOLS.includes(p.protocol)) throw new ValidationError(`${pf}.protocol`, `${String(p.protocol)} is not tcp or udp`);
    if (!MODES.includes(p.mode)) throw new ValidationError(`${pf}.mode`, `${String(p.mode)} is not ingress or host`);
    const pp = p.proxyProtocol ?? "none";
    if (!PROXY_VERSIONS.includes(pp)) throw new ValidationError(`${pf}.proxyProtocol`, `${String(pp)} is not none, v1 or v2`);
    if (pp === "v1" && p.protocol === "udp") {
      throw new ValidationError(`${pf}.proxyProtocol`, "v1 describes TCP streams only; use v2 for udp");
    }
  });
  const ids = new Set<string>();
  routes.backends.forEach((b, i) => {
    const bf = `${f}.backends[${i}]`;
    if (b.id.length === 0) throw new ValidationError(`${bf}.id`, "must not be empty");
    if (ids.has(b.id)) throw new ValidationError(`${bf}.id`, `${b.id} appears twice`);
    ids.add(b.id);
    if (isIP(b.addr) === 0) throw new ValidationError(`${bf}.addr`, `${JSON.stringify(b.addr)} is not an IP address`);
    if (b.port !== undefined) checkPort(`${bf}.port`, b.port);
  });
}
