/**
 * Test harness for the reconcilers: a real Store over a LocalProposer with a deterministic clock, the
 * leader components, and a simulated fleet of agents that moves tasks the way the dispatcher writes
 * agents' reports (ASSIGNED → READY while desired READY, → RUNNING (or FAILED for a broken image) when
 * desired RUNNING; stop wanted → SHUTDOWN; nothing from DOWN nodes).
 */
import { normalizeServiceSpec } from "../../../spec/defaults.js";
import type { Node__Output } from "../../../gen/swarm/api/Node.js";
import type { Service__Output } from "../../../gen/swarm/api/Service.js";
import type { ServiceSpec, ServiceSpec__Output } from "../../../gen/swarm/api/ServiceSpec.js";
import type { Task__Output } from "../../../gen/swarm/api/Task.js";
import { silentLogger } from "../../../lib/logger.js";
import { makeService } from "../../../store/objects.js";
import { LocalProposer, Store } from "../../../store/store.js";
import { testNode, type TestNodeOptions } from "../../scheduler/testing/fixtures.js";
import { leaderReconcilers } from "../../leader-components.js";
import { isDead, nodeLost, wantedRunning } from "../tasks.js";

/** A store, a clock and the leader components. */
export class Harness {
  now = 1_700_000_000_000;
  readonly clock = (): number => this.now;
  readonly store: Store;
  components: ReturnType<typeof leaderReconcilers>;
  /** When false the simulated agents do nothing (tests drive task states by hand). */
  agents = true;
  /** Images whose tasks the simulated agents report FAILED instead of RUNNING. */
  readonly broken = new Set<string>();

  constructor(private readonly orphanAfterMs = 0) {
    const proposer = new LocalProposer();
    this.store = new Store({ proposer, now: this.clock });
    proposer.attach(this.store);
    this.components = this.build();
  }

  private build(): ReturnType<typeof leaderReconcilers> {
    return leaderReconcilers(this.store, silentLogger(), { clock: this.clock, orphanAfterMs: this.orphanAfterMs });
  }

  start(): void {
    for (const c of this.components) c.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.components.map((c) => c.stop()));
  }

  /** Stops the components and starts a fresh set (a new leader). */
  async newLeader(): Promise<void> {
    await this.stop();
    this.components = this.build();
    this.start();
  }

  /** Moves the clock and runs every component once. */
  async advance(ms: number): Promise<void> {
    this.now += ms;
    for (const c of this.components) await c.reconcile();
  }

  async addNode(id: string, o: TestNodeOptions = {}): Promise<void> {
    await this.store.update((tx) => tx.create("node", testNode(id, o)));
  }

  async setNode(id: string, change: (n: Node__Output) => void): Promise<void> {
    await this.store.updateWithRetry((tx) => {
      const n = structuredClone(tx.get("node", id)!);
      change(n);
      tx.update("node", n);
    });
  }

  async createService(id: string, spec: ServiceSpec): Promise<void> {
    const normalized = normalizeServiceSpec({ annotations: { name: id }, task: { container: { image: "demo/web:1" } }, ...spec });
    await this.store.update((tx) => tx.create("service", makeService({ id, spec: normalized, specVersion: 1 })));
  }

  async scale(id: string, replicas: number): Promise<void> {
    await this.store.updateWithRetry((tx) => {
      const s = structuredClone(tx.get("service", id)!);
      s.spec!.replicated = { replicas };
      tx.update("service", s);
    });
  }

  /**
   * Changes a service's spec the way the control API does: the old spec becomes the previous one, the
   * spec version moves on and the update state is reset (a new rolling update begins).
   */
  async updateSpec(id: string, change: (spec: ServiceSpec__Output) => void): Promise<void> {
    await this.store.updateWithRetry((tx) => {
      const s = structuredClone(tx.get("service", id)!);
      s.previousSpec = structuredClone(s.spec);
      change(s.spec!);
      s.specVersion = Number(s.specVersion) + 1;
      s.updateStatus = null;
      tx.update("service", s);
    });
  }

  /** The service as stored. */
  service(id: string): Service__Output {
    return this.store.view((tx) => tx.get("service", id))!;
  }

  tasks(serviceId?: string): Task__Output[] {
    return this.store.view((tx) => (serviceId === undefined ? tx.list("task") : tx.tasksOfService(serviceId)));
  }

  /** Tasks of the service wanted and observed RUNNING. */
  running(serviceId: string): Task__Output[] {
    return this.tasks(serviceId).filter((t) => wantedRunning(t) && t.status?.state === "RUNNING");
  }

  /** Running tasks per node id. */
  perNode(serviceId: string): Map<string, number> {
    const m = new Map<string, number>();
    for (const t of this.running(serviceId)) m.set(t.nodeId, (m.get(t.nodeId) ?? 0) + 1);
    return m;
  }

  /** Sets a task's observed state as its agent would report it. */
  async report(taskId: string, state: "RUNNING" | "COMPLETE" | "FAILED" | "SHUTDOWN", err = ""): Promise<void> {
    await this.store.updateWithRetry((tx) => {
      const t = structuredClone(tx.get("task", taskId)!);
      t.status = { ...t.status!, state, err, timestamp: this.now, message: state.toLowerCase() };
      tx.update("task", t);
    });
  }

  /** One round of the simulated agents. */
  async agentRound(): Promise<void> {
    if (!this.agents) return;
    await this.store.updateWithRetry((tx) => {
      const nodes = new Map(tx.list("node").map((n) => [n.id, n] as const));
      for (const t of tx.list("task")) {
        if (t.nodeId === "" || nodeLost(nodes.get(t.nodeId)) || isDead(t)) continue;
        const state = t.status?.state ?? "NEW";
        let next: "READY" | "RUNNING" | "SHUTDOWN" | "FAILED" | undefined;
        if (!wantedRunning(t)) next = "SHUTDOWN";
        else if (state === "ASSIGNED" && t.desiredState === "READY") next = "READY";
        else if ((state === "ASSIGNED" || state === "READY") && t.desiredState === "RUNNING") next = this.broken.has(t.spec?.container?.image ?? "") ? "FAILED" : "RUNNING";
        if (next === undefined) continue;
        const copy = structuredClone(t);
        copy.status = { ...copy.status!, state: next, timestamp: this.now, message: next.toLowerCase(), appliedBy: t.nodeId, err: next === "FAILED" ? "task: non-zero exit (1)" : "" };
        tx.update("task", copy);
      }
    });
  }

  /** Polls (running agent rounds) until `check` returns true; fails with `what` after 5 s. */
  async until(what: string, check: () => boolean): Promise<void> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      await this.agentRound();
      if (check()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
