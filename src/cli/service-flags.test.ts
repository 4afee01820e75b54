import { describe, expect, it } from "vitest";
import { parseLabels, parsePlacementPref, serviceSpecFromFlags, serviceSpecFromFlagsNormalized } from "./service-flags.js";

describe("service create flags → spec", () => {
  it("builds the README's web service with Docker's defaults", () => {
    const spec = serviceSpecFromFlagsNormalized({ name: "web", image: "demo/web:1", replicas: "5", publish: ["8080:80"] });
    expect(spec.annotations?.name).toBe("web");
    expect(spec.replicated?.replicas).toBe(5);
    expect(spec.task?.container?.image).toBe("demo/web:1");
    expect(spec.endpoint?.ports).toEqual([{ name: "", protocol: "TCP", targetPort: 80, publishedPort: 8080, publishMode: "INGRESS", proxyProtocol: "NONE" }]);
    expect(spec.update).toMatchObject({ parallelism: 1, delayMs: 0, monitorMs: 5000, failureAction: "PAUSE", order: "STOP_FIRST" });
    expect(spec.task?.restart).toMatchObject({ condition: "ANY", delayMs: 5000 });
    expect(spec.task?.container?.stopGracePeriodMs).toBe(10_000);
  });

  it("maps every flag", () => {
    const spec = serviceSpecFromFlagsNormalized({
      name: "api",
      image: "demo/api:2",
      args: ["serve", "--port", "80"],
      entrypoint: "/bin/app",
      mode: "global",
      labels: ["team=core", "tier"],
      env: ["A=1", "HOME"],
      envLookup: (k) => (k === "HOME" ? "/root" : undefined),
      workdir: "/srv",
      user: "1000:1000",
      hostname: "api",
      mounts: ["type=tmpfs,target=/tmp,tmpfs-size=16m"],
      publish: ["published=53,target=53,protocol=udp,mode=host"],
      constraints: ["node.labels.zone==east"],
      placementPrefs: ["spread=node.labels.rack"],
      maxReplicas: "2",
      limitCpu: "1.5",
      limitMemory: "512M",
      limitPids: "100",
      reserveCpu: "0.25",
      reserveMemory: "128m",
      restartCondition: "on-failure",
      restartDelay: "0s",
      restartMaxAttempts: "3",
      restartWindow: "1m",
      stopGracePeriod: "2s",
      stopSignal: "SIGQUIT",
      healthCmd: "wget -q -O- localhost",
      healthInterval: "1s",
      healthRetries: "2",
      readOnly: true,
      update: { parallelism: "2", delay: "1s", failureAction: "rollback", monitor: "3s", maxFailureRatio: "0.25", order: "start-first" },
      rollback: { parallelism: "0" },
    });
    expect(spec.mode).toBe("global");
    expect(spec.annotations?.labels).toEqual({ team: "core", tier: "" });
    const c = spec.task?.container;
    expect(c).toMatchObject({ image: "demo/api:2", command: ["/bin/app"], args: ["serve", "--port", "80"], env: ["A=1", "HOME=/root"], dir: "/srv", user: "1000:1000", hostname: "api", readOnly: true, stopGracePeriodMs: 2000, stopSignal: "SIGQUIT" });
    expect(c?.mounts).toEqual([{ type: "TMPFS", source: "", target: "/tmp", readOnly: false, tmpfsSizeBytes: 16 * 1024 ** 2 }]);
    expect(c?.healthcheck).toMatchObject({ test: ["CMD-SHELL", "wget -q -O- localhost"], intervalMs: 1000, timeoutMs: 30_000, retries: 2 });
    expect(spec.task?.resources).toMatchObject({ limits: { nanoCpus: 1.5e9, memoryBytes: 512 * 1024 ** 2, pids: 100 }, reservations: { nanoCpus: 2.5e8, memoryBytes: 128 * 1024 ** 2 } });
    expect(spec.task?.restart).toMatchObject({ condition: "ON_FAILURE", delayMs: 0, maxAttempts: 3, windowMs: 60_000 });
    expect(spec.task?.placement).toMatchObject({ constraints: ["node.labels.zone==east"], preferences: [{ spread: { spreadDescriptor: "node.labels.rack" } }], maxReplicas: 2 });
    expect(spec.update).toMatchObject({ parallelism: 2, delayMs: 1000, failureAction: "ROLLBACK", monitorMs: 3000, order: "START_FIRST" });
    expect(spec.update?.maxFailureRatio).toBeCloseTo(0.25);
    expect(spec.rollback).toMatchObject({ parallelism: 0, monitorMs: 5000 });
    expect(spec.endpoint?.ports[0]).toMatchObject({ publishMode: "HOST", protocol: "UDP" });
  });

  it.each([
    [{ limitMemory: "12 parsecs" }, '--limit-memory: invalid memory size "12 parsecs"'],
    [{ replicas: "-1" }, "--replicas: -1 is not ≥ 0"],
    [{ replicas: "lots" }, '--replicas: invalid number "lots"'],
    [{ mode: "global", replicas: "3" }, "--replicas: cannot be used with --mode global"],
    [{ mode: "daemonset" }, '--mode: invalid value "daemonset" (expected replicated, global)'],
    [{ constraints: ["node.labels.zone=east"] }, '--constraint: invalid constraint "node.labels.zone=east"'],
    [{ placementPrefs: ["pack=node.labels.zone"] }, '--placement-pref: invalid placement preference "pack=node.labels.zone"'],
    [{ publish: ["80:http"] }, '--publish: invalid target port "http"'],
    [{ mounts: ["type=bind,target=/x"] }, "--mount.source: a bind mount needs a source"],
    [{ restartCondition: "always" }, '--restart-condition: invalid value "always" (expected none, on-failure, any)'],
    [{ update: { delay: "soon" } }, '--update-delay: invalid duration "soon"'],
    [{ update: { maxFailureRatio: "2" } }, '--update-max-failure-ratio: "2" is not a number within 0..1'],
    [{ rollback: { order: "random" } }, '--rollback-order: invalid value "random"'],
    [{ noHealthcheck: true, healthCmd: "true" }, "--no-healthcheck: conflicts with --health-* options"],
    [{ env: ["NOPE_UNSET"] }, '--env: environment variable "NOPE_UNSET" has no value'],
    [{ reserveCpu: "0" }, '--reserve-cpu: CPU amount "0" must be greater than 0'],
  ])("rejects %j", (extra, message) => {
    expect(() => serviceSpecFromFlags({ name: "web", image: "demo/web:1", ...extra })).toThrow(message);
  });

  it("leaves whole-spec checks to validation, with field paths", () => {
    expect(() => serviceSpecFromFlagsNormalized({ name: "bad name", image: "demo/web:1" })).toThrow('spec.annotations.name: "bad name" is not a valid name');
    expect(() => serviceSpecFromFlagsNormalized({ name: "web", image: "demo/web:1", limitMemory: "64m", reserveMemory: "128m" })).toThrow(
      "spec.task.resources.reservations.memoryBytes: 134217728 exceeds the limit 67108864",
    );
    expect(() => serviceSpecFromFlagsNormalized({ name: "web", image: "demo/web:1", publish: ["80:80", "80:81"] })).toThrow("spec.endpoint.ports[1].publishedPort: 80/tcp is already published");
  });

  it("--no-healthcheck disables the image's check", () => {
    expect(serviceSpecFromFlagsNormalized({ name: "w", image: "x", noHealthcheck: true }).task?.container?.healthcheck?.test).toEqual(["NONE"]);
  });

  it("parses labels and placement preferences", () => {
    expect(parseLabels("--label", ["a=1", "b=x=y", "c"])).toEqual({ a: "1", b: "x=y", c: "" });
    expect(() => parseLabels("--label", ["=1"])).toThrow('--label: invalid label "=1": empty key');
    expect(parsePlacementPref("--placement-pref", "spread=engine.labels.rack")).toEqual({ spread: { spreadDescriptor: "engine.labels.rack" } });
  });
});
