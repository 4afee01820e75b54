// The task runner over a scripted in-memory Controller (the state machine's I/O boundary), so the
// ordering of reports and controller calls is checked without root. The real controller is covered by
// agent.int.test.ts.
import { describe, expect, it } from "vitest";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { TaskState__Output } from "../gen/swarm/api/TaskState.js";
import type { TaskStatus__Output } from "../gen/swarm/api/TaskStatus.js";
import { taskStateOrder } from "../spec/task-state.js";
import { silentLogger } from "../lib/logger.js";
import type { Controller, ProbeResult, TaskExit } from "./controller.js";
import type { HealthPolicy } from "./health-policy.js";
import { initialStatus } from "./task-machine.js";
import { TaskRunner } from "./task-runner.js";

class ScriptedController implements Controller {
  readonly calls: string[] = [];
  prepareError: Error | undefined;
  startError: Error | undefined;
  policy: HealthPolicy | null = null;
  probePasses = true;
  private exitResolve: ((e: TaskExit) => void) | undefined;
  private readonly exited: Promise<TaskExit>;
  constructor() {
    this.exited = new Promise((r) => (this.exitResolve = r));
  }
  /** The container's process ends by itself. */
  exit(code: number): void {
    this.exitResolve?.({ exitCode: code });
  }
  prepare(): Promise<void> {
    this.calls.push("prepare");
    return this.prepareError ? Promise.reject(this.prepareError) : Promise.resolve();
  }
  start(): Promise<{ containerId: string; pid: number }> {
    this.calls.push("start");
    return this.startError ? Promise.reject(this.startError) : Promise.resolve({ containerId: "c1", pid: 4242 });
  }
  wait(): Promise<TaskExit> {
    return this.exited;
  }
  shutdown(graceMs: number): Promise<TaskExit> {
    this.calls.push(`shutdown(${String(graceMs)})`);
    this.exit(143);
    return this.exited;
  }
  terminate(): Promise<void> {
    this.calls.push("terminate");
    return Promise.resolve();
  }
  remove(): Promise<void> {
    this.calls.push("remove");
    return Promise.resolve();
  }
  healthPolicy(): HealthPolicy | null {
    return this.policy;
  }
  probe(): Promise<ProbeResult> {
    this.calls.push("probe");
    return Promise.resolve(this.probePasses ? { passed: true, output: "" } : { passed: false, output: "exit 1: 404" });
  }
}

function task(desiredState: TaskState__Output = "RUNNING", grace?: number): Task__Output {
  return {
    id: "t1",
    desiredState,
    imageDigest: "",
    spec: { container: grace === undefined ? null : ({ stopGracePeriodMs: grace } as never), resources: null, restart: null, placement: null, forceUpdate: 0 },
  } as unknown as Task__Output;
}

function runner(ctl: Controller, t: Task__Output = task(), beforeStop?: (task: Task__Output, graceMs: number) => Promise<void>): { r: TaskRunner; reports: TaskStatus__Output[] } {
  const reports: TaskStatus__Output[] = [];
  let now = 0;
  const r = new TaskRunner({
    task: t,
    controller: ctl,
    nodeId: "n1",
    clock: () => ++now,
    initial: initialStatus("ASSIGNED", 0),
    report: (s) => {
      reports.push(s);
      return Promise.resolve();
    },
    logger: silentLogger(),
    ...(beforeStop !== undefined ? { beforeStop } : {}),
  });
  return { r, reports };
}

async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const states = (reports: TaskStatus__Output[]): string[] => reports.map((s) => (s.state === "RUNNING" && s.health !== "NO_HEALTHCHECK" ? `RUNNING/${s.health}` : s.state));

function expectForwardOnly(reports: TaskStatus__Output[]): void {
  for (let i = 1; i < reports.length; i++) {
    const a = reports[i - 1] as TaskStatus__Output;
    const b = reports[i] as TaskStatus__Output;
    expect(taskStateOrder(b.state)).toBeGreaterThanOrEqual(taskStateOrder(a.state));
  }
}

describe("task runner", () => {
  it("reports every state in order, then COMPLETE on exit 0, and frees the container once", async () => {
    const ctl = new ScriptedController();
    const { r, reports } = runner(ctl);
    await until("RUNNING", () => r.status.state === "RUNNING");
    expect(reports.at(-1)?.containerStatus).toEqual({ containerId: "c1", pid: 4242, exitCode: 0 });
    ctl.exit(0);
    await until("remove", () => ctl.calls.includes("remove"));
    expect(states(reports)).toEqual(["ACCEPTED", "PREPARING", "READY", "STARTING", "RUNNING", "COMPLETE"]);
    expect(reports.every((s) => s.appliedBy === "n1")).toBe(true);
    await r.remove();
    expect(ctl.calls).toEqual(["prepare", "start", "remove"]);
  });

  it("desired SHUTDOWN stops the container with the spec's grace period: SHUTDOWN (not FAILED), then remove", async () => {
    const ctl = new ScriptedController();
    const { r, reports } = runner(ctl, task("RUNNING", 2500));
    await until("RUNNING", () => r.status.state === "RUNNING");
    r.update(task("SHUTDOWN", 2500));
    await until("remove", () => ctl.calls.includes("remove"));
    expect(ctl.calls).toEqual(["prepare", "start", "shutdown(2500)", "remove"]);
    expect(states(reports)).toEqual(["ACCEPTED", "PREPARING", "READY", "STARTING", "RUNNING", "SHUTDOWN"]);
    expect(reports.at(-1)?.containerStatus?.exitCode).toBe(143);
    await r.remove();
  });

  it("drains before the stop signal (beforeStop), bounded by the grace period", async () => {
    const ctl = new ScriptedController();
    const { r } = runner(ctl, task("RUNNING", 2500), (_t, grace) => {
      ctl.calls.push(`drain(${String(grace)})`);
      return Promise.resolve();
    });
    await until("RUNNING", () => r.status.state === "RUNNING");
    r.update(task("SHUTDOWN", 2500));
    await until("remove", () => ctl.calls.includes("remove"));
    expect(ctl.calls).toEqual(["prepare", "start", "drain(2500)", "shutdown(2500)", "remove"]);
    await r.remove();
    // A drain that never ends is cut at the grace period; the stop goes on.
    const slow = new ScriptedController();
    const started = Date.now();
    const { r: r2 } = runner(slow, task("RUNNING", 200), () => new Promise<void>(() => undefined));
    await until("RUNNING", () => r2.status.state === "RUNNING");
    r2.update(task("SHUTDOWN", 200));
    await until("remove", () => slow.calls.includes("remove"));
    expect(slow.calls).toEqual(["prepare", "start", "shutdown(200)", "remove"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    await r2.remove();
  });

  it("a prepare failure is REJECTED with the error; nothing is started", async () => {
    const ctl = new ScriptedController();
    ctl.prepareError = new Error("image demo/nope:1 not found on this node");
    const { r, reports } = runner(ctl);
    await until("REJECTED", () => r.status.state === "REJECTED");
    expect(reports.at(-1)?.err).toBe("image demo/nope:1 not found on this node");
    await r.remove();
    expect(ctl.calls).toEqual(["prepare", "remove"]);
  });

  it("a start failure is FAILED with the error", async () => {
    const ctl = new ScriptedController();
    ctl.startError = new Error("container c1: start: no such file");
    const { r, reports } = runner(ctl);
    await until("FAILED", () => r.status.state === "FAILED");
    expect(states(reports)).toEqual(["ACCEPTED", "PREPARING", "READY", "STARTING", "FAILED"]);
    await r.remove();
  });

  it("a failing health check reports UNHEALTHY, then stops the container and reports FAILED", async () => {
    const ctl = new ScriptedController();
    ctl.policy = { argv: ["check"], intervalMs: 5, timeoutMs: 100, retries: 2, startPeriodMs: 0 };
    ctl.probePasses = false;
    const { r, reports } = runner(ctl, task("RUNNING", 1000));
    await until("FAILED", () => r.status.state === "FAILED");
    expect(states(reports)).toEqual(["ACCEPTED", "PREPARING", "READY", "STARTING", "RUNNING", "RUNNING/HEALTH_STARTING", "RUNNING/UNHEALTHY", "FAILED"]);
    expect(reports.at(-1)).toMatchObject({ health: "UNHEALTHY", err: "task: container unhealthy: exit 1: 404" });
    expect(ctl.calls.filter((c) => c === "probe")).toHaveLength(2);
    expect(ctl.calls).toContain("shutdown(1000)");
    expectForwardOnly(reports);
    await r.remove();
  });

  it("a passing health check reports HEALTHY while RUNNING", async () => {
    const ctl = new ScriptedController();
    ctl.policy = { argv: ["check"], intervalMs: 5, timeoutMs: 100, retries: 3, startPeriodMs: 0 };
    const { r, reports } = runner(ctl);
    await until("HEALTHY", () => r.status.health === "HEALTHY");
    expect(r.status.state).toBe("RUNNING");
    ctl.exit(0);
    await until("COMPLETE", () => r.status.state === "COMPLETE");
    expectForwardOnly(reports);
    await r.remove();
  });

  it("desired SHUTDOWN before the task ran cancels it: SHUTDOWN without prepare or start", async () => {
    const ctl = new ScriptedController();
    const { r, reports } = runner(ctl, task("SHUTDOWN"));
    await until("SHUTDOWN", () => r.status.state === "SHUTDOWN");
    expect(states(reports)).toEqual(["SHUTDOWN"]);
    await r.remove();
    expect(ctl.calls).toEqual(["remove"]);
  });

  it("detach leaves a running container alone (no stop, no remove)", async () => {
    const ctl = new ScriptedController();
    const { r } = runner(ctl);
    await until("RUNNING", () => r.status.state === "RUNNING");
    await r.detach();
    expect(ctl.calls).toEqual(["prepare", "start"]);
  });

  it("remove of a running task stops it first", async () => {
    const ctl = new ScriptedController();
    const { r, reports } = runner(ctl);
    await until("RUNNING", () => r.status.state === "RUNNING");
    await r.remove();
    expect(ctl.calls).toEqual(["prepare", "start", "shutdown(10000)", "remove"]);
    expect(reports.at(-1)?.state).toBe("SHUTDOWN");
  });
});
