import { describe, expect, it } from "vitest";
import { makeService, makeTask } from "../../store/objects.js";
import { LocalProposer, Store } from "../../store/store.js";
import { newestWins, newTask, restartDecision, RESTART_HISTORY_LABEL, superviseDead, TaskWrites, withDesired, type ServicePass } from "./tasks.js";

const T0 = 1_000_000;

function dead(state: "FAILED" | "COMPLETE" | "SHUTDOWN", restart: object, history = ""): ReturnType<typeof makeTask> {
  return makeTask({
    id: "t",
    meta: { version: 3, createdAt: T0 - 10, updatedAt: T0 },
    spec: { restart },
    annotations: { labels: history === "" ? {} : { [RESTART_HISTORY_LABEL]: history } },
    status: { state },
    desiredState: "RUNNING",
  });
}

describe("restartDecision", () => {
  it("waits for the delay counted from when the stop was stored, then restarts recording the time", () => {
    const t = dead("FAILED", { condition: "ANY", delayMs: 500 });
    expect(restartDecision(t, T0 + 499)).toEqual({ kind: "wait", until: T0 + 500 });
    expect(restartDecision(t, T0 + 500)).toEqual({ kind: "restart", history: [T0 + 500] });
  });

  it("follows the condition", () => {
    expect(restartDecision(dead("FAILED", { condition: "NONE" }), T0).kind).toBe("give-up");
    expect(restartDecision(dead("COMPLETE", { condition: "ON_FAILURE", delayMs: 0 }), T0).kind).toBe("give-up");
    expect(restartDecision(dead("SHUTDOWN", { condition: "ON_FAILURE", delayMs: 0 }), T0).kind).toBe("restart");
    expect(restartDecision(dead("COMPLETE", { condition: "ANY", delayMs: 0 }), T0).kind).toBe("restart");
  });

  it("counts attempts from the task's history within the window", () => {
    const policy = { condition: "ANY", delayMs: 0, maxAttempts: 2, windowMs: 1_000 };
    expect(restartDecision(dead("FAILED", policy, `${T0 - 100},${T0 - 50}`), T0)).toEqual({
      kind: "give-up",
      message: "task failed; restart policy gave up after 2 restart attempts within 1000 ms",
    });
    expect(restartDecision(dead("FAILED", policy, `${T0 - 5_000},${T0 - 50}`), T0)).toEqual({ kind: "restart", history: [T0 - 50, T0] });
    expect(restartDecision(dead("FAILED", { ...policy, windowMs: 0 }, `${T0 - 5_000},${T0 - 50}`), T0).kind).toBe("give-up");
  });
});

describe("TaskWrites.flush", () => {
  it("caps the writes per transaction without separating a task from its replacement", async () => {
    const proposer = new LocalProposer();
    const store = new Store({ proposer });
    proposer.attach(store);
    const service = makeService({ id: "s", spec: { annotations: { name: "s" }, task: { container: { image: "x" } } } });
    await store.update((tx) => {
      tx.create("task", makeTask({ id: "a", serviceId: "s", slot: 1, desiredState: "RUNNING" }));
      tx.create("task", makeTask({ id: "b", serviceId: "s", slot: 2, desiredState: "RUNNING" }));
    });
    const writes = new TaskWrites();
    store.view((tx) => {
      writes.update(withDesired(tx.get("task", "a")!, "SHUTDOWN"));
      writes.replace(withDesired(tx.get("task", "b")!, "SHUTDOWN"), newTask(service, { kind: "slot", slot: 2 }, "b2", T0));
    });
    let more = false;
    await store.update((tx) => (more = writes.flush(tx, 2)));
    expect(more).toBe(true);
    const tasks = () => new Map(store.view((tx) => tx.list("task")).map((t) => [t.id, t.desiredState] as const));
    expect(tasks()).toEqual(new Map([["a", "SHUTDOWN"], ["b", "RUNNING"]]));
  });
});

describe("superviseDead", () => {
  const service = makeService({ id: "s", specVersion: 1, spec: { annotations: { name: "s" }, task: { container: { image: "x" } } } });
  const pass = (): ServicePass => ({ service, now: T0, tuning: { orphanAfterMs: 0, newId: () => "r1" }, writes: new TaskWrites() });
  const written = (p: ServicePass): [string, string][] => [...p.writes.tasks.values()].map((t) => [t.id, t.desiredState]);

  it("only shuts down a dead task whose place another task covers", () => {
    const p = pass();
    expect(superviseDead(p, dead("FAILED", { condition: "ANY", delayMs: 0 }), { kind: "slot", slot: 1 }, true)).toEqual({ holder: undefined, wakeAt: undefined });
    expect(written(p)).toEqual([["t", "SHUTDOWN"]]);
  });

  it("replaces a task due for a restart in the same place, recording the restart", () => {
    const p = pass();
    const s = superviseDead(p, dead("FAILED", { condition: "ANY", delayMs: 0 }, `${T0 - 50}`), { kind: "node", nodeId: "n1" }, false);
    expect(s.wakeAt).toBeUndefined();
    expect([s.holder?.id, s.holder?.nodeId, s.holder?.annotations?.labels[RESTART_HISTORY_LABEL]]).toEqual(["r1", "n1", `${T0 - 50},${T0}`]);
    expect(written(p)).toEqual([["t", "SHUTDOWN"], ["r1", "RUNNING"]]);
  });

  it("keeps a task waiting for its delay in place and says when to look again", () => {
    const p = pass();
    const task = dead("FAILED", { condition: "ANY", delayMs: 500 });
    expect(superviseDead(p, task, { kind: "slot", slot: 1 }, false)).toEqual({ holder: task, wakeAt: T0 + 500 });
    expect(written(p)).toEqual([]);
  });

  it("gives up: the task stays in place desired COMPLETE with the reason", () => {
    const p = pass();
    const s = superviseDead(p, dead("FAILED", { condition: "NONE" }), { kind: "slot", slot: 1 }, false);
    expect([s.holder?.id, s.holder?.desiredState, s.holder?.status?.message, s.wakeAt]).toEqual(["t", "COMPLETE", "task failed; not restarted (restart condition none)", undefined]);
    expect(written(p)).toEqual([["t", "COMPLETE"]]);
  });
});

describe("newestWins", () => {
  const service = makeService({ id: "s", specVersion: 2, spec: { annotations: { name: "s" }, task: { container: { image: "x:2" } } } });
  const task = (id: string, createdAt: number, specVersion: number): ReturnType<typeof makeTask> =>
    makeTask({ id, meta: { version: 1, createdAt, updatedAt: createdAt }, specVersion, spec: { container: { image: `x:${specVersion}` } }, desiredState: "RUNNING" });

  it("keeps the newest of a place's tasks and calls the older ones surplus, oldest first", () => {
    const { newest, surplus } = newestWins(service, [task("b", 2, 2), task("c", 3, 2), task("a", 1, 2)]);
    expect([newest.id, surplus.map((t) => t.id)]).toEqual(["c", ["a", "b"]]);
  });

  it("leaves a place mixing the old and the current spec to the updater", () => {
    const { newest, surplus } = newestWins(service, [task("old", 1, 1), task("new", 2, 2)]);
    expect([newest.id, surplus]).toEqual(["new", []]);
  });
});
