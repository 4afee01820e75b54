import { describe, expect, it } from "vitest";
import { normalizeServiceSpec } from "../spec/defaults.js";
import type { Service__Output } from "../gen/swarm/api/Service.js";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { UpdateStatus__Output } from "../gen/swarm/api/UpdateStatus.js";
import { newTask } from "../manager/orchestrator/tasks.js";
import { makeService } from "../store/objects.js";
import { updateProgress, watchUpdate } from "./update-progress.js";

const spec = (image: string) => normalizeServiceSpec({ annotations: { name: "web" }, task: { container: { image } }, replicated: { replicas: 3 } });
const svc = (image: string, status: Partial<UpdateStatus__Output> | null, specVersion = 2): Service__Output =>
  makeService({ id: "s1", spec: spec(image), specVersion, updateStatus: status === null ? null : { state: "UPDATING", startedAt: 1, completedAt: 0, message: "", ...status } });
const running = (s: Service__Output, slot: number): Task__Output => {
  const t = newTask(s, { kind: "slot", slot }, `t${slot}${s.specVersion}`, 0);
  return { ...t, nodeId: "n1", status: { ...t.status!, state: "RUNNING" } };
};
const v1 = svc("demo/web:1", null, 1);

describe("update progress", () => {
  it("counts the slots running the current spec", () => {
    const v2 = svc("demo/web:2", {});
    expect(updateProgress(v2, [running(v1, 1), running(v2, 2), running(v1, 3)], false)).toEqual({ line: "overall progress: 1 out of 3 tasks", done: false });
    const done = svc("demo/web:2", { state: "COMPLETED", message: "update completed" });
    expect(updateProgress(done, [1, 2, 3].map((i) => running(done, i)), false)).toEqual({ line: "overall progress: 3 out of 3 tasks", done: true });
    // A scale-only change never starts an update: done once the replicas run.
    expect(updateProgress(v1, [1, 2, 3].map((i) => running(v1, i)), false).done).toBe(true);
  });

  it("says when it rolls back, and fails when paused or rolled back automatically", () => {
    const back = svc("demo/web:1", { state: "ROLLBACK_STARTED", message: "update rolled back due to failure or early termination of task abc" }, 3);
    expect(updateProgress(back, [running(v1, 1)], false)).toEqual({
      line: "overall progress: rolling back update: 1 out of 3 tasks",
      note: "rollback: update rolled back due to failure or early termination of task abc",
      done: false,
    });
    const paused = svc("demo/web:2", { state: "PAUSED", message: "update paused due to failure or early termination of task xyz" });
    expect(updateProgress(paused, [], false)).toMatchObject({ done: true, error: "service update paused: update paused due to failure or early termination of task xyz" });
    const completed = svc("demo/web:1", { state: "ROLLBACK_COMPLETED", message: "rollback completed" }, 3);
    const all = [1, 2, 3].map((i) => running(v1, i));
    expect(updateProgress(completed, all, false).error).toMatch(/^service update rolled back/);
    expect(updateProgress(completed, all, true).done).toBe(true);
    expect(updateProgress(completed, all, true).error).toBeUndefined();
  });

  it("watchUpdate prints Docker's lines and throws on a pause", async () => {
    const seen: Service__Output[] = [svc("demo/web:2", {}), svc("demo/web:2", { state: "PAUSED", message: "update paused due to failure or early termination of task xyz" })];
    let i = 0;
    const out: string[] = [];
    const src = { service: async () => seen[Math.min(i++, seen.length - 1)]!, tasks: async () => [running(v1, 1)] };
    await expect(watchUpdate(src, false, 10_000, (s) => void out.push(s))).rejects.toThrow(/service update paused: update paused due to failure or early termination of task xyz/);
    expect(out.join("")).toContain("overall progress: 0 out of 3 tasks");
  });
});
