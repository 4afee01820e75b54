/**
 * Remembers where a service's tasks failed, so the scheduler ranks those nodes last for that service
 * (as SwarmKit does: a node with several failures of the service within a few minutes is avoided
 * while other nodes fit). Pure: the caller passes the time.
 */

/** Failures within this window count. */
export const RECENT_FAILURE_WINDOW_MS = 5 * 60_000;
/** This many failures of a service on a node within the window mark the node. */
export const RECENT_FAILURE_THRESHOLD = 5;

/** Failure timestamps per service and node. */
export class RecentFailures {
  private readonly failures = new Map<string, Map<string, number[]>>();

  constructor(
    private readonly windowMs = RECENT_FAILURE_WINDOW_MS,
    private readonly threshold = RECENT_FAILURE_THRESHOLD,
  ) {}

  /** Records that a task of `serviceId` failed on `nodeId` at `nowMs`. */
  record(serviceId: string, nodeId: string, nowMs: number): void {
    let byNode = this.failures.get(serviceId);
    if (byNode === undefined) this.failures.set(serviceId, (byNode = new Map<string, number[]>()));
    const times = (byNode.get(nodeId) ?? []).filter((t) => nowMs - t < this.windowMs);
    times.push(nowMs);
    byNode.set(nodeId, times);
  }

  /** Nodes marked for each service at `nowMs`, in the shape SchedulerInput.recentFailures takes. */
  snapshot(nowMs: number): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const [serviceId, byNode] of this.failures) {
      for (const [nodeId, times] of byNode) {
        const recent = times.filter((t) => nowMs - t < this.windowMs);
        if (recent.length === 0) byNode.delete(nodeId);
        else byNode.set(nodeId, recent);
        if (recent.length >= this.threshold) {
          let set = out.get(serviceId);
          if (set === undefined) out.set(serviceId, (set = new Set<string>()));
          set.add(nodeId);
        }
      }
      if (byNode.size === 0) this.failures.delete(serviceId);
    }
    return out;
  }

  /** Forgets a service (removed). */
  forgetService(serviceId: string): void {
    this.failures.delete(serviceId);
  }
}
