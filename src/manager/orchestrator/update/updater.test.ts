// The updater against a real store with the other leader components and simulated agents
// (orchestrator/test-harness.ts): the clock is injected, so delays and monitor windows are exact.
import { afterEach, describe, expect, it } from "vitest";
import type { Task__Output } from "../../../gen/swarm/api/Task.js";
import type { UpdateConfig } from "../../../gen/swarm/api/UpdateConfig.js";
import { Harness } from "../testing/harness.js";
import { wantedRunning } from "../tasks.js";
import { UPDATE_UP_LABEL } from "./plan.js";

let h: Harness;
afterEach(async () => {
  await h.stop();
});

const image = (t: Task__Output): string => t.spec?.container?.image ?? "";
/** Tasks of the service desired and observed RUNNING with this image. */
const runningWith = (img: string): Task__Output[] => h.running("web").filter((t) => image(t) === img);
/** Tasks of the image wanted running (created by the update, up or not). */
const wantedWith = (img: string): Task__Output[] => h.tasks("web").filter((t) => wantedRunning(t) && image(t) === img);

async function webService(replicas: number, update: UpdateConfig, rollback: UpdateConfig = {}): Promise<void> {
  h = new Harness();
  for (let i = 1; i <= 5; i++) await h.addNode(`n${i}`);
  h.start();
  await h.createService("web", { replicated: { replicas }, task: { container: { image: "demo/web:1" } }, update, rollback });
  await h.until(`${replicas} running v1`, () => runningWith("demo/web:1").length === replicas);
}

const toImage = (img: string) => (spec: { task: { container?: { image: string } | null } | null }) => {
  spec.task!.container!.image = img;
};

describe("rolling update", () => {
  it("replaces 5 replicas two at a time, waits the delay after each replacement is up, completes after the monitor", async () => {
    await webService(5, { parallelism: 2, delayMs: 1_000, monitorMs: 5_000 });
    await h.updateSpec("web", toImage("demo/web:2"));
    await h.until("2 running v2", () => runningWith("demo/web:2").length === 2);
    expect(h.service("web").updateStatus).toMatchObject({ state: "UPDATING", message: "update in progress" });
    await h.until("both up-labelled", () => runningWith("demo/web:2").every((t) => t.annotations?.labels[UPDATE_UP_LABEL] !== undefined));
    // Within the delay no third slot starts.
    await h.advance(999);
    await h.agentRound();
    expect(wantedWith("demo/web:2")).toHaveLength(2);
    expect(runningWith("demo/web:1")).toHaveLength(3);
    await h.advance(1);
    await h.until("4 running v2", () => runningWith("demo/web:2").length === 4);
    expect(wantedWith("demo/web:2")).toHaveLength(4);
    await h.advance(1_000);
    await h.until("5 running v2", () => runningWith("demo/web:2").length === 5 && wantedWith("demo/web:1").length === 0);
    expect(h.running("web").map((t) => Number(t.slot)).sort()).toEqual([1, 2, 3, 4, 5]);
    // The last replacement is still monitored.
    await h.advance(4_000);
    expect(h.service("web").updateStatus?.state).toBe("UPDATING");
    await h.advance(1_000);
    await h.until("completed", () => h.service("web").updateStatus?.state === "COMPLETED");
    expect(h.service("web").updateStatus?.message).toBe("update completed");
    expect(h.service("web").updateStatus?.completedAt).toBe(h.now);
    // Every old task was shut down, none removed early.
    expect(h.tasks("web").filter((t) => image(t) === "demo/web:1").every((t) => t.desiredState === "SHUTDOWN" && t.status?.state === "SHUTDOWN")).toBe(true);
  });

  it("parallelism 0 replaces every slot at once", async () => {
    await webService(4, { parallelism: 0, monitorMs: 0 });
    await h.updateSpec("web", toImage("demo/web:2"));
    await h.until("4 v2 wanted at once", () => wantedWith("demo/web:2").length === 4);
    await h.until("completed", () => runningWith("demo/web:2").length === 4 && h.service("web").updateStatus?.state === "COMPLETED");
  });

  it("stop-first: the replacement is prepared (desired READY) and only started once the old task stopped", async () => {
    await webService(1, { parallelism: 1, monitorMs: 0 });
    h.agents = false;
    const old = h.running("web")[0]!;
    await h.updateSpec("web", toImage("demo/web:2"));
    await waitFor("replacement created", () => wantedWith("demo/web:2").length === 1);
    const fresh = wantedWith("demo/web:2")[0]!;
    expect(fresh.desiredState).toBe("READY");
    expect(fresh.slot).toBe(old.slot);
    expect(task(old.id).desiredState).toBe("SHUTDOWN");
    await h.advance(0);
    expect(task(fresh.id).desiredState).toBe("READY");
    await h.report(old.id, "SHUTDOWN");
    await waitFor("replacement desired RUNNING", () => task(fresh.id).desiredState === "RUNNING");
    h.agents = true;
    await h.until("completed", () => h.service("web").updateStatus?.state === "COMPLETED" && runningWith("demo/web:2").length === 1);
  });

  it("start-first: the old task keeps running until its replacement is up; the orchestrator leaves the pair alone", async () => {
    await webService(2, { parallelism: 1, monitorMs: 0, order: "START_FIRST" });
    h.agents = false;
    await h.updateSpec("web", toImage("demo/web:2"));
    await waitFor("replacement created", () => wantedWith("demo/web:2").length === 1);
    const fresh = wantedWith("demo/web:2")[0]!;
    expect(fresh.desiredState).toBe("RUNNING");
    await h.advance(0);
    expect(wantedWith("demo/web:1")).toHaveLength(2); // both old tasks still wanted
    await waitFor("assigned", () => task(fresh.id).status?.state === "ASSIGNED");
    await h.report(fresh.id, "RUNNING");
    await waitFor("old of that slot shut down", () => wantedWith("demo/web:1").length === 1 && h.tasks("web").some((t) => t.slot === fresh.slot && image(t) === "demo/web:1" && t.desiredState === "SHUTDOWN"));
    h.agents = true;
    await h.until("completed", () => h.service("web").updateStatus?.state === "COMPLETED" && runningWith("demo/web:2").length === 2);
  });

  it("a replacement with a health check counts as up only once healthy", async () => {
    await webService(1, { parallelism: 1, monitorMs: 0, order: "START_FIRST" });
    h.agents = false;
    await h.updateSpec("web", toImage("demo/web:2"));
    await waitFor("replacement assigned", () => wantedWith("demo/web:2")[0]?.status?.state === "ASSIGNED");
    const fresh = wantedWith("demo/web:2")[0]!;
    await setStatus(fresh.id, { state: "RUNNING", health: "HEALTH_STARTING" });
    await h.advance(0);
    expect(wantedWith("demo/web:1")).toHaveLength(1);
    await setStatus(fresh.id, { health: "HEALTHY" });
    await waitFor("old shut down", () => wantedWith("demo/web:1").length === 0);
  });
});

describe("update failures", () => {
  it("failure action rollback: a broken image sends the service back to v1 with the rollback config", async () => {
    await webService(5, { parallelism: 2, monitorMs: 5_000, failureAction: "ROLLBACK" }, { parallelism: 2, monitorMs: 1_000 });
    h.broken.add("demo/broken:1");
    await h.updateSpec("web", toImage("demo/broken:1"));
    await h.until("rolling back", () => h.service("web").updateStatus?.state === "ROLLBACK_STARTED");
    const status = h.service("web").updateStatus!;
    expect(status.message).toMatch(/^update rolled back due to failure or early termination of task [a-z0-9]+$/);
    const culprit = status.message.split(" ").pop()!;
    expect(task(culprit).status?.state).toBe("FAILED");
    expect(image(task(culprit))).toBe("demo/broken:1");
    expect(h.service("web").spec?.task?.container?.image).toBe("demo/web:1");
    expect(h.service("web").previousSpec?.task?.container?.image).toBe("demo/broken:1");
    await h.until("5 running v1", () => runningWith("demo/web:1").length === 5 && wantedWith("demo/broken:1").length === 0);
    await h.advance(1_000);
    await h.until("rollback completed", () => h.service("web").updateStatus?.state === "ROLLBACK_COMPLETED");
    expect(h.service("web").updateStatus?.message).toBe(`${status.message} (rollback completed)`);
    // Only the first batch was ever touched: three v1 tasks ran through the whole thing.
    expect(h.tasks("web").filter((t) => image(t) === "demo/broken:1")).toHaveLength(2);
  });

  it("failure action pause: stops after the first failed batch and names the task", async () => {
    await webService(5, { parallelism: 2, monitorMs: 5_000, failureAction: "PAUSE" });
    h.broken.add("demo/broken:1");
    await h.updateSpec("web", toImage("demo/broken:1"));
    await h.until("paused", () => h.service("web").updateStatus?.state === "PAUSED");
    const message = h.service("web").updateStatus!.message;
    expect(message).toMatch(/^update paused due to failure or early termination of task [a-z0-9]+$/);
    expect(task(message.split(" ").pop()!).status?.state).toBe("FAILED");
    await h.advance(10_000);
    await h.agentRound();
    await h.advance(0);
    expect(h.service("web").updateStatus?.state).toBe("PAUSED");
    expect(runningWith("demo/web:1")).toHaveLength(3);
  });

  it("max failure ratio: failures within the ratio are tolerated", async () => {
    await webService(4, { parallelism: 0, monitorMs: 0, failureAction: "PAUSE", maxFailureRatio: 0.5 });
    h.agents = false;
    await h.updateSpec("web", toImage("demo/web:2"));
    await waitFor("4 replacements assigned", () => wantedWith("demo/web:2").filter((t) => t.status?.state === "ASSIGNED").length === 4);
    const [a, b, c] = wantedWith("demo/web:2");
    await h.report(a!.id, "FAILED", "boom");
    await h.report(b!.id, "FAILED", "boom");
    await h.advance(0);
    expect(h.service("web").updateStatus?.state).toBe("UPDATING"); // 2/4 is not > 0.5
    await h.report(c!.id, "FAILED", "boom");
    await waitFor("paused", () => h.service("web").updateStatus?.state === "PAUSED");
    expect(h.service("web").updateStatus?.message).toContain(c!.id);
  });

  it("a replacement failing after its monitor window is not an update failure", async () => {
    await webService(1, { parallelism: 1, monitorMs: 2_000, failureAction: "PAUSE" });
    await h.updateSpec("web", toImage("demo/web:2"));
    await h.until("v2 up", () => runningWith("demo/web:2")[0]?.annotations?.labels[UPDATE_UP_LABEL] !== undefined);
    await h.advance(2_001);
    await h.until("completed", () => h.service("web").updateStatus?.state === "COMPLETED");
    await h.report(runningWith("demo/web:2")[0]!.id, "FAILED", "late");
    await h.advance(0);
    expect(h.service("web").updateStatus?.state).toBe("COMPLETED");
  });

  it("continue: failures are ignored and the update completes", async () => {
    await webService(3, { parallelism: 1, monitorMs: 0, failureAction: "CONTINUE" });
    h.broken.add("demo/broken:1");
    await h.updateSpec("web", toImage("demo/broken:1"));
    await h.until("completed", () => h.service("web").updateStatus?.state === "COMPLETED");
    expect(wantedWith("demo/web:1")).toHaveLength(0);
  });
});

describe("leader change and user rollback", () => {
  it("a new leader's updater resumes the update from the store", async () => {
    await webService(5, { parallelism: 1, delayMs: 1_000, monitorMs: 1_000 });
    await h.updateSpec("web", toImage("demo/web:2"));
    await h.until("first slot up", () => runningWith("demo/web:2")[0]?.annotations?.labels[UPDATE_UP_LABEL] !== undefined);
    await h.newLeader();
    await h.advance(0);
    // The delay started under the old leader still holds the next slot back.
    expect(wantedWith("demo/web:2")).toHaveLength(1);
    for (let i = 0; i < 6 && h.service("web").updateStatus?.state !== "COMPLETED"; i++) {
      await h.advance(1_000);
      await h.until("progress", () => wantedWith("demo/web:2").every((t) => t.status?.state === "RUNNING"));
    }
    expect(h.service("web").updateStatus?.state).toBe("COMPLETED");
    expect(runningWith("demo/web:2")).toHaveLength(5);
  });

  it("a user rollback (ROLLBACK_STARTED set by the control API) replaces only the tasks not on the restored spec", async () => {
    await webService(3, { parallelism: 0, monitorMs: 0 }, { parallelism: 1, monitorMs: 0 });
    await h.updateSpec("web", toImage("demo/web:2"));
    await h.until("completed", () => h.service("web").updateStatus?.state === "COMPLETED" && runningWith("demo/web:2").length === 3);
    await h.scale("web", 4); // not in the previous spec: the rollback restores 3 replicas
    await h.store.updateWithRetry((tx) => {
      const s = structuredClone(tx.get("service", "web")!);
      [s.spec, s.previousSpec] = [s.previousSpec, s.spec];
      s.specVersion = Number(s.specVersion) + 1;
      s.updateStatus = { state: "ROLLBACK_STARTED", startedAt: h.now, completedAt: 0, message: "manually requested rollback" };
      tx.update("service", s);
    });
    await h.until("rollback completed", () => h.service("web").updateStatus?.state === "ROLLBACK_COMPLETED" && runningWith("demo/web:1").length === 3);
    expect(wantedWith("demo/web:2")).toHaveLength(0);
  });

  it("a global service is updated node by node", async () => {
    h = new Harness();
    for (let i = 1; i <= 3; i++) await h.addNode(`n${i}`);
    h.start();
    await h.createService("web", { global: {}, task: { container: { image: "demo/web:1" } }, update: { parallelism: 1, monitorMs: 0 } });
    await h.until("3 running v1", () => runningWith("demo/web:1").length === 3);
    await h.updateSpec("web", toImage("demo/web:2"));
    await h.until("completed", () => h.service("web").updateStatus?.state === "COMPLETED" && runningWith("demo/web:2").length === 3);
    expect(new Set(runningWith("demo/web:2").map((t) => t.nodeId)).size).toBe(3);
    expect(wantedWith("demo/web:1")).toHaveLength(0);
  });
});

function task(id: string): Task__Output {
  return h.tasks("web").find((t) => t.id === id)!;
}

async function setStatus(id: string, status: Partial<NonNullable<Task__Output["status"]>>): Promise<void> {
  await h.store.updateWithRetry((tx) => {
    const t = structuredClone(tx.get("task", id)!);
    t.status = { ...t.status!, ...status, timestamp: h.now };
    tx.update("task", t);
  });
}

/** Polls without agent rounds (the test drives the agents). */
async function waitFor(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
