import { describe, expect, it } from "vitest";
import type { TaskState__Output } from "../gen/swarm/api/TaskState.js";
import type { TaskStatus__Output } from "../gen/swarm/api/TaskStatus.js";
import { TASK_STATES, taskStateOrder } from "../spec/task-state.js";
import { HEALTH_START, healthAfterCheck, resolveHealthPolicy } from "./health-policy.js";
import { applyEvent, initialStatus, nextAction, type TaskEvent, wantsStop } from "./task-machine.js";

const ctx = { now: 1000, nodeId: "node-1" };

function at(state: TaskState__Output, extra: Partial<TaskStatus__Output> = {}): TaskStatus__Output {
  return { ...initialStatus(state, 0), ...extra };
}

/** Drives the machine with a scripted outcome per action until `finished`; returns the states seen. */
function drive(outcomes: Partial<Record<string, TaskEvent>>, desired: TaskState__Output = "RUNNING"): TaskState__Output[] {
  let status = at("ASSIGNED");
  const seen: TaskState__Output[] = [];
  for (let i = 0; i < 20; i++) {
    const action = nextAction({ observed: status.state, desired });
    if (action.type === "finished") return seen;
    const events: TaskEvent[] =
      action.type === "accept"
        ? [{ type: "accepted" }]
        : action.type === "prepare"
          ? [{ type: "preparing" }, outcomes.prepare ?? { type: "prepared" }]
          : action.type === "start"
            ? [{ type: "starting" }, outcomes.start ?? { type: "started", containerId: "c1", pid: 42 }]
            : action.type === "wait"
              ? [outcomes.wait ?? { type: "exited", exitCode: 0 }]
              : action.type === "cancel"
                ? [{ type: "cancelled" }]
                : [{ type: "stopped", exitCode: 143 }];
    for (const e of events) {
      const next = applyEvent(status, e, ctx);
      expect(next, `event ${e.type} from ${status.state}`).not.toBeNull();
      if (next === null) return seen;
      expect(taskStateOrder(next.state)).toBeGreaterThan(taskStateOrder(status.state));
      status = next;
      seen.push(status.state);
    }
  }
  throw new Error(`did not finish: ${seen.join(" → ")}`);
}

describe("task state machine: one state forward at a time", () => {
  it("runs a task ASSIGNED → ACCEPTED → PREPARING → READY → STARTING → RUNNING → COMPLETE on exit 0", () => {
    expect(drive({})).toEqual(["ACCEPTED", "PREPARING", "READY", "STARTING", "RUNNING", "COMPLETE"]);
  });

  it("a non-zero exit is FAILED with the exit code and SwarmKit's error text", () => {
    let s = at("RUNNING", { containerStatus: { containerId: "c1", pid: 42, exitCode: 0 } });
    s = applyEvent(s, { type: "exited", exitCode: 3 }, ctx) ?? s;
    expect(s.state).toBe("FAILED");
    expect(s.err).toBe("task: non-zero exit (3)");
    expect(s.containerStatus).toEqual({ containerId: "c1", pid: 0, exitCode: 3 });
    expect(s.appliedBy).toBe("node-1");
    expect(s.timestamp).toBe(1000);
  });

  it("a missing image rejects the task during PREPARING and never starts it", () => {
    const seen = drive({ prepare: { type: "rejected", err: "image demo/x:1 not found on this node" } });
    expect(seen).toEqual(["ACCEPTED", "PREPARING", "REJECTED"]);
    const s = applyEvent(at("PREPARING"), { type: "rejected", err: "image demo/x:1 not found on this node" }, ctx);
    expect(s?.err).toContain("not found");
  });

  it("a start error is FAILED with the error", () => {
    expect(drive({ start: { type: "startFailed", err: "container c1: start: boom" } })).toEqual(["ACCEPTED", "PREPARING", "READY", "STARTING", "FAILED"]);
    expect(applyEvent(at("STARTING"), { type: "startFailed", err: "boom" }, ctx)?.err).toBe("boom");
  });

  it("desired SHUTDOWN stops a running task (SHUTDOWN, not FAILED, whatever the exit code)", () => {
    expect(nextAction({ observed: "RUNNING", desired: "SHUTDOWN" })).toEqual({ type: "shutdown" });
    const s = applyEvent(at("RUNNING"), { type: "stopped", exitCode: 143 }, ctx);
    expect(s?.state).toBe("SHUTDOWN");
    expect(s?.containerStatus?.exitCode).toBe(143);
  });

  it("desired past RUNNING before the container ran cancels it without starting", () => {
    for (const observed of ["NEW", "ASSIGNED", "ACCEPTED", "PREPARING", "READY", "STARTING"] as const) {
      for (const desired of ["COMPLETE", "SHUTDOWN", "REMOVE"] as const) {
        expect(nextAction({ observed, desired })).toEqual({ type: "cancel" });
      }
    }
    expect(drive({}, "SHUTDOWN")).toEqual(["SHUTDOWN"]);
  });

  it("desired ≤ RUNNING never stops; wantsStop is exactly 'past RUNNING'", () => {
    for (const s of TASK_STATES) expect(wantsStop(s)).toBe(taskStateOrder(s) > taskStateOrder("RUNNING"));
    expect(nextAction({ observed: "RUNNING", desired: "READY" })).toEqual({ type: "wait" });
    // Desired READY (a stop-first update's replacement): prepared, then held until desired RUNNING.
    expect(nextAction({ observed: "ACCEPTED", desired: "READY" })).toEqual({ type: "prepare" });
    expect(nextAction({ observed: "READY", desired: "READY" })).toEqual({ type: "hold" });
    expect(nextAction({ observed: "READY", desired: "RUNNING" })).toEqual({ type: "start" });
    expect(nextAction({ observed: "READY", desired: "SHUTDOWN" })).toEqual({ type: "cancel" });
  });

  it("every final state is finished whatever is desired", () => {
    for (const observed of ["COMPLETE", "SHUTDOWN", "FAILED", "REJECTED", "ORPHANED"] as const) {
      for (const desired of ["RUNNING", "SHUTDOWN", "REMOVE"] as const) expect(nextAction({ observed, desired }).type).toBe("finished");
    }
  });

  it("never moves backwards or sideways: late or repeated events are refused", () => {
    const all: TaskEvent[] = [
      { type: "accepted" },
      { type: "preparing" },
      { type: "prepared" },
      { type: "rejected", err: "x" },
      { type: "starting" },
      { type: "started", containerId: "c", pid: 1 },
      { type: "startFailed", err: "x" },
      { type: "exited", exitCode: 0 },
      { type: "exited", exitCode: 1 },
      { type: "stopped", exitCode: 0 },
      { type: "cancelled" },
      { type: "unhealthyStopped", exitCode: 0, output: "" },
      { type: "lost", err: "x" },
    ];
    for (const state of TASK_STATES) {
      for (const e of all) {
        const next = applyEvent(at(state), e, ctx);
        if (next !== null) expect(taskStateOrder(next.state), `${e.type} from ${state}`).toBeGreaterThan(taskStateOrder(state));
      }
    }
    // e.g. the wait of a task that was already shut down reports its exit late: refused
    expect(applyEvent(at("SHUTDOWN"), { type: "exited", exitCode: 0 }, ctx)).toBeNull();
    expect(applyEvent(at("FAILED"), { type: "started", containerId: "c", pid: 1 }, ctx)).toBeNull();
    expect(applyEvent(at("RUNNING"), { type: "started", containerId: "c", pid: 1 }, ctx)).toBeNull();
  });

  it("an unhealthy running task is stopped and FAILED with health UNHEALTHY and the probe output", () => {
    expect(nextAction({ observed: "RUNNING", desired: "RUNNING", unhealthy: true })).toEqual({ type: "failUnhealthy" });
    const s = applyEvent(at("RUNNING"), { type: "unhealthyStopped", exitCode: 143, output: "exit 1: 404 Not Found" }, ctx);
    expect(s).toMatchObject({ state: "FAILED", health: "UNHEALTHY", err: "task: container unhealthy: exit 1: 404 Not Found" });
    // desired shutdown wins over unhealthy
    expect(nextAction({ observed: "RUNNING", desired: "SHUTDOWN", unhealthy: true })).toEqual({ type: "shutdown" });
  });

  it("health changes only while RUNNING, and only when the health differs", () => {
    const r = applyEvent(at("RUNNING"), { type: "health", health: "HEALTHY" }, ctx);
    expect(r).toMatchObject({ state: "RUNNING", health: "HEALTHY", message: "health: healthy" });
    expect(applyEvent(r ?? at("RUNNING"), { type: "health", health: "HEALTHY" }, ctx)).toBeNull();
    expect(applyEvent(at("STARTING"), { type: "health", health: "HEALTHY" }, ctx)).toBeNull();
    expect(applyEvent(at("COMPLETE"), { type: "health", health: "UNHEALTHY" }, ctx)).toBeNull();
  });

  it("keeps the container id across the exit and clears the pid", () => {
    const running = applyEvent(at("STARTING"), { type: "started", containerId: "c9", pid: 77 }, ctx);
    expect(running?.containerStatus).toEqual({ containerId: "c9", pid: 77, exitCode: 0 });
    const done = running && applyEvent(running, { type: "exited", exitCode: 0 }, ctx);
    expect(done?.containerStatus).toEqual({ containerId: "c9", pid: 0, exitCode: 0 });
  });
});

describe("health policy", () => {
  const imageCheck = { test: ["CMD-SHELL", "wget -q http://127.0.0.1/"], intervalNs: 1e9, timeoutNs: 2e9, startPeriodNs: 0, retries: 0 };

  it("inherits the image's check when the spec has none, with the image's durations and default retries", () => {
    expect(resolveHealthPolicy(null, imageCheck)).toEqual({
      argv: ["/bin/sh", "-c", "wget -q http://127.0.0.1/"],
      intervalMs: 1000,
      timeoutMs: 2000,
      retries: 3,
      startPeriodMs: 0,
    });
  });

  it("the spec overrides test and durations; NONE disables; no check anywhere is null", () => {
    const spec = { test: ["CMD", "/bin/true"], intervalMs: 200, retries: 2, startPeriodMs: 0 };
    expect(resolveHealthPolicy(spec, imageCheck)).toEqual({ argv: ["/bin/true"], intervalMs: 200, timeoutMs: 2000, retries: 2, startPeriodMs: 0 });
    expect(resolveHealthPolicy({ test: ["NONE"], startPeriodMs: 0 }, imageCheck)).toBeNull();
    expect(resolveHealthPolicy({ test: [], startPeriodMs: 0 }, null)).toBeNull();
    expect(resolveHealthPolicy({ test: [], intervalMs: 500, startPeriodMs: 0 }, imageCheck)?.intervalMs).toBe(500);
  });

  it("refuses a malformed test naming the field", () => {
    expect(() => resolveHealthPolicy({ test: ["SHELL", "x"], startPeriodMs: 0 }, null)).toThrow(/spec\.container\.healthcheck\.test: \["SHELL","x"\] is not/);
    expect(() => resolveHealthPolicy({ test: ["CMD"], startPeriodMs: 0 }, null)).toThrow(/healthcheck\.test/);
  });

  it("turns unhealthy after `retries` consecutive failures; a pass resets; start-period failures do not count", () => {
    const policy = { argv: ["x"], intervalMs: 1, timeoutMs: 1, retries: 3, startPeriodMs: 1000 };
    let t = HEALTH_START;
    t = healthAfterCheck(t, false, 500, policy); // inside the start period: ignored
    expect(t).toEqual(HEALTH_START);
    t = healthAfterCheck(t, false, 1500, policy);
    t = healthAfterCheck(t, false, 1600, policy);
    expect(t).toEqual({ health: "HEALTH_STARTING", consecutiveFailures: 2 });
    t = healthAfterCheck(t, true, 1700, policy);
    expect(t).toEqual({ health: "HEALTHY", consecutiveFailures: 0 });
    t = healthAfterCheck(t, false, 1800, policy);
    t = healthAfterCheck(t, false, 1900, policy);
    expect(t.health).toBe("HEALTHY");
    t = healthAfterCheck(t, false, 2000, policy);
    expect(t).toEqual({ health: "UNHEALTHY", consecutiveFailures: 3 });
  });
});
