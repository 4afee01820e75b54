import { afterEach, describe, expect, it } from "vitest";
import type { RestartPolicy } from "../../gen/swarm/api/RestartPolicy.js";
import { makeCluster } from "../../store/objects.js";
import { Harness } from "./testing/harness.js";
import { RESTART_HISTORY_LABEL, wantedRunning } from "./tasks.js";

let h: Harness;
afterEach(async () => {
  await h.stop();
});

async function service(replicas: number, restart: RestartPolicy): Promise<void> {
  h = new Harness();
  await h.addNode("n1");
  await h.addNode("n2");
  h.start();
  await h.createService("job", { replicated: { replicas }, task: { container: { image: "job:1" }, restart } });
  await h.until(`${replicas} running`, () => h.running("job").length === replicas);
}

/** The single task of slot `slot` wanted RUNNING. */
const slotTask = (slot: number) => h.tasks("job").find((t) => Number(t.slot) === slot && wantedRunning(t));

describe("restart supervisor", () => {
  it("condition any: restarts a failed task in the same slot only after the delay", async () => {
    await service(2, { condition: "ANY", delayMs: 1_000 });
    const failed = slotTask(1)!;
    await h.report(failed.id, "FAILED", "exit status 3");
    await h.advance(999);
    expect(h.tasks("job")).toHaveLength(2);
    expect(slotTask(1)!.id).toBe(failed.id);
    await h.advance(1);
    await h.until("slot 1 running again", () => slotTask(1)?.status?.state === "RUNNING");
    const replacement = slotTask(1)!;
    expect(replacement.id).not.toBe(failed.id);
    expect(replacement.annotations?.labels[RESTART_HISTORY_LABEL]).toBe(String(h.now));
    expect(h.tasks("job").find((t) => t.id === failed.id)?.desiredState).toBe("SHUTDOWN");
    // A task that completes is restarted too under "any".
    const other = slotTask(2)!;
    await h.report(other.id, "COMPLETE");
    await h.advance(1_000);
    await h.until("slot 2 replaced", () => slotTask(2) !== undefined && slotTask(2)!.id !== other.id);
  });

  it("condition on-failure: a completed task is left alone, a failed one restarted", async () => {
    await service(2, { condition: "ON_FAILURE", delayMs: 0 });
    const done = slotTask(1)!;
    await h.report(done.id, "COMPLETE");
    await h.until("slot 1 given up", () => h.tasks("job").find((t) => t.id === done.id)?.desiredState === "COMPLETE");
    expect(h.tasks("job").find((t) => t.id === done.id)?.status?.message).toMatch(/not restarted \(restart condition on-failure\)/);
    const failed = slotTask(2)!;
    await h.report(failed.id, "FAILED", "exit status 1");
    await h.until("slot 2 restarted", () => slotTask(2) !== undefined && slotTask(2)!.id !== failed.id);
    await h.advance(10_000);
    expect(h.tasks("job").filter((t) => Number(t.slot) === 1)).toHaveLength(1);
  });

  it("condition none: a failed task is not replaced and its slot stays empty", async () => {
    await service(1, { condition: "NONE" });
    const failed = slotTask(1)!;
    await h.report(failed.id, "FAILED", "exit status 1");
    await h.until("given up", () => h.tasks("job")[0]?.desiredState === "COMPLETE");
    await h.advance(60_000);
    expect(h.tasks("job")).toHaveLength(1);
    expect(h.running("job")).toHaveLength(0);
  });

  it("gives up after max attempts within the window; attempts older than the window do not count", async () => {
    await service(1, { condition: "ANY", delayMs: 0, maxAttempts: 2, windowMs: 10_000 });
    const fail = async (n: number): Promise<string> => {
      const t = slotTask(1)!;
      await h.report(t.id, "FAILED", `exit status ${n}`);
      return t.id;
    };
    let last = await fail(1);
    await h.until("restart 1", () => slotTask(1)?.id !== last && slotTask(1)?.status?.state === "RUNNING");
    await h.advance(11_000); // restart 1 falls out of the window
    last = await fail(2);
    await h.until("restart 2", () => slotTask(1)?.id !== last && slotTask(1)?.status?.state === "RUNNING");
    await h.advance(1_000);
    last = await fail(3);
    await h.until("restart 3", () => slotTask(1)?.id !== last && slotTask(1)?.status?.state === "RUNNING");
    last = await fail(4);
    await h.until("gave up", () => h.tasks("job").find((t) => t.id === last)?.desiredState === "COMPLETE");
    const gaveUp = h.tasks("job").find((t) => t.id === last)!;
    expect(gaveUp.status?.message).toBe("task failed; restart policy gave up after 2 restart attempts within 10000 ms");
    expect(gaveUp.status?.err).toBe("exit status 4");
    await h.advance(60_000);
    expect(h.running("job")).toHaveLength(0);
    expect(h.tasks("job").filter(wantedRunning)).toHaveLength(0);
  });

  it("a task shut down without being asked (agent restart) is restarted", async () => {
    await service(1, { condition: "ON_FAILURE", delayMs: 0 });
    const t = slotTask(1)!;
    await h.report(t.id, "SHUTDOWN");
    await h.until("restarted", () => slotTask(1)?.id !== t.id && slotTask(1)?.status?.state === "RUNNING");
  });
});

describe("task reaper", () => {
  it("keeps at most taskHistoryRetentionLimit old tasks per slot", async () => {
    await service(1, { condition: "ANY", delayMs: 0 });
    await h.store.update((tx) => tx.create("cluster", makeCluster({ id: "c1", spec: { orchestration: { taskHistoryRetentionLimit: 2 } } })));
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const t = slotTask(1)!;
      seen.push(t.id);
      await h.report(t.id, "FAILED", "exit status 1");
      await h.until(`restart ${i + 1}`, () => slotTask(1)?.id !== t.id && slotTask(1)?.status?.state === "RUNNING");
    }
    await h.until("history trimmed to 2", () => h.tasks("job").length === 3);
    const kept = h.tasks("job").map((t) => t.id);
    // The newest two failed ones are kept, the three oldest deleted.
    expect(kept).toEqual(expect.arrayContaining(seen.slice(3)));
    for (const id of seen.slice(0, 3)) expect(kept).not.toContain(id);
  });
});
