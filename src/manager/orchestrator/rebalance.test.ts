// The rebalancing planner alone (hand-built services and tasks), then with the real reconcilers and
// scheduler in the harness: drain → active, down → ready, a node joining.
import { afterEach, describe, expect, it } from "vitest";
import { normalizeServiceSpec } from "../../spec/defaults.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Service__Output } from "../../gen/swarm/api/Service.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import type { ServiceSpec } from "../../gen/swarm/api/ServiceSpec.js";
import { makeService } from "../../store/objects.js";
import { testNode } from "../scheduler/testing/fixtures.js";
import { buildNodeInfos } from "../scheduler/node-info.js";
import { newTask, REBALANCE_FROM_LABEL, TaskWrites, wantedRunning } from "./tasks.js";
import { planRebalance, rebalanceBlocker, rebalanceEnabled, REBALANCE_UP_LABEL } from "./rebalance.js";
import { Harness } from "./testing/harness.js";

const NOW = 1_000_000;
let ids = 0;

function service(spec: ServiceSpec = {}, o: Partial<Service__Output> = {}): Service__Output {
  const normalized = normalizeServiceSpec({ annotations: { name: "web" }, task: { container: { image: "demo/web:1" } }, replicated: { replicas: 3 }, ...spec });
  return { ...makeService({ id: "web", spec: normalized, specVersion: 1 }), ...o };
}

/** A RUNNING task of `svc` in `slot` on `nodeId`. */
function running(svc: Service__Output, slot: number, nodeId: string, labels: Record<string, string> = {}): Task__Output {
  const t = newTask(svc, { kind: "slot", slot }, `t${++ids}`, NOW - 10_000);
  return { ...t, nodeId, annotations: { ...t.annotations!, labels: { ...t.annotations!.labels, ...labels } }, status: { ...t.status!, state: "RUNNING" } };
}

function plan(svc: Service__Output, tasks: Task__Output[], nodeList: Node__Output[], now = NOW, failedOn?: Set<string>) {
  const writes = new TaskWrites();
  const infos = buildNodeInfos(nodeList, tasks);
  const nodes = new Map(nodeList.map((n) => [n.id, n] as const));
  const result = planRebalance(svc, { tasks, infos, nodes, failedOn, now, newId: () => `new${++ids}`, writes });
  const written = [...writes.tasks.values()];
  return { result, created: written.filter((t) => !tasks.some((x) => x.id === t.id)), changed: (id: string) => writes.tasks.get(id) };
}

const three = [testNode("n1", { hostname: "h1" }), testNode("n2", { hostname: "h2" }), testNode("n3", { hostname: "h3" })];

describe("planRebalance", () => {
  it("stop-first, parallelism 1: moves one replica off the fullest node, says from where, stops the old one", () => {
    const svc = service();
    const tasks = [running(svc, 1, "n1"), running(svc, 2, "n1"), running(svc, 3, "n1")];
    const { result, created, changed } = plan(svc, tasks, three);
    expect(result.moves).toEqual([{ slot: 3, from: "h1", taskId: created[0]?.id }]);
    expect(created).toHaveLength(1);
    expect(created[0]?.slot).toBe(3);
    expect(created[0]?.annotations?.labels[REBALANCE_FROM_LABEL]).toBe("h1");
    expect(created[0]?.status?.message).toBe("rebalanced from h1");
    expect(changed(tasks[2]!.id)?.desiredState).toBe("SHUTDOWN");
  });

  it("parallelism 0 moves all that is needed at once: 3/0/0 → two moves", () => {
    const svc = service({ update: { parallelism: 0 } });
    const tasks = [running(svc, 1, "n1"), running(svc, 2, "n1"), running(svc, 3, "n1")];
    expect(plan(svc, tasks, three).result.moves.map((m) => m.slot)).toEqual([3, 2]);
  });

  it("start-first keeps the old task (the new one is created next to it)", () => {
    const svc = service({ update: { order: "START_FIRST" } });
    const tasks = [running(svc, 1, "n1"), running(svc, 2, "n1"), running(svc, 3, "n1")];
    const { created, changed } = plan(svc, tasks, three);
    expect(created).toHaveLength(1);
    expect(changed(tasks[2]!.id)).toBeUndefined();
  });

  it("a move in flight holds the parallelism until it is up plus the delay", () => {
    const svc = service({ update: { parallelism: 1, delayMs: 10_000 } });
    const base = [running(svc, 1, "n1"), running(svc, 2, "n1"), running(svc, 3, "n1"), running(svc, 4, "n1")];
    const moving = { ...running(svc, 5, "n2", { [REBALANCE_FROM_LABEL]: "h1" }), status: { ...base[0]!.status!, state: "ASSIGNED" as const } };
    expect(plan(svc, [...base, moving], three).result.moves).toEqual([]);
    // Up now: stamped, and the delay starts.
    const up = { ...moving, status: { ...moving.status, state: "RUNNING" as const } };
    const p = plan(svc, [...base, up], three);
    expect(p.result.moves).toEqual([]);
    expect(p.changed(up.id)?.annotations?.labels[REBALANCE_UP_LABEL]).toBe(String(NOW));
    expect(p.result.wakeAt).toBe(NOW + 10_000);
    // After the delay the next move starts.
    const stamped = running(svc, 5, "n2", { [REBALANCE_FROM_LABEL]: "h1", [REBALANCE_UP_LABEL]: String(NOW - 10_000) });
    expect(plan(svc, [...base, stamped], three).result.moves).toHaveLength(1);
  });

  it("stops when counts differ by at most one, and with no target that can take a task", () => {
    const svc = service();
    expect(plan(svc, [running(svc, 1, "n1"), running(svc, 2, "n1"), running(svc, 3, "n2"), running(svc, 4, "n3")], three).result.moves).toEqual([]);
    // n2 and n3 lack the memory the service reserves: nothing to move to.
    const big = service({ task: { container: { image: "x" }, resources: { reservations: { memoryBytes: 6 * 1024 ** 3 } } } });
    const small = [testNode("n1"), testNode("n2", { memoryBytes: 1024 ** 3 }), testNode("n3", { memoryBytes: 1024 ** 3 })];
    const fat = [testNode("n1", { memoryBytes: 64 * 1024 ** 3 }), ...small.slice(1)];
    expect(plan(big, [running(big, 1, "n1"), running(big, 2, "n1"), running(big, 3, "n1")], fat).result.moves).toEqual([]);
    // A node where the service failed recently is no target either.
    expect(plan(svc, [running(svc, 1, "n1"), running(svc, 2, "n1"), running(svc, 3, "n1")], three, NOW, new Set(["n2", "n3"])).result.moves).toEqual([]);
  });

  it("only eligible nodes count: a drained node, or one outside the constraints, is not a target", () => {
    const svc = service({ task: { container: { image: "x" }, placement: { constraints: ["node.hostname!=h3"] } } });
    const nodes = [testNode("n1", { hostname: "h1" }), testNode("n2", { hostname: "h2", availability: "DRAIN" }), testNode("n3", { hostname: "h3" })];
    expect(plan(svc, [running(svc, 1, "n1"), running(svc, 2, "n1"), running(svc, 3, "n1")], nodes).result.moves).toEqual([]);
  });

  it("leaves alone: the opt-out label, updates, older specs, starting tasks, spread preferences, global services", () => {
    const tasks = (s: Service__Output): Task__Output[] => [running(s, 1, "n1"), running(s, 2, "n1"), running(s, 3, "n1")];
    const optOut = service({ annotations: { name: "web", labels: { "com.swarm.rebalance": "false" } } });
    expect(rebalanceBlocker(optOut, tasks(optOut))).toBe("label com.swarm.rebalance=false");
    expect(plan(optOut, tasks(optOut), three).result.moves).toEqual([]);
    const updating = service({}, { updateStatus: { state: "UPDATING", startedAt: 0, completedAt: 0, message: "" } });
    expect(rebalanceBlocker(updating, tasks(updating))).toBe("update in progress");
    const v2 = { ...service({ task: { container: { image: "demo/web:2" } } }), specVersion: 2 };
    expect(rebalanceBlocker(v2, tasks(service()))).toBe("tasks of an older spec");
    const svc = service();
    const starting = [...tasks(svc).slice(0, 2), { ...running(svc, 3, "n1"), status: { ...tasks(svc)[0]!.status!, state: "ASSIGNED" as const } }];
    expect(rebalanceBlocker(svc, starting)).toBe("tasks still starting");
    const spread = service({ task: { container: { image: "x" }, placement: { preferences: [{ spread: { spreadDescriptor: "node.labels.zone" } }] } } });
    expect(rebalanceBlocker(spread, tasks(spread))).toBe("spread preferences");
    const global = service({ replicated: null, global: {} });
    expect(rebalanceBlocker(global, [])).toBe("not a replicated service");
    expect(rebalanceBlocker(svc, tasks(svc))).toBeNull();
  });

  it("the cluster setting: on by default, off when orchestration.rebalance is false", () => {
    expect(rebalanceEnabled(undefined)).toBe(true);
    expect(rebalanceEnabled({ spec: { orchestration: {} } } as never)).toBe(true);
    expect(rebalanceEnabled({ spec: { orchestration: { rebalance: false } } } as never)).toBe(false);
  });
});

let current: Harness | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

function fresh(): Harness {
  current = new Harness();
  return current;
}

const counts = (m: Map<string, number>): number[] => [...m.values()].sort();
/** The service runs on exactly `n` nodes, their counts differ by at most one, and nothing is on its way. */
function evenOver(h: Harness, n: number, serviceId: string): boolean {
  const values = [...h.perNode(serviceId).values()];
  return values.length === n && Math.max(...values) - Math.min(...values) <= 1 && h.tasks(serviceId).filter(wantedRunning).every((t) => t.status?.state === "RUNNING");
}

describe("rebalancing with the reconcilers and the scheduler", () => {
  it("drain a node (its tasks move), set it active again → its share comes back, one move at a time", async () => {
    const h = fresh();
    for (let i = 1; i <= 5; i++) await h.addNode(`n${i}`, { hostname: `h${i}` });
    h.start();
    await h.createService("web", { replicated: { replicas: 10 } });
    await h.until("2 per node", () => h.running("web").length === 10 && evenOver(h, 5, "web"));
    await h.setNode("n5", (n) => (n.spec!.availability = "DRAIN"));
    await h.until("n5 empty, 10 running on 4 nodes", () => h.running("web").length === 10 && !h.perNode("web").has("n5"));
    expect(counts(h.perNode("web"))).toEqual([2, 2, 3, 3]);
    await h.setNode("n5", (n) => (n.spec!.availability = "ACTIVE"));
    await h.until("2 per node again", () => h.running("web").length === 10 && evenOver(h, 5, "web") && h.tasks("web").filter(wantedRunning).length === 10);
    expect(counts(h.perNode("web"))).toEqual([2, 2, 2, 2, 2]);
    const moved = h.running("web").filter((t) => t.nodeId === "n5");
    expect(moved.map((t) => t.annotations?.labels[REBALANCE_FROM_LABEL]).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^h[1-4]$/)]));
    expect(moved.every((t) => /^h[1-4]$/.test(t.annotations?.labels[REBALANCE_FROM_LABEL] ?? ""))).toBe(true);
  });

  it("a node back from Down, and a new node joining, get their share", async () => {
    const h = fresh();
    for (let i = 1; i <= 4; i++) await h.addNode(`n${i}`, { hostname: `h${i}` });
    h.start();
    await h.createService("web", { replicated: { replicas: 8 } });
    await h.until("2 per node", () => h.running("web").length === 8 && evenOver(h, 4, "web"));
    await h.setNode("n4", (n) => (n.status!.state = "DOWN"));
    await h.until("n4's tasks replaced", () => h.running("web").filter((t) => t.nodeId !== "n4").length === 8);
    await h.setNode("n4", (n) => (n.status!.state = "READY"));
    await h.until("2 per node again", () => h.running("web").length === 8 && evenOver(h, 4, "web"));
    await h.addNode("n5", { hostname: "h5" });
    await h.until("spread over 5 nodes", () => h.running("web").length === 8 && evenOver(h, 5, "web"));
    expect(counts(h.perNode("web"))).toEqual([1, 1, 2, 2, 2]);
  });

  it("start-first: the old task runs until the moved one does", async () => {
    const h = fresh();
    await h.addNode("n1", { hostname: "h1" });
    h.start();
    await h.createService("web", { replicated: { replicas: 2 }, update: { order: "START_FIRST", parallelism: 1 } });
    await h.until("2 on n1", () => h.perNode("web").get("n1") === 2);
    h.agents = false;
    await h.addNode("n2", { hostname: "h2" });
    await h.until("a move placed on n2", () => h.tasks("web").some((t) => t.nodeId === "n2" && t.status?.state === "ASSIGNED"));
    await h.advance(1_000);
    expect(h.tasks("web").filter(wantedRunning)).toHaveLength(3); // the old one still wanted
    h.agents = true;
    await h.until("one per node, old one stopped", () => evenOver(h, 2, "web") && h.tasks("web").filter(wantedRunning).length === 2);
  });
});
