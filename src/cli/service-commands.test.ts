// `swarmctl service create|update` through the real command tree (buildProgram) and the real gRPC
// client, against a Control server on a unix socket that records the requests: the flags a user types
// must arrive in the spec the manager receives.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { CreateServiceRequest__Output } from "../gen/swarm/control/CreateServiceRequest.js";
import type { UpdateServiceRequest__Output } from "../gen/swarm/control/UpdateServiceRequest.js";
import { protos } from "../rpc/services.js";
import { validateServiceSpec } from "../spec/service-spec.js";
import { serviceSpecFromFlagsNormalized } from "./service-flags.js";
import { buildProgram } from "./swarmctl.js";

/** The spec `service update` starts from (what GetService returns). */
const current = serviceSpecFromFlagsNormalized({
  name: "web",
  image: "demo/web:1",
  labels: ["team=core"],
  mounts: ["type=bind,source=/srv,target=/www"],
  placementPrefs: ["spread=node.labels.zone"],
  restartCondition: "on-failure",
});

let dir = "";
let socket = "";
let server: Server;
const created: CreateServiceRequest__Output[] = [];
const updated: UpdateServiceRequest__Output[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "swarmctl-service-"));
  socket = join(dir, "swarmd.sock");
  server = new Server();
  server.addService(protos.control.Control.service, {
    CreateService: (call: ServerUnaryCall<CreateServiceRequest__Output, unknown>, cb: sendUnaryData<unknown>) => {
      created.push(call.request);
      cb(null, { service: { id: "svc1", spec: call.request.spec } });
    },
    GetService: (_call: ServerUnaryCall<unknown, unknown>, cb: sendUnaryData<unknown>) => cb(null, { service: { id: "svc1", meta: { version: 7 }, spec: current } }),
    UpdateService: (call: ServerUnaryCall<UpdateServiceRequest__Output, unknown>, cb: sendUnaryData<unknown>) => {
      updated.push(call.request);
      cb(null, { service: { id: "svc1", spec: call.request.spec } });
    },
  });
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
});

afterAll(() => {
  server.forceShutdown();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  created.length = 0;
  updated.length = 0;
});

interface Run {
  readonly out: string;
  readonly err: string;
  /** The message of what the command threw (main() prints it as `Error: …` and exits 1). */
  readonly error?: string;
}

/** Runs `swarmctl --socket <socket> <args>` in this process; returns what it printed and threw. */
async function swarmctl(...args: string[]): Promise<Run> {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    await buildProgram().parseAsync(["--socket", socket, ...args], { from: "user" });
    return { out, err };
  } catch (e) {
    return { out, err, error: e instanceof Error ? e.message : String(e) };
  } finally {
    vi.restoreAllMocks();
  }
}

function only<T>(list: readonly T[]): T {
  expect(list).toHaveLength(1);
  return list[0]!;
}

describe("swarmctl service create", () => {
  it("sends the container flags Docker has: --entrypoint, -u, -w, --hostname, --read-only, --stop-signal, --health-*", async () => {
    const run = await swarmctl(
      "service", "create", "-d", "--name", "api",
      "--entrypoint", "/bin/app", "-u", "1000:1000", "-w", "/srv", "--hostname", "api-1", "--read-only", "--stop-signal", "SIGQUIT",
      "--health-cmd", "wget -q -O- localhost", "--health-timeout", "2s", "--health-start-period", "1m",
      "demo/api:2", "serve", "80",
    );
    expect(run).toEqual({ out: "svc1\n", err: "" });
    const spec = only(created).spec!;
    expect(spec.task?.container).toMatchObject({
      image: "demo/api:2",
      command: ["/bin/app"],
      args: ["serve", "80"],
      user: "1000:1000",
      dir: "/srv",
      hostname: "api-1",
      readOnly: true,
      stopSignal: "SIGQUIT",
      healthcheck: { test: ["CMD-SHELL", "wget -q -O- localhost"], timeoutMs: 2000, startPeriodMs: 60_000 },
    });
    // What the control API checks on CreateService.
    expect(() => validateServiceSpec(spec)).not.toThrow();
  });

  it("takes every word after IMAGE as the command, `sh -c '…'` included, as `docker service create`", async () => {
    expect(await swarmctl("service", "create", "-d", "--name", "job", "demo/web:1", "sh", "-c", "echo hi; sleep 1")).toEqual({ out: "svc1\n", err: "" });
    expect(only(created).spec?.task?.container).toMatchObject({ image: "demo/web:1", command: [], args: ["sh", "-c", "echo hi; sleep 1"] });
    created.length = 0;
    // Docker stops reading its own flags at IMAGE: a flag after it is an argument of the command.
    await swarmctl("service", "create", "-d", "demo/web:1", "httpd", "-f", "--name", "x");
    expect(only(created).spec?.task?.container?.args).toEqual(["httpd", "-f", "--name", "x"]);
    created.length = 0;
    // The older `IMAGE -- CMD…` form still works (a command named "--" could never run).
    await swarmctl("service", "create", "-d", "--name", "job", "demo/web:1", "--", "sh", "-c", "true");
    expect(only(created).spec?.task?.container?.args).toEqual(["sh", "-c", "true"]);
  });

  it("generates an adjective_surname name when --name is not given, as Docker", async () => {
    await swarmctl("service", "create", "-d", "demo/web:1");
    expect(only(created).spec?.annotations?.name).toMatch(/^[a-z]+_[a-z]+$/);
  });

  it("-u/--user and -w/--workdir are the same flags; unset ones leave the image's values", async () => {
    await swarmctl("service", "create", "-d", "--name", "web", "--user", "nobody", "--workdir", "/www", "demo/web:1");
    expect(only(created).spec?.task?.container).toMatchObject({ user: "nobody", dir: "/www", command: [], hostname: "", readOnly: false, stopSignal: "" });
    created.length = 0;
    await swarmctl("service", "create", "-d", "--name", "web", "--health-timeout", "500ms", "demo/web:1");
    // A timing alone keeps the image's check (empty test) and overrides its timeout.
    expect(only(created).spec?.task?.container?.healthcheck).toMatchObject({ test: [], timeoutMs: 500, startPeriodMs: 0 });
  });

  it("refuses a bad --health-timeout, naming flag and value, and sends nothing", async () => {
    expect((await swarmctl("service", "create", "-d", "--name", "web", "--health-timeout", "soon", "demo/web:1")).error).toMatch(/^--health-timeout: invalid duration "soon"/);
    expect((await swarmctl("service", "create", "-d", "--name", "web", "--stop-signal", "SIGNOPE", "demo/web:1")).error).toBeUndefined();
    // The CLI sends what it cannot check alone; the control API's validation names the spec field.
    expect(() => validateServiceSpec(only(created).spec!)).toThrow('spec.task.container.stopSignal: invalid signal "SIGNOPE"');
    created.length = 0;
    expect((await swarmctl("service", "create", "-d", "--name", "web", "--read-only=yes", "demo/web:1")).err).toContain("error: unknown option '--read-only=yes'");
    expect(created).toEqual([]);
  });

  it("sends --endpoint-mode, --container-label, -l and --env-file (Docker's env-file syntax, --env wins)", async () => {
    const envFile = join(dir, "app.env");
    writeFileSync(envFile, "\uFEFF# comment\n\nA=from file\n  B= spaced value \nHOME\nUNSET_IN_CALLER_XYZ\nC=1\r\n");
    const run = await swarmctl(
      "service", "create", "-d", "--name", "api", "--endpoint-mode", "dnsrr", "--container-label", "com.example.tier=api",
      "-l", "team=core", "--env-file", envFile, "-e", "C=2", "demo/api:2",
    );
    expect(run).toEqual({ out: "svc1\n", err: "" });
    const spec = only(created).spec!;
    expect(spec.endpoint?.mode).toBe("DNSRR");
    expect(spec.annotations?.labels).toEqual({ team: "core" });
    expect(spec.task?.container?.labels).toEqual({ "com.example.tier": "api" });
    // As docker: the value is verbatim, a bare KEY takes the caller's value or is dropped, --env comes last.
    expect(spec.task?.container?.env).toEqual(["A=from file", "B= spaced value ", `HOME=${process.env.HOME}`, "C=1", "C=2"]);
    expect(() => validateServiceSpec(spec)).not.toThrow();
  });

  it("refuses a bad --endpoint-mode, dnsrr with an ingress port, and a bad or missing --env-file", async () => {
    expect((await swarmctl("service", "create", "-d", "--endpoint-mode", "rr", "demo/web:1")).error).toBe('--endpoint-mode: invalid value "rr" (expected vip, dnsrr)');
    await swarmctl("service", "create", "-d", "--endpoint-mode", "dnsrr", "-p", "8080:80", "demo/web:1");
    // The control API refuses it, as Docker ("port published with ingress mode can't be used with dnsrr mode").
    expect(() => validateServiceSpec(only(created).spec!)).toThrow(/spec.endpoint.mode: DNSRR cannot be used with ingress-mode published ports/);
    created.length = 0;
    const bad = join(dir, "bad.env");
    writeFileSync(bad, "OK=1\nMY KEY=x\n");
    expect((await swarmctl("service", "create", "-d", "--env-file", bad, "demo/web:1")).error).toBe(`--env-file: ${bad}:2: poorly formatted environment: variable 'MY KEY' contains whitespaces`);
    expect((await swarmctl("service", "create", "-d", "--env-file", join(dir, "nope.env"), "demo/web:1")).error).toMatch(/^--env-file: open .*nope\.env: ENOENT/);
    expect(created).toEqual([]);
  });
});

describe("swarmctl service update", () => {
  it("sends --label-*, --mount-*, --placement-pref-*, --restart-* and --stop-grace-period", async () => {
    const run = await swarmctl(
      "service", "update", "-d",
      "--label-add", "tier=web", "--label-rm", "team",
      "--mount-add", "type=bind,source=/data,target=/data,readonly", "--mount-rm", "/www",
      "--placement-pref-add", "spread=node.labels.rack", "--placement-pref-rm", "spread=node.labels.zone",
      "--restart-condition", "any", "--restart-delay", "1s", "--restart-max-attempts", "4",
      "--stop-grace-period", "3s",
      "web",
    );
    expect(run).toEqual({ out: "web\n", err: "" });
    const req = only(updated);
    expect(req).toMatchObject({ serviceId: "svc1", serviceVersion: 7, rollback: false });
    const spec = req.spec!;
    expect(spec.annotations?.labels).toEqual({ tier: "web" });
    expect(spec.task?.container?.mounts).toEqual([{ type: "BIND", source: "/data", target: "/data", readOnly: true, tmpfsSizeBytes: 0 }]);
    expect(spec.task?.placement?.preferences.map((p) => p.spread?.spreadDescriptor)).toEqual(["node.labels.rack"]);
    expect(spec.task?.restart).toMatchObject({ condition: "ANY", delayMs: 1000, maxAttempts: 4 });
    expect(spec.task?.container?.stopGracePeriodMs).toBe(3000);
    // Untouched fields keep the current spec's values.
    expect(spec.task?.container?.image).toBe("demo/web:1");
    expect(() => validateServiceSpec(spec)).not.toThrow();
  });

  it("sends --health-*, --no-healthcheck, --restart-window and --limit-pids", async () => {
    await swarmctl("service", "update", "-d", "--health-cmd", "true", "--health-interval", "2s", "--health-retries", "5", "--health-timeout", "1s", "--health-start-period", "10s", "--restart-window", "30s", "--limit-pids", "64", "web");
    const spec = only(updated).spec!;
    expect(spec.task?.container?.healthcheck).toMatchObject({ test: ["CMD-SHELL", "true"], intervalMs: 2000, retries: 5, timeoutMs: 1000, startPeriodMs: 10_000 });
    expect(spec.task?.restart).toMatchObject({ condition: "ON_FAILURE", windowMs: 30_000 });
    expect(spec.task?.resources?.limits?.pids).toBe(64);
    updated.length = 0;
    await swarmctl("service", "update", "-d", "--no-healthcheck", "web");
    expect(only(updated).spec?.task?.container?.healthcheck?.test).toEqual(["NONE"]);
    updated.length = 0;
    expect((await swarmctl("service", "update", "-d", "--no-healthcheck", "--health-retries", "2", "web")).error).toBe("--no-healthcheck: conflicts with --health-* options");
    expect(updated).toEqual([]);
  });

  it("refuses a --mount-rm of a target the service does not mount, and sends nothing", async () => {
    expect((await swarmctl("service", "update", "-d", "--mount-rm", "/nope", "web")).error).toBe('--mount-rm: no mount has target "/nope"');
    expect((await swarmctl("service", "update", "-d", "--label-rm", "nope", "web")).error).toBe('--label-rm: key "nope" doesn\'t exist in the labels');
    expect((await swarmctl("service", "update", "-d", "--restart-condition", "always", "web")).error).toBe('--restart-condition: invalid value "always" (expected none, on-failure, any)');
    expect(updated).toEqual([]);
  });
});
