/**
 * Placement during rolling updates and the tie-break among equally empty nodes. A rolling update is
 * simulated against the pure scheduler the way the updater drives it: stop-first (old task desired
 * SHUTDOWN while it drains, replacement desired READY) and start-first (replacement desired RUNNING
 * while the old one still runs), in batches of `parallelism`, old tasks sometimes still draining when
 * the next batch is scheduled. Seeded clusters; replay a failing one with
 * SEED=<n> npx vitest run src/manager/scheduler/rolling.test.ts
 */
import { describe, expect, it } from "vitest";
import { schedule } from "./scheduler.js";
import { testNode, testTask } from "./testing/fixtures.js";
import { matchConstraints, parseConstraints } from "../../spec/constraints.js";
import { newNodeInfo } from "./node-info.js";
import { Prng } from "../../lib/prng.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import type { TaskSpec } from "../../gen/swarm/api/TaskSpec.js";

const GiB = 1024 ** 3;

type Order = "stop-first" | "start-first";

/** A mutable little cluster: tasks change state the way agents and the updater move them. */
class Sim {
  readonly tasks: Task__Output[] = [];
  private next = 0;
  constructor(readonly nodes: Node__Output[]) {}

  /** Runs the scheduler and applies its assignments (ASSIGNED on the chosen node). */
  schedulePass(): void {
    const r = schedule({ nodes: this.nodes, tasks: this.tasks });
    for (const a of r.assignments) {
      const t = this.tasks.find((x) => x.id === a.taskId);
      if (t === undefined) throw new Error(`assignment of unknown task ${a.taskId}`);
      t.nodeId = a.nodeId;
      t.status = { ...t.status!, state: "ASSIGNED" };
    }
  }

  add(serviceId: string, slot: number, spec: TaskSpec, specVersion: number, desired: Task__Output["desiredState"]): Task__Output {
    const t = testTask(`${serviceId}-${this.next++}`, { serviceId, slot, spec, specVersion });
    t.desiredState = desired;
    t.meta = { ...t.meta!, createdAt: this.next };
    this.tasks.push(t);
    return t;
  }

  live(serviceId: string, slot: number): Task__Output | undefined {
    return this.tasks.find((t) => t.serviceId === serviceId && Number(t.slot) === slot && t.desiredState === "RUNNING");
  }

  /** Counts of a service's tasks wanted running, per node id. */
  counts(serviceId: string): Map<string, number> {
    const m = new Map<string, number>();
    for (const t of this.tasks) {
      if (t.serviceId !== serviceId || t.desiredState !== "RUNNING" || t.nodeId === "") continue;
      m.set(t.nodeId, (m.get(t.nodeId) ?? 0) + 1);
    }
    return m;
  }
}

function run(t: Task__Output): void {
  if (t.nodeId === "") throw new Error(`task ${t.id} (slot ${t.slot}) was not placed`);
  t.status = { ...t.status!, state: "RUNNING" };
  t.desiredState = "RUNNING";
}

function stop(t: Task__Output): void {
  t.desiredState = "SHUTDOWN";
  t.status = { ...t.status!, state: "SHUTDOWN" };
}

/**
 * Replaces every slot of `serviceId` with a task of `specVersion`, `parallelism` slots at a time.
 * With `lingering`, the old tasks of a batch are still draining when the next batch is scheduled.
 */
function rollingUpdate(sim: Sim, serviceId: string, replicas: number, spec: TaskSpec, specVersion: number, o: { parallelism: number; order: Order; lingering: boolean }): Map<number, string> {
  const before = new Map<number, string>();
  let draining: Task__Output[] = [];
  const step = o.parallelism <= 0 ? replicas : o.parallelism;
  for (let first = 1; first <= replicas; first += step) {
    const batch: { old: Task__Output; fresh: Task__Output }[] = [];
    for (let slot = first; slot < first + step && slot <= replicas; slot++) {
      const old = sim.live(serviceId, slot);
      if (old === undefined) throw new Error(`slot ${slot} has no live task`);
      before.set(slot, old.nodeId);
      if (o.order === "stop-first") old.desiredState = "SHUTDOWN"; // still RUNNING: it drains
      batch.push({ old, fresh: sim.add(serviceId, slot, spec, specVersion, o.order === "stop-first" ? "READY" : "RUNNING") });
    }
    sim.schedulePass();
    for (const t of draining) stop(t);
    draining = [];
    for (const { old, fresh } of batch) {
      run(fresh);
      if (o.lingering) old.desiredState = "SHUTDOWN";
      else stop(old);
      if (o.lingering) draining.push(old);
    }
  }
  for (const t of draining) stop(t);
  return before;
}

function eligibleNodes(nodes: readonly Node__Output[], spec: TaskSpec): Node__Output[] {
  const constraints = parseConstraints("c", spec.placement?.constraints ?? []);
  return nodes.filter((n) => n.status?.state === "READY" && n.spec?.availability === "ACTIVE" && matchConstraints(constraints, newNodeInfo(n, 0).attributes));
}

function spreadOf(counts: ReadonlyMap<string, number>, eligible: readonly Node__Output[]): number {
  const values = eligible.map((n) => counts.get(n.id) ?? 0);
  return Math.max(...values) - Math.min(...values);
}

describe("rolling update placement (the issue's scenario)", () => {
  for (const order of ["stop-first", "start-first"] as const) {
    it(`${order}: 5 replicas on 5 nodes, parallelism 2 → one per node, each back on its node`, () => {
      const sim = new Sim(Array.from({ length: 5 }, (_, i) => testNode(`h${i + 1}`)));
      const v1: TaskSpec = { container: { image: "demo/web:1" } };
      for (let slot = 1; slot <= 5; slot++) sim.add("web", slot, v1, 1, "RUNNING");
      sim.schedulePass();
      for (const t of sim.tasks) run(t);
      expect([...sim.counts("web").values()]).toEqual([1, 1, 1, 1, 1]);
      const before = rollingUpdate(sim, "web", 5, { container: { image: "demo/web:2" } }, 2, { parallelism: 2, order, lingering: true });
      expect([...sim.counts("web").entries()].sort()).toEqual([["h1", 1], ["h2", 1], ["h3", 1], ["h4", 1], ["h5", 1]]);
      for (let slot = 1; slot <= 5; slot++) expect(sim.live("web", slot)?.nodeId, `slot ${slot}`).toBe(before.get(slot));
    });
  }

  it("10 replicas on 5 nodes stay two per node through an update and a rollback", () => {
    const sim = new Sim(Array.from({ length: 5 }, (_, i) => testNode(`h${i + 1}`)));
    const v1: TaskSpec = { container: { image: "demo/web:1" } };
    for (let slot = 1; slot <= 10; slot++) sim.add("web", slot, v1, 1, "RUNNING");
    sim.schedulePass();
    for (const t of sim.tasks) run(t);
    rollingUpdate(sim, "web", 10, { container: { image: "demo/web:2" } }, 2, { parallelism: 2, order: "stop-first", lingering: true });
    expect([...sim.counts("web").values()]).toEqual([2, 2, 2, 2, 2]);
    rollingUpdate(sim, "web", 10, v1, 3, { parallelism: 3, order: "start-first", lingering: false });
    expect([...sim.counts("web").values()]).toEqual([2, 2, 2, 2, 2]);
  });

  it("a draining task's resources still count: the replacement goes elsewhere while it drains", () => {
    const sim = new Sim([testNode("h1", { memoryBytes: 1 * GiB }), testNode("h2", { memoryBytes: 4 * GiB })]);
    const spec: TaskSpec = { container: { image: "x" }, resources: { reservations: { memoryBytes: GiB } } };
    const old = sim.add("db", 1, spec, 1, "RUNNING");
    old.nodeId = "h1";
    run(old);
    old.desiredState = "SHUTDOWN"; // stop-first: still running, holding its 1 GiB on h1
    const fresh = sim.add("db", 1, spec, 2, "READY");
    sim.schedulePass();
    expect(fresh.nodeId).toBe("h2");
  });
});

const FIXED = process.env.SEED === undefined ? undefined : Number(process.env.SEED);
const SEEDS = FIXED === undefined ? Array.from({ length: process.env.SOAK === "1" ? 2_000 : 60 }, (_, i) => i + 1) : [FIXED];

describe("rolling update placement (seeded random clusters)", () => {
  it.each(SEEDS)("seed %i: per-node counts of the service differ by at most 1 after the update", (seed) => {
    const rnd = new Prng(seed).fn();
    const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
    const nodes = Array.from({ length: int(2, 12) }, (_, i) =>
      testNode(`n${i}`, {
        labels: { zone: rnd() < 0.6 ? "a" : "b" },
        state: rnd() < 0.9 ? "READY" : "DOWN",
        availability: rnd() < 0.9 ? "ACTIVE" : "DRAIN",
      }),
    );
    const sim = new Sim(nodes);
    // Other services load the nodes unevenly: the update must not care.
    for (let i = 0; i < int(0, 15); i++) {
      const t = sim.add(`other${i % 3}`, i + 1, {}, 1, "RUNNING");
      t.nodeId = nodes[int(0, nodes.length - 1)]?.id ?? "";
      run(t);
    }
    const constraints = rnd() < 0.3 ? ["node.labels.zone==a"] : [];
    const v1: TaskSpec = { container: { image: "web:1" }, placement: { constraints } };
    const replicas = int(1, 30);
    for (let slot = 1; slot <= replicas; slot++) sim.add("web", slot, v1, 1, "RUNNING");
    sim.schedulePass();
    const eligible = eligibleNodes(nodes, v1);
    if (eligible.length === 0) return; // nothing can run: no balance to keep (the first pass placed none)
    for (const t of sim.tasks) if (t.serviceId === "web") run(t);
    const ctx = `seed ${seed} (replay: SEED=${seed})`;
    expect(spreadOf(sim.counts("web"), eligible), `${ctx}: after create`).toBeLessThanOrEqual(1);
    const o = { parallelism: int(0, 4), order: rnd() < 0.5 ? ("stop-first" as const) : ("start-first" as const), lingering: rnd() < 0.5 };
    const v2: TaskSpec = { container: { image: "web:2" }, placement: { constraints } };
    rollingUpdate(sim, "web", replicas, v2, 2, o);
    expect(spreadOf(sim.counts("web"), eligible), `${ctx}: after ${o.order} update ×${o.parallelism}`).toBeLessThanOrEqual(1);
    expect([...sim.counts("web").values()].reduce((a, b) => a + b, 0), ctx).toBe(replicas);
  });
});

describe("tie-break among equally empty nodes", () => {
  it("ten 1-replica services, each scheduled alone on 5 empty nodes, do not all start on the first node", () => {
    const nodes = Array.from({ length: 5 }, (_, i) => testNode(`h${i + 1}`));
    const first = Array.from({ length: 10 }, (_, i) => schedule({ nodes, tasks: [testTask(`t${i}`, { serviceId: `svc${i}`, slot: 1 })] }).assignments[0]?.nodeId);
    expect(new Set(first).size, `first choices: ${first.join(" ")}`).toBeGreaterThanOrEqual(3);
    // Deterministic: the same service and slot always start at the same node.
    const again = schedule({ nodes, tasks: [testTask("t0", { serviceId: "svc0", slot: 1 })] }).assignments[0]?.nodeId;
    expect(again).toBe(first[0]);
  });

  it("ten 1-replica services created one after another on 5 nodes → 2 per node", () => {
    const sim = new Sim(Array.from({ length: 5 }, (_, i) => testNode(`h${i + 1}`)));
    for (let i = 0; i < 10; i++) {
      sim.add(`svc${i}`, 1, {}, 1, "RUNNING");
      sim.schedulePass();
    }
    const perNode = new Map<string, number>();
    for (const t of sim.tasks) perNode.set(t.nodeId, (perNode.get(t.nodeId) ?? 0) + 1);
    expect([...perNode.entries()].sort()).toEqual([["h1", 2], ["h2", 2], ["h3", 2], ["h4", 2], ["h5", 2]]);
  });
});
