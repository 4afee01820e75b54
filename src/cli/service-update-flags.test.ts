import { describe, expect, it } from "vitest";
import { applyServiceUpdate } from "./service-update-flags.js";
import { serviceSpecFromFlagsNormalized } from "./service-flags.js";

const current = serviceSpecFromFlagsNormalized({
  name: "web",
  image: "demo/web:1",
  replicas: "5",
  env: ["A=1", "B=2"],
  labels: ["team=core"],
  publish: ["8080:80", "53:53/udp"],
  constraints: ["node.labels.zone==east"],
  mounts: ["type=tmpfs,target=/cache"],
  restartCondition: "on-failure",
  update: { delay: "2s" },
});

describe("service update flags", () => {
  it("does the README's rolling update: new image, parallelism 2, delay 1s", () => {
    const next = applyServiceUpdate(current, { image: "demo/web:2", update: { parallelism: "2", delay: "1s" } });
    expect(next.task?.container?.image).toBe("demo/web:2");
    expect(next.update).toMatchObject({ parallelism: 2, delayMs: 1000, monitorMs: 5000, failureAction: "PAUSE" });
    expect(next.replicated?.replicas).toBe(5);
    // The input is untouched.
    expect(current.task?.container?.image).toBe("demo/web:1");
    expect(current.update?.parallelism).toBe(1);
  });

  it("keeps untouched update settings", () => {
    const next = applyServiceUpdate(current, { update: { order: "start-first" } });
    expect(next.update).toMatchObject({ delayMs: 2000, order: "START_FIRST", parallelism: 1 });
  });

  it("adds and removes list entries", () => {
    const next = applyServiceUpdate(current, {
      envAdd: ["B=3", "C=4"],
      envRm: ["A"],
      labelAdd: ["tier=web"],
      labelRm: ["team"],
      publishAdd: ["9090:90"],
      publishRm: ["53/udp"],
      constraintAdd: ["node.role==worker"],
      constraintRm: ["node.labels.zone == east"],
      placementPrefAdd: ["spread=node.labels.rack"],
      mountAdd: ["type=bind,source=/srv,target=/www,readonly"],
      mountRm: ["/cache"],
      replicas: "7",
      maxReplicas: "3",
      limitMemory: "256m",
      reserveCpu: "0.5",
      restartDelay: "1s",
      stopGracePeriod: "3s",
    });
    expect(next.task?.container?.env).toEqual(["B=3", "C=4"]);
    expect(next.annotations?.labels).toEqual({ tier: "web" });
    expect(next.endpoint?.ports.map((p) => `${p.publishedPort}:${p.targetPort}/${p.protocol}`)).toEqual(["8080:80/TCP", "9090:90/TCP"]);
    expect(next.task?.placement?.constraints).toEqual(["node.role==worker"]);
    expect(next.task?.placement?.preferences.map((p) => p.spread?.spreadDescriptor)).toEqual(["node.labels.rack"]);
    expect(next.task?.placement?.maxReplicas).toBe(3);
    expect(next.task?.container?.mounts.map((m) => m.target)).toEqual(["/www"]);
    expect(next.replicated?.replicas).toBe(7);
    expect(next.task?.resources?.limits?.memoryBytes).toBe(256 * 1024 ** 2);
    expect(next.task?.resources?.reservations?.nanoCpus).toBe(5e8);
    expect(next.task?.restart).toMatchObject({ condition: "ON_FAILURE", delayMs: 1000 });
    expect(next.task?.container?.stopGracePeriodMs).toBe(3000);
  });

  it("--force bumps forceUpdate", () => {
    expect(applyServiceUpdate(current, { force: true }).task?.forceUpdate).toBe(1);
    expect(applyServiceUpdate(applyServiceUpdate(current, { force: true }), { force: true }).task?.forceUpdate).toBe(2);
  });

  it.each([
    [{ labelRm: ["nope"] }, '--label-rm: key "nope" doesn\'t exist in the labels'],
    [{ publishRm: ["7777"] }, '--publish-rm: no published port matches "7777"'],
    [{ constraintRm: ["node.id==x"] }, '--constraint-rm: constraint "node.id==x" is not set'],
    [{ mountRm: ["/nope"] }, '--mount-rm: no mount has target "/nope"'],
    [{ replicas: "-2" }, "--replicas: -2 is not ≥ 0"],
    [{ image: "Bad Image" }, 'spec.task.container.image: "Bad Image"'],
    [{ publishAdd: ["8080:81"] }, "spec.endpoint.ports[2].publishedPort: 8080/tcp is already published by spec.endpoint.ports[0]"],
    [{ limitMemory: "12 parsecs" }, '--limit-memory: invalid memory size "12 parsecs"'],
    [{ update: { parallelism: "x" } }, '--update-parallelism: invalid number "x"'],
  ])("rejects %j", (flags, message) => {
    expect(() => applyServiceUpdate(current, flags)).toThrow(message);
  });

  it("refuses --replicas on a global service", () => {
    const global = serviceSpecFromFlagsNormalized({ name: "g", image: "x", mode: "global" });
    expect(() => applyServiceUpdate(global, { replicas: "3" })).toThrow("--replicas: can only be used with replicated mode");
  });
});
