// The planner alone: hand-built services and tasks, no store, no loop.
import { describe, expect, it } from "vitest";
import { normalizeServiceSpec } from "../../../spec/defaults.js";
import type { Service__Output } from "../../../gen/swarm/api/Service.js";
import type { Task__Output } from "../../../gen/swarm/api/Task.js";
import type { UpdateConfig } from "../../../gen/swarm/api/UpdateConfig.js";
import { makeService } from "../../../store/objects.js";
import { testNode } from "../../scheduler/testing/fixtures.js";
import { newTask, TaskWrites } from "../tasks.js";
import { isTaskDirty } from "../../../spec/task-dirty.js";
import { planUpdate, UPDATE_UP_LABEL } from "./plan.js";

const NOW = 1_000_000;

function service(image: string, update: UpdateConfig, o: Partial<Service__Output> = {}): Service__Output {
  const spec = normalizeServiceSpec({ annotations: { name: "web" }, task: { container: { image } }, replicated: { replicas: 3 }, update });
  return { ...makeService({ id: "web", spec, specVersion: 2 }), ...o };
}

let ids = 0;
/** A task of `svc`'s spec in `slot`, observed `state`, on node n<slot>. */
function task(svc: Service__Output, slot: number, state: Task__Output["desiredState"], o: Partial<Task__Output> = {}): Task__Output {
  const t = newTask(svc, { kind: "slot", slot }, `t${++ids}`, NOW - 10_000);
  return { ...t, nodeId: `n${slot}`, status: { ...t.status!, state, timestamp: NOW - 5_000 }, ...o };
}

const nodes = new Map([1, 2, 3].map((i) => [`n${i}`, testNode(`n${i}`)] as const));
const v1 = service("demo/web:1", {}, { specVersion: 1 });

function plan(svc: Service__Output, tasks: Task__Output[], now = NOW) {
  const writes = new TaskWrites();
  const result = planUpdate(svc, { tasks, nodes, now, newId: () => `new${++ids}`, writes });
  const written = [...writes.tasks.values()];
  return { result, written, created: written.filter((t) => !tasks.some((x) => x.id === t.id)), changed: (id: string) => writes.tasks.get(id) };
}

describe("planUpdate", () => {
  it("dirty means another task spec or other ports; equal spec versions are clean", () => {
    const v2 = service("demo/web:2", {});
    expect(isTaskDirty(v2, task(v1, 1, "RUNNING"))).toBe(true);
    expect(isTaskDirty(v2, task(v2, 1, "RUNNING"))).toBe(false);
    // Same contents under another version (a rollback to a spec the task runs): clean.
    expect(isTaskDirty(v2, { ...task(v2, 1, "RUNNING"), specVersion: 7 })).toBe(false);
  });

  it("starts an update: UPDATING, `parallelism` slots, stop-first replacements desired READY", () => {
    const v2 = service("demo/web:2", { parallelism: 2 });
    const tasks = [1, 2, 3].map((s) => task(v1, s, "RUNNING"));
    const { result, created, changed } = plan(v2, tasks);
    expect(result.service?.updateStatus).toMatchObject({ state: "UPDATING", startedAt: NOW, message: "update in progress" });
    expect(created.map((t) => [Number(t.slot), t.desiredState, t.spec?.container?.image])).toEqual([
      [1, "READY", "demo/web:2"],
      [2, "READY", "demo/web:2"],
    ]);
    expect(changed(tasks[0]!.id)?.desiredState).toBe("SHUTDOWN");
    expect(changed(tasks[2]!.id)).toBeUndefined();
  });

  it("slots whose task is dead go first, and get a RUNNING replacement at once", () => {
    const v2 = service("demo/web:2", { parallelism: 1 }, { updateStatus: { state: "UPDATING", startedAt: NOW - 1, completedAt: 0, message: "" } });
    const tasks = [task(v1, 1, "RUNNING"), task(v1, 2, "RUNNING"), task(v1, 3, "FAILED")];
    const { created } = plan(v2, tasks);
    expect(created.map((t) => [Number(t.slot), t.desiredState])).toEqual([[3, "RUNNING"]]);
  });

  it("start-first keeps the old task until the replacement is up, then stamps it and shuts the old one down", () => {
    const v2 = service("demo/web:2", { parallelism: 1, order: "START_FIRST", delayMs: 1_000, monitorMs: 3_000 }, { updateStatus: { state: "UPDATING", startedAt: NOW - 100, completedAt: 0, message: "" } });
    const old = task(v1, 1, "RUNNING");
    const fresh = task(v2, 1, "STARTING", { meta: { version: 9, createdAt: NOW - 50, updatedAt: NOW - 50 } });
    const others = [task(v1, 2, "RUNNING"), task(v1, 3, "RUNNING")];
    const starting = plan(v2, [old, fresh, ...others]);
    expect(starting.written).toEqual([]); // in flight: nothing else starts
    const running = { ...fresh, status: { ...fresh.status!, state: "RUNNING" as const } };
    const up = plan(v2, [old, running, ...others]);
    expect(up.changed(running.id)?.annotations?.labels[UPDATE_UP_LABEL]).toBe(String(NOW));
    expect(up.changed(old.id)?.desiredState).toBe("SHUTDOWN");
    expect(up.created).toEqual([]); // the delay holds the worker
    expect(up.result.wakeAt).toBe(NOW + 1_000);
    const labelled = up.changed(running.id)!;
    const after = plan(v2, [{ ...old, desiredState: "SHUTDOWN" }, labelled, ...others], NOW + 1_000);
    expect(after.created.map((t) => [Number(t.slot), t.desiredState])).toEqual([[2, "RUNNING"]]);
  });

  it("a stop-first replacement is started once no old task of its slot holds the node", () => {
    const v2 = service("demo/web:2", {}, { updateStatus: { state: "UPDATING", startedAt: NOW - 100, completedAt: 0, message: "" } });
    const stopping = task(v1, 1, "RUNNING", { desiredState: "SHUTDOWN" });
    const fresh = task(v2, 1, "READY", { desiredState: "READY", meta: { version: 9, createdAt: NOW - 50, updatedAt: NOW - 50 } });
    const rest = [task(v1, 2, "RUNNING"), task(v1, 3, "RUNNING")];
    expect(plan(v2, [stopping, fresh, ...rest]).changed(fresh.id)).toBeUndefined();
    const stopped = { ...stopping, status: { ...stopping.status!, state: "SHUTDOWN" as const } };
    expect(plan(v2, [stopped, fresh, ...rest]).changed(fresh.id)?.desiredState).toBe("RUNNING");
  });

  it("the failure that crosses max_failure_ratio pauses the update and is named", () => {
    const v2 = service("demo/web:2", { parallelism: 0, maxFailureRatio: 0.34 }, { updateStatus: { state: "UPDATING", startedAt: NOW - 100, completedAt: 0, message: "" } });
    const fresh = (slot: number, state: Task__Output["desiredState"], at: number): Task__Output =>
      task(v2, slot, state, { id: `f${slot}`, meta: { version: slot, createdAt: NOW - 50, updatedAt: NOW }, status: { ...task(v2, slot, state).status!, state, timestamp: at } });
    const one = plan(v2, [fresh(1, "FAILED", NOW - 10), fresh(2, "RUNNING", NOW), fresh(3, "RUNNING", NOW)]);
    expect(one.result.service?.updateStatus?.state).not.toBe("PAUSED"); // 1/3 ≤ 0.34
    const two = plan(v2, [fresh(1, "FAILED", NOW - 10), fresh(2, "REJECTED", NOW - 5), fresh(3, "RUNNING", NOW)]);
    expect(two.result.service?.updateStatus).toMatchObject({ state: "PAUSED", completedAt: NOW, message: "update paused due to failure or early termination of task f2" });
  });

  it("rollback as failure action restores the previous spec; a failing rollback pauses", () => {
    const v2 = service("demo/web:2", { failureAction: "ROLLBACK" }, { previousSpec: v1.spec, updateStatus: { state: "UPDATING", startedAt: NOW - 100, completedAt: 0, message: "" } });
    const failed = task(v2, 1, "FAILED", { meta: { version: 1, createdAt: NOW - 50, updatedAt: NOW } });
    const back = plan(v2, [failed, task(v1, 2, "RUNNING"), task(v1, 3, "RUNNING")]).result.service!;
    expect(back.spec?.task?.container?.image).toBe("demo/web:1");
    expect(back.previousSpec?.task?.container?.image).toBe("demo/web:2");
    expect(back.specVersion).toBe(3);
    expect(back.updateStatus).toMatchObject({ state: "ROLLBACK_STARTED", startedAt: NOW, message: `update rolled back due to failure or early termination of task ${failed.id}` });
    const rollingBack = { ...back, updateStatus: { ...back.updateStatus!, startedAt: NOW - 100 } };
    const again = task(rollingBack, 1, "FAILED", { meta: { version: 1, createdAt: NOW - 50, updatedAt: NOW } });
    expect(plan(rollingBack, [again]).result.service?.updateStatus).toMatchObject({ state: "ROLLBACK_PAUSED", message: `rollback paused due to failure or early termination of task ${again.id}` });
  });

  it("completes once nothing is dirty, in flight or monitored; paused updates stay put", () => {
    const v2 = service("demo/web:2", { monitorMs: 5_000 }, { updateStatus: { state: "UPDATING", startedAt: NOW - 100, completedAt: 0, message: "" } });
    const labelled = (slot: number, at: number): Task__Output => {
      const t = task(v2, slot, "RUNNING", { meta: { version: 1, createdAt: NOW - 50, updatedAt: NOW } });
      return { ...t, annotations: { ...t.annotations!, labels: { [UPDATE_UP_LABEL]: String(at) } } };
    };
    const tasks = [labelled(1, NOW - 6_000), labelled(2, NOW - 6_000), labelled(3, NOW - 1_000)];
    expect(plan(v2, tasks).result).toEqual({ wakeAt: NOW + 4_000 });
    expect(plan(v2, tasks, NOW + 4_000).result.service?.updateStatus).toMatchObject({ state: "COMPLETED", completedAt: NOW + 4_000, message: "update completed" });
    const paused = { ...v2, updateStatus: { ...v2.updateStatus!, state: "PAUSED" as const } };
    expect(plan(paused, [1, 2, 3].map((s) => task(v1, s, "RUNNING")))).toMatchObject({ result: {}, written: [] });
    // No dirty task and no update: nothing to do, no state written.
    expect(plan(service("demo/web:2", {}), [task(service("demo/web:2", {}), 1, "RUNNING")]).result).toEqual({});
  });
});
