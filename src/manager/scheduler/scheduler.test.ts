import { describe, expect, it } from "vitest";
import { schedule, type SchedulerResult } from "./scheduler.js";
import { testNode, testTask } from "./testing/fixtures.js";
import type { Node__Output } from "../../gen/swarm/api/Node.js";
import type { Task__Output } from "../../gen/swarm/api/Task.js";
import type { TaskSpec } from "../../gen/swarm/api/TaskSpec.js";

const GiB = 1024 ** 3;

function pending(service: string, n: number, spec?: TaskSpec, extra: Partial<Parameters<typeof testTask>[1]> = {}): Task__Output[] {
  return Array.from({ length: n }, (_, i) => testTask(`${service}-t${i + 1}`, { serviceId: service, slot: i + 1, ...(spec ? { spec } : {}), ...extra }));
}

function perNode(result: SchedulerResult): Map<string, number> {
  const m = new Map<string, number>();
  for (const a of result.assignments) m.set(a.nodeId, (m.get(a.nodeId) ?? 0) + 1);
  return m;
}

function nodes(n: number, f: (i: number) => Parameters<typeof testNode>[1] = () => ({})): Node__Output[] {
  return Array.from({ length: n }, (_, i) => testNode(`n${i + 1}`, f(i + 1)));
}

describe("scheduler: choice of the emptiest node", () => {
  it("spreads 5 replicas over 5 nodes, one each", () => {
    const r = schedule({ nodes: nodes(5), tasks: pending("web", 5) });
    expect(r.unschedulable).toEqual([]);
    expect([...perNode(r).values()]).toEqual([1, 1, 1, 1, 1]);
  });

  it("puts 10 replicas on 5 nodes two by two, then scaling keeps the balance", () => {
    const r = schedule({ nodes: nodes(5), tasks: pending("web", 10) });
    expect([...perNode(r).values()].sort()).toEqual([2, 2, 2, 2, 2]);
  });

  it("prefers nodes with fewer tasks of the service, then fewer tasks in total", () => {
    const running = [
      testTask("a1", { serviceId: "web", nodeId: "n1" }),
      testTask("b1", { serviceId: "db", nodeId: "n2" }),
      testTask("b2", { serviceId: "db", nodeId: "n2" }),
      testTask("b3", { serviceId: "db", nodeId: "n3" }),
    ];
    // n1 has web already; n3 has fewer tasks in total than n2 → n3 first, then n2, then n1.
    const r = schedule({ nodes: nodes(3), tasks: [...running, ...pending("web", 2)] });
    expect(r.assignments.map((a) => a.nodeId)).toEqual(["n3", "n2"]);
  });

  it("ranks nodes where the service failed recently last, even behind fuller nodes", () => {
    const recentFailures = new Map([["web", new Set(["n1", "n2"])]]);
    const r = schedule({ nodes: nodes(3), tasks: pending("web", 2), recentFailures });
    expect(r.assignments.map((a) => a.nodeId)).toEqual(["n3", "n3"]);
    // Only when the healthy node cannot take more do the marked ones get tasks.
    const capped = pending("web", 2, { container: { image: "x" }, placement: { maxReplicas: 1 } });
    const r2 = schedule({ nodes: nodes(3), tasks: capped, recentFailures });
    const [healthy, marked] = r2.assignments.map((a) => a.nodeId);
    expect(healthy).toBe("n3");
    expect(["n1", "n2"]).toContain(marked);
    // Failures of another service do not matter.
    const r3 = schedule({ nodes: nodes(3), tasks: pending("db", 3), recentFailures });
    expect(r3.assignments.map((a) => a.nodeId).sort()).toEqual(["n1", "n2", "n3"]);
  });

  it("ignores terminal tasks and counts assigned but not yet running ones", () => {
    const tasks = [
      testTask("old", { serviceId: "web", nodeId: "n1", state: "FAILED" }),
      testTask("new", { serviceId: "web", nodeId: "n2", state: "ASSIGNED" }),
      ...pending("web", 1),
    ];
    const r = schedule({ nodes: nodes(2), tasks });
    expect(r.assignments).toEqual([{ taskId: "web-t1", nodeId: "n1" }]);
  });

  it("does not modify its input and is deterministic", () => {
    const input = { nodes: nodes(4), tasks: pending("web", 7) };
    const before = JSON.stringify(input);
    const a = schedule(input);
    const b = schedule(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(a).toEqual(b);
  });
});

describe("scheduler: filters and the no-suitable-node message", () => {
  it("skips nodes that are down, paused or drained", () => {
    const ns = [testNode("n1", { state: "DOWN" }), testNode("n2", { availability: "DRAIN" }), testNode("n3", { availability: "PAUSE" }), testNode("n4")];
    const r = schedule({ nodes: ns, tasks: pending("web", 2) });
    expect(r.assignments.map((a) => a.nodeId)).toEqual(["n4", "n4"]);
  });

  it("explains unavailable nodes", () => {
    const r = schedule({ nodes: [testNode("n1", { state: "DOWN" })], tasks: pending("web", 1) });
    expect(r.unschedulable).toEqual([{ taskId: "web-t1", message: "no suitable node (not available for new tasks on 1 node)" }]);
  });

  it("reserves memory and CPU and reports the shortage per filter", () => {
    const spec: TaskSpec = { container: { image: "x" }, resources: { reservations: { memoryBytes: 3 * GiB, nanoCpus: 1e9 } } };
    const ns = [
      testNode("n1", { memoryBytes: 4 * GiB }), // room for one
      testNode("n2", { memoryBytes: 2 * GiB }), // none (memory)
      testNode("n3", { memoryBytes: 16 * GiB, nanoCpus: 5e8 }), // none (cpu)
    ];
    const r = schedule({ nodes: ns, tasks: pending("db", 3, spec) });
    expect(r.assignments).toEqual([{ taskId: "db-t1", nodeId: "n1" }]);
    // n2 lacks memory from the start, n1 after the first placement; n3 lacks CPU.
    const msg = "no suitable node (insufficient memory on 2 nodes; insufficient CPU on 1 node)";
    expect(r.unschedulable).toEqual([
      { taskId: "db-t2", message: msg },
      { taskId: "db-t3", message: msg },
    ]);
  });

  it("subtracts the reservations of tasks already on the node", () => {
    const spec: TaskSpec = { container: { image: "x" }, resources: { reservations: { memoryBytes: 3 * GiB } } };
    const tasks = [testTask("r1", { serviceId: "other", nodeId: "n1", spec }), ...pending("db", 1, spec)];
    const r = schedule({ nodes: [testNode("n1", { memoryBytes: 4 * GiB }), testNode("n2", { memoryBytes: 1 * GiB })], tasks });
    expect(r.unschedulable).toEqual([{ taskId: "db-t1", message: "no suitable node (insufficient memory on 2 nodes)" }]);
  });

  it("matches constraints on node labels, hostname, role and engine labels", () => {
    const ns = [
      testNode("n1", { labels: { zone: "east" }, role: "MANAGER" }),
      testNode("n2", { labels: { zone: "west" } }),
      testNode("n3", { labels: { zone: "East" }, engineLabels: { disk: "ssd" } }),
      testNode("n4"),
    ];
    const place = (constraints: string[]): string[] =>
      schedule({ nodes: ns, tasks: pending("s", 4, { container: { image: "x" }, placement: { constraints } }) })
        .assignments.map((a) => a.nodeId)
        .sort();
    expect(place(["node.labels.zone==east"])).toEqual(["n1", "n1", "n3", "n3"]);
    expect(place(["node.labels.zone!=east"])).toEqual(["n2", "n2", "n4", "n4"]);
    expect(place(["node.role==manager"])).toEqual(["n1", "n1", "n1", "n1"]);
    expect(place(["node.role!=manager", "engine.labels.disk==ssd"])).toEqual(["n3", "n3", "n3", "n3"]);
    expect(place(["node.hostname==n2"])).toEqual(["n2", "n2", "n2", "n2"]);
    expect(place(["node.id==n4"])).toEqual(["n4", "n4", "n4", "n4"]);
  });

  it("leaves tasks pending with the constraint message when no node matches", () => {
    const r = schedule({
      nodes: [...nodes(2, () => ({ labels: { zone: "east" } })), testNode("n3", { state: "DOWN" })],
      tasks: pending("s", 2, { container: { image: "x" }, placement: { constraints: ["node.labels.zone==mars"] } }),
    });
    expect(r.assignments).toEqual([]);
    expect(r.unschedulable.map((u) => u.message)).toEqual([
      "no suitable node (not available for new tasks on 1 node; scheduling constraints not satisfied on 2 nodes)",
      "no suitable node (not available for new tasks on 1 node; scheduling constraints not satisfied on 2 nodes)",
    ]);
  });

  it("reports an invalid constraint instead of throwing", () => {
    const r = schedule({ nodes: nodes(1), tasks: pending("s", 1, { container: { image: "x" }, placement: { constraints: ["node.zone=east"] } }) });
    expect(r.unschedulable[0]?.message).toMatch(/^invalid placement: spec\.task\.placement\.constraints\[0\]: invalid constraint "node\.zone=east"/);
  });

  it("keeps two tasks publishing the same host-mode port off the same node", () => {
    const ports = [{ protocol: "TCP" as const, targetPort: 80, publishedPort: 8080, publishMode: "HOST" as const }];
    const tasks = [testTask("other", { serviceId: "api", nodeId: "n1", ports }), ...pending("web", 3, undefined, { ports })];
    const r = schedule({ nodes: nodes(3), tasks });
    expect(r.assignments.map((a) => a.nodeId).sort()).toEqual(["n2", "n3"]);
    expect(r.unschedulable).toEqual([{ taskId: "web-t3", message: "no suitable node (host-mode port already in use on 3 nodes)" }]);
  });

  it("lets ingress ports and other protocols share a node", () => {
    const udp = [{ protocol: "UDP" as const, targetPort: 53, publishedPort: 53, publishMode: "HOST" as const }];
    const tcp = [{ protocol: "TCP" as const, targetPort: 53, publishedPort: 53, publishMode: "HOST" as const }];
    const ingress = [{ protocol: "TCP" as const, targetPort: 80, publishedPort: 80, publishMode: "INGRESS" as const }];
    const tasks = [...pending("dns-udp", 1, undefined, { ports: udp }), ...pending("dns-tcp", 1, undefined, { ports: tcp }), ...pending("web", 3, undefined, { ports: ingress })];
    const r = schedule({ nodes: nodes(1), tasks });
    expect(r.assignments).toHaveLength(5);
  });

  it("enforces max replicas per node", () => {
    const spec: TaskSpec = { container: { image: "x" }, placement: { maxReplicas: 2 } };
    const r = schedule({ nodes: nodes(2), tasks: pending("s", 5, spec) });
    expect([...perNode(r).values()]).toEqual([2, 2]);
    expect(r.unschedulable).toEqual([{ taskId: "s-t5", message: "no suitable node (max replicas per node limit (2) reached on 2 nodes)" }]);
  });

  it("filters on the platform list", () => {
    const spec: TaskSpec = { container: { image: "x" }, placement: { platforms: [{ os: "linux", architecture: "arm64" }] } };
    const r = schedule({ nodes: [testNode("n1"), testNode("n2", { architecture: "aarch64" })], tasks: pending("s", 1, spec) });
    expect(r.assignments).toEqual([{ taskId: "s-t1", nodeId: "n2" }]);
  });

  it("says so when the cluster has no nodes", () => {
    const r = schedule({ nodes: [], tasks: pending("s", 1) });
    expect(r.unschedulable).toEqual([{ taskId: "s-t1", message: "no suitable node (no nodes in the cluster)" }]);
  });

  it("checks a pre-assigned (global) task against its own node only", () => {
    const spec: TaskSpec = { container: { image: "x" }, resources: { reservations: { memoryBytes: 2 * GiB } } };
    const tasks = [
      testTask("g1", { serviceId: "g", nodeId: "n1", state: "PENDING", spec }),
      testTask("g2", { serviceId: "g", nodeId: "n2", state: "PENDING", spec }),
      testTask("g3", { serviceId: "g", nodeId: "gone", state: "PENDING", spec }),
    ];
    const r = schedule({ nodes: [testNode("n1"), testNode("n2", { memoryBytes: GiB })], tasks });
    expect(r.assignments).toEqual([{ taskId: "g1", nodeId: "n1" }]);
    expect(r.unschedulable).toEqual([
      { taskId: "g2", message: "no suitable node (insufficient memory on 1 node)" },
      { taskId: "g3", message: "no suitable node (node gone not found)" },
    ]);
  });
});

describe("scheduler: batches", () => {
  it("schedules several services, keeping node state updated between groups", () => {
    const spec: TaskSpec = { container: { image: "x" }, resources: { reservations: { memoryBytes: 4 * GiB } } };
    const r = schedule({ nodes: nodes(2), tasks: [...pending("a", 2, spec), ...pending("b", 3, spec)] });
    expect(r.assignments).toHaveLength(4);
    expect([...perNode(r).values()]).toEqual([2, 2]);
    expect(r.unschedulable.map((u) => u.taskId)).toEqual(["b-t3"]);
  });

  it("groups by spec version, so two specs of one service are both placed evenly", () => {
    const tasks = [...pending("s", 2, undefined, { specVersion: 1 }), ...pending("s", 2, undefined, { specVersion: 2 }).map((t) => ({ ...t, id: `${t.id}-v2` }))];
    const r = schedule({ nodes: nodes(4), tasks });
    expect([...perNode(r).values()]).toEqual([1, 1, 1, 1]);
  });

  it("only schedules PENDING tasks that should run", () => {
    const notPending = testTask("x", { serviceId: "s", state: "ASSIGNED" });
    const shutdown = { ...testTask("y", { serviceId: "s" }), desiredState: "SHUTDOWN" as const };
    const r = schedule({ nodes: nodes(1), tasks: [notPending, shutdown] });
    expect(r).toEqual({ assignments: [], unschedulable: [] });
  });
});
