import { describe, expect, it } from "vitest";
import { makeService, makeTask } from "../../store/objects.js";
import { LocalProposer, Store } from "../../store/store.js";
import { newTask, restartDecision, RESTART_HISTORY_LABEL, TaskWrites, withDesired } from "./tasks.js";

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
