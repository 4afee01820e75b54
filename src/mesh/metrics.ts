/** Per-backend counters of one forwarding engine (one process), keyed by listener and backend. */
import type { Route, RouteBackend } from "./table.js";
import type { BackendMetrics, Protocol } from "./types.js";

/** Mutable counters; the forwarders bump them on the hot path. */
export interface BackendCounters {
  readonly serviceId: string;
  readonly backendId: string;
  readonly taskId: string;
  readonly nodeId: string;
  readonly protocol: Protocol;
  readonly published: number;
  active: number;
  total: number;
  bytesIn: number;
  bytesOut: number;
  failures: number;
}

/** The counters of every backend an engine has routed to. */
export class MetricsRegistry {
  private readonly counters = new Map<string, BackendCounters>();

  /** The counters of `backend` behind `route`, created on first use. */
  of(route: Route, backend: RouteBackend): BackendCounters {
    const key = `${route.key}|${backend.serviceId}|${backend.id}`;
    let c = this.counters.get(key);
    if (c === undefined) {
      c = {
        serviceId: backend.serviceId,
        backendId: backend.id,
        taskId: backend.taskId,
        nodeId: backend.nodeId,
        protocol: route.port.protocol,
        published: route.port.published,
        active: 0,
        total: 0,
        bytesIn: 0,
        bytesOut: 0,
        failures: 0,
      };
      this.counters.set(key, c);
    }
    return c;
  }

  /** Drops counters of backends no route has any more and that have nothing open. */
  prune(routes: ReadonlyMap<string, Route>): void {
    const live = new Set<string>();
    for (const r of routes.values()) for (const b of r.all) live.add(`${r.key}|${b.serviceId}|${b.id}`);
    for (const [k, c] of this.counters) if (!live.has(k) && c.active === 0) this.counters.delete(k);
  }

  /** Open connections/flows to backends of the task. */
  activeForTask(taskId: string): number {
    let n = 0;
    for (const c of this.counters.values()) if (c.taskId === taskId) n += c.active;
    return n;
  }

  /** A copy of every counter, by published port, then backend id. */
  list(): BackendMetrics[] {
    return [...this.counters.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) => (a.published !== b.published ? a.published - b.published : a.backendId < b.backendId ? -1 : a.backendId > b.backendId ? 1 : 0));
  }
}
