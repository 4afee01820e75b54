import { describe, expect, it } from "vitest";
import { isForwardTransition, isTerminalTaskState, TASK_STATES, taskStateOrder } from "./task-state.js";
import { canonical, decodeMessage, encodeMessage } from "./codec.js";

describe("task state order", () => {
  it("lists the states in SwarmKit's order with SwarmKit's numbers", () => {
    expect(TASK_STATES).toEqual(["NEW", "PENDING", "ASSIGNED", "ACCEPTED", "PREPARING", "READY", "STARTING", "RUNNING", "COMPLETE", "SHUTDOWN", "FAILED", "REJECTED", "REMOVE", "ORPHANED"]);
    expect(taskStateOrder("PENDING")).toBe(64);
    expect(taskStateOrder("RUNNING")).toBe(512);
    expect(taskStateOrder("ORPHANED")).toBe(832);
  });

  it("matches the numbers on the wire", () => {
    // A state sent as its number decodes to the same name: the table and the proto agree.
    for (const state of TASK_STATES) {
      const bytes = encodeMessage("Task", { status: { state: taskStateOrder(state) as never } });
      expect(decodeMessage("Task", bytes).status?.state).toBe(state);
    }
  });

  it("only moves forward", () => {
    expect(isForwardTransition("ASSIGNED", "RUNNING")).toBe(true);
    expect(isForwardTransition("RUNNING", "STARTING")).toBe(false);
    expect(isForwardTransition("RUNNING", "RUNNING")).toBe(false);
    expect(isTerminalTaskState("RUNNING")).toBe(false);
    expect(isTerminalTaskState("COMPLETE")).toBe(true);
    expect(isTerminalTaskState("ORPHANED")).toBe(true);
  });
});

describe("codec", () => {
  it("round-trips a task with every field present after decoding", () => {
    const t = canonical("Task", { id: "t1", serviceId: "s1", slot: 3, desiredState: "RUNNING", status: { state: "PENDING", message: "scheduling" } });
    expect(t.id).toBe("t1");
    expect(t.slot).toBe(3);
    expect(t.nodeId).toBe("");
    expect(t.status?.state).toBe("PENDING");
    expect(t.networks).toEqual([]);
    expect(t.meta).toBeNull();
    expect(decodeMessage("Task", encodeMessage("Task", t))).toEqual(t);
  });

  it("rejects garbage bytes", () => {
    expect(() => decodeMessage("Node", Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow();
  });
});
