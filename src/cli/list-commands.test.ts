// `node ls`, `service ls`, `service ps`, `node ps` through the real command tree and gRPC client,
// against Control and Daemon servers on a unix socket serving a fixed cluster: --filter with Docker's
// keys and errors, --format (table/json/templates), -q, and the columns Docker prints.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ListTasksRequest__Output } from "../gen/swarm/control/ListTasksRequest.js";
import { protos } from "../rpc/services.js";
import { normalizeServiceSpec } from "../spec/defaults.js";
import { makeNode, makeService, makeTask } from "../store/objects.js";
import { buildProgram } from "./swarmctl.js";
import { humanDuration, taskRows } from "./task-list.js";

const NOW = Date.now();
const nodes = [
  makeNode({ id: "n1aaaaaaaaaaaaaaaaaaaaaaa", role: "MANAGER", description: { hostname: "h1", engine: { engineVersion: "0.1.0", labels: {} } }, spec: { annotations: { name: "", labels: { zone: "east" } }, availability: "ACTIVE" }, status: { state: "READY" }, managerStatus: { raftId: 1, leader: true, reachability: "REACHABLE" } }),
  makeNode({ id: "n2bbbbbbbbbbbbbbbbbbbbbbb", role: "WORKER", description: { hostname: "h2" }, spec: { annotations: { name: "", labels: { zone: "west" } }, availability: "DRAIN" }, status: { state: "READY" } }),
];
const web = makeService({ id: "s1webwebwebwebwebweb", spec: normalizeServiceSpec({ annotations: { name: "web", labels: { tier: "front" } }, task: { container: { image: "demo/web:1" } }, replicated: { replicas: 3 }, endpoint: { ports: [{ targetPort: 80, publishedPort: 8080 }] } }) });
const agent = makeService({ id: "s2agentagentagentage", spec: normalizeServiceSpec({ annotations: { name: "agent" }, task: { container: { image: "demo/agent:1" } }, global: {} }) });
const task = (id: string, service: string, slot: number, node: string, state: "RUNNING" | "SHUTDOWN" | "PENDING", desired: "RUNNING" | "SHUTDOWN", ago: number, extra: object = {}) =>
  makeTask({ id, serviceId: service, slot, nodeId: node, desiredState: desired, status: { state, timestamp: NOW - ago }, meta: { createdAt: NOW - ago }, spec: { container: { image: "demo/web:1@sha256:abc" } }, ...extra });
const tasks = [
  task("t1old00000000000000000", web.id, 1, nodes[0]!.id, "SHUTDOWN", "SHUTDOWN", 600_000),
  task("t1new00000000000000000", web.id, 1, nodes[0]!.id, "RUNNING", "RUNNING", 300_000),
  task("t2xxxxxxxxxxxxxxxxxxxx", web.id, 2, nodes[1]!.id, "RUNNING", "RUNNING", 5_000, { endpoint: { ports: [{ targetPort: 80, publishedPort: 8081, publishMode: "HOST" }] } }),
  task("t3xxxxxxxxxxxxxxxxxxxx", web.id, 3, "", "PENDING", "RUNNING", 1_000),
  task("tgxxxxxxxxxxxxxxxxxxxx", agent.id, 0, nodes[1]!.id, "RUNNING", "RUNNING", 2_000),
];

let dir = "";
let socket = "";
let server: Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "swarmctl-list-"));
  socket = join(dir, "swarmd.sock");
  server = new Server();
  server.addService(protos.control.Control.service, {
    ListNodes: (_c: unknown, cb: sendUnaryData<unknown>) => cb(null, { nodes }),
    GetNode: (call: ServerUnaryCall<{ nodeId: string }, unknown>, cb: sendUnaryData<unknown>) => cb(null, { node: nodes.find((n) => n.id === call.request.nodeId || n.description?.hostname === call.request.nodeId) }),
    ListServices: (_c: unknown, cb: sendUnaryData<unknown>) => cb(null, { services: [web, agent] }),
    GetService: (call: ServerUnaryCall<{ serviceId: string }, unknown>, cb: sendUnaryData<unknown>) => {
      const s = [web, agent].find((x) => x.id === call.request.serviceId || x.spec?.annotations?.name === call.request.serviceId);
      cb(s === undefined ? { code: 5, details: `service ${call.request.serviceId} not found` } : null, { service: s });
    },
    ListTasks: (call: ServerUnaryCall<ListTasksRequest__Output, unknown>, cb: sendUnaryData<unknown>) => {
      const f = call.request.filters;
      cb(null, { tasks: tasks.filter((t) => (f?.serviceIds.length ? f.serviceIds.includes(t.serviceId) : true) && (f?.nodeIds.length ? f.nodeIds.includes(t.nodeId) : true)) });
    },
  });
  server.addService(protos.daemon.Daemon.service, {
    Info: (_c: unknown, cb: sendUnaryData<unknown>) => cb(null, { nodeId: nodes[0]!.id }),
  });
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
});

afterAll(() => {
  server.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `swarmctl --socket <socket> <args>` in this process: what it printed, or the error it threw. */
async function swarmctl(...args: string[]): Promise<{ out: string; error?: string }> {
  let out = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    await buildProgram().parseAsync(["--socket", socket, ...args], { from: "user" });
    return { out };
  } catch (e) {
    return { out, error: e instanceof Error ? e.message : String(e) };
  } finally {
    vi.restoreAllMocks();
  }
}

describe("service ls", () => {
  it("prints Docker's table; REPLICAS of a global service is running/desired", async () => {
    expect((await swarmctl("service", "ls")).out).toBe([
      "ID             NAME      MODE         REPLICAS   IMAGE          PORTS",
      "s2agentagent   agent     global       1/1        demo/agent:1   ",
      "s1webwebwebw   web       replicated   2/3        demo/web:1     *:8080->80/tcp",
      "",
    ].join("\n"));
  });

  it("--format: Docker's examples, json and table", async () => {
    expect((await swarmctl("service", "ls", "--format", "{{.ID}}: {{.Mode}} {{.Replicas}}")).out).toBe("s2agentagent: global 1/1\ns1webwebwebw: replicated 2/3\n");
    expect((await swarmctl("service", "ls", "--format", "table {{.Name}}\\t{{.Replicas}}")).out).toBe("NAME      REPLICAS\nagent     1/1\nweb       2/3\n");
    // As Docker: one JSON object a line, fields sorted.
    expect((await swarmctl("service", "ls", "--filter", "name=web", "--format", "json")).out).toBe('{"ID":"s1webwebwebw","Image":"demo/web:1","Mode":"replicated","Name":"web","Ports":"*:8080->80/tcp","Replicas":"2/3"}\n');
    expect((await swarmctl("service", "ls", "--format", "{{.Nope}}")).error).toBe('template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope');
    expect((await swarmctl("service", "ls", "--format", "{{.Name")).error).toBe("template: :1: unclosed action");
  });

  it("--filter: name prefix, id prefix, label, mode; -q; unknown key fails as Docker", async () => {
    const names = async (...f: string[]): Promise<string> => (await swarmctl("service", "ls", ...f, "--format", "{{.Name}}")).out;
    expect(await names("-f", "name=we")).toBe("web\n");
    expect(await names("-f", "id=s2")).toBe("agent\n");
    expect(await names("-f", "label=tier")).toBe("web\n");
    expect(await names("-f", "label=tier=back")).toBe("");
    expect(await names("-f", "mode=global")).toBe("agent\n");
    expect(await names("-f", "name=web", "-f", "name=agent")).toBe("agent\nweb\n");
    expect(await names("-f", "name=web", "-f", "mode=global")).toBe("");
    expect((await swarmctl("service", "ls", "-q", "-f", "name=web")).out).toBe("s1webwebwebw\n");
    expect((await swarmctl("service", "ls", "-f", "color=red")).error).toBe("invalid filter 'color'");
    expect((await swarmctl("service", "ls", "-f", "name")).error).toBe('invalid argument "name" for "-f, --filter" flag: bad format of filter (expected name=value)');
  });
});

describe("node ls", () => {
  it("filters by role, name, node.label, membership, id; marks this node; formats", async () => {
    const out = (await swarmctl("node", "ls")).out;
    expect(out.split("\n")[0]).toBe("ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS");
    expect(out).toContain("n1aaaaaaaaaaaaaaaaaaaaaaa *   h1         Ready     Active         Leader");
    const hosts = async (...f: string[]): Promise<string> => (await swarmctl("node", "ls", ...f, "--format", "{{.Hostname}}")).out;
    expect(await hosts("-f", "role=worker")).toBe("h2\n");
    expect(await hosts("-f", "name=h1")).toBe("h1\n");
    expect(await hosts("-f", "node.label=zone=west")).toBe("h2\n");
    expect(await hosts("-f", "membership=accepted")).toBe("h1\nh2\n");
    expect(await hosts("-f", "id=n2")).toBe("h2\n");
    expect((await swarmctl("node", "ls", "--format", "{{.Hostname}} {{.Self}} {{.Availability}}")).out).toBe("h1 true Active\nh2 false Drain\n");
    expect((await swarmctl("node", "ls", "-q")).out).toBe(`${nodes[0]!.id}\n${nodes[1]!.id}\n`);
    expect((await swarmctl("node", "ls", "-f", "role=boss")).error).toBe("Invalid role filter value: boss");
    expect((await swarmctl("node", "ls", "-f", "mode=global")).error).toBe("invalid filter 'mode'");
  });
});

describe("service ps / node ps", () => {
  it("CURRENT STATE ages read as Docker's units.HumanDuration", () => {
    const cases: [number, string][] = [
      [400, "Less than a second"], [1_000, "1 second"], [59_999, "59 seconds"], [60_000, "About a minute"], [119_999, "About a minute"],
      [300_000, "5 minutes"], [3_599_000, "59 minutes"], [3_600_000, "About an hour"], [5_400_000, "2 hours"], [47 * 3_600_000, "47 hours"],
      [48 * 3_600_000, "2 days"], [14 * 86_400_000, "2 weeks"], [60 * 86_400_000, "2 months"], [730 * 86_400_000, "2 years"],
    ];
    for (const [ms, text] of cases) expect(humanDuration(ms), `${ms} ms`).toBe(text);
  });

  it("a replicated slot's newest task leads even when its replacement ran on another node", () => {
    const moved = [
      task("tdead0000000000000000", web.id, 2, "aa-orphaned-node", "SHUTDOWN", "SHUTDOWN", 56_000),
      task("tmoved000000000000000", web.id, 2, "zz-other-node", "RUNNING", "RUNNING", 54_000),
    ];
    const rows = taskRows(moved, { nodeNames: new Map(), serviceNames: new Map([[web.id, "web"]]), now: NOW });
    expect(rows.map((r) => [r.ID, r.Name])).toEqual([["tmoved000000", "web.2"], ["tdead0000000", " \\_ web.2"]]);
  });

  it("service ps: history under \\_, PORTS of host-mode ports, filters by desired-state, node, name", async () => {
    const out = (await swarmctl("service", "ps", "web")).out.split("\n");
    expect(out[0]).toMatch(/^ID {13}NAME {8}IMAGE {8}NODE {6}DESIRED STATE {3}CURRENT STATE +ERROR {5}PORTS$/);
    expect(out[1]).toMatch(/^t1new0000000 {3}web\.1 {7}demo\/web:1 {3}h1 {8}running {9}running 5 minutes ago +$/);
    expect(out[2]).toMatch(/^t1old0000000 {4}\\_ web\.1 {3}demo\/web:1 {3}h1 {8}shutdown {8}shutdown 10 minutes ago +$/);
    expect(out[3]).toMatch(/ h2 .* \*:8081->80\/tcp$/);
    const ids = async (...f: string[]): Promise<string> => (await swarmctl("service", "ps", ...f, "--format", "{{.ID}}", "web")).out;
    expect(await ids("-f", "desired-state=shutdown")).toBe("t1old0000000\n");
    expect(await ids("-f", "node=h2")).toBe("t2xxxxxxxxxx\n");
    expect(await ids("-f", "name=web.3")).toBe("t3xxxxxxxxxx\n");
    expect((await swarmctl("service", "ps", "-q", "--no-trunc", "-f", "node=h2", "web")).out).toBe("t2xxxxxxxxxxxxxxxxxxxx\n");
    expect((await swarmctl("service", "ps", "-f", "desired-state=dead", "web")).error).toBe("Invalid desired-state filter value: dead");
    expect((await swarmctl("service", "ps", "-f", "role=manager", "web")).error).toBe("invalid filter 'role'");
  });

  it("node ps without NODE lists this node's tasks only; with NODE that node's", async () => {
    expect((await swarmctl("node", "ps", "--format", "{{.Name}} {{.Node}}")).out).toBe("web.1 h1\n \\_ web.1 h1\n");
    expect((await swarmctl("node", "ps", "-q", "h2")).out).toBe("tgxxxxxxxxxx\nt2xxxxxxxxxx\n");
  });
});

describe("inspect", () => {
  it("service inspect prints Docker's shape (api/swagger.yaml's Service) with 4-space JSON", async () => {
    const out = (await swarmctl("service", "inspect", "web")).out;
    expect(out.startsWith('[\n    {\n        "ID": "s1webwebwebwebwebweb",\n        "Version": {\n            "Index": ')).toBe(true);
    const [s] = JSON.parse(out) as Record<string, unknown>[];
    expect(s).toMatchObject({
      ID: web.id,
      Spec: {
        Name: "web",
        Labels: { tier: "front" },
        TaskTemplate: { ContainerSpec: { Image: "demo/web:1", StopGracePeriod: 10_000_000_000, Isolation: "default" }, RestartPolicy: { Condition: "any", Delay: 5_000_000_000 }, ForceUpdate: 0, Runtime: "container" },
        Mode: { Replicated: { Replicas: 3 } },
        UpdateConfig: { Parallelism: 1, FailureAction: "pause", Monitor: 5_000_000_000, MaxFailureRatio: 0, Order: "stop-first" },
        EndpointSpec: { Mode: "vip", Ports: [{ Protocol: "tcp", TargetPort: 80, PublishedPort: 8080, PublishMode: "ingress" }] },
      },
    });
    // No proto-shaped field leaks through.
    expect(out).not.toMatch(/"(spec|annotations|task|replicated)"/);
    expect((JSON.parse((await swarmctl("service", "inspect", "agent")).out) as { Spec: { Mode: unknown } }[])[0]!.Spec.Mode).toEqual({ Global: {} });
    // --raw keeps the control API's own shape (scripts and cluster tests read Raft ids from it).
    expect((JSON.parse((await swarmctl("service", "inspect", "--raw", "web")).out) as { spec: { annotations: { name: string } } }[])[0]!.spec.annotations.name).toBe("web");
  });

  it("inspect --format runs the template on Docker's shape (docs: {{.Spec.Mode.Replicated.Replicas}}); --pretty", async () => {
    expect((await swarmctl("service", "inspect", "--format", "{{.Spec.Name}} {{.Spec.Mode.Replicated.Replicas}} {{json .Spec.Labels}}", "web")).out).toBe('web 3 {"tier":"front"}\n');
    expect((await swarmctl("node", "inspect", "--format", "{{ .ManagerStatus.Leader }} {{.Description.Hostname}} {{.Spec.Role}}", "h1")).out).toBe("true h1 worker\n");
    expect((await swarmctl("node", "inspect", "--format", "{{.Nope}}", "h1")).error).toBe('template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope');
    const pretty = (await swarmctl("service", "inspect", "--pretty", "web")).out;
    expect(pretty).toMatch(/^ID: +s1webwebwebwebwebweb\nName: +web\nLabels:\n tier=front\nService Mode: +Replicated\n Replicas: +3\n/);
    expect(pretty).toContain("Ports:\n PublishedPort = 8080\n  Protocol = tcp\n  TargetPort = 80\n  PublishMode = ingress\n");
  });
});
