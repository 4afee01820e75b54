// Task records over real files (no root): round trip, unreadable records reported (not fatal),
// unsafe task ids refused before they become paths.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import { AgentErrorCode } from "./errors.js";
import { initialStatus } from "./task-machine.js";
import { checkTaskId, TaskRecordStore } from "./task-records.js";

const dir = mkdtempSync(join(tmpdir(), "swarm-agent-records-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("task records", () => {
  it("round-trips records, reports unreadable ones, ignores task dirs without a record, deletes", async () => {
    const store = new TaskRecordStore(join(dir, "data"));
    const task = { id: "abc123", desiredState: "RUNNING" } as unknown as Task__Output;
    await store.write({ version: 1, task, containerId: "abc123", status: initialStatus("RUNNING", 5), startedAt: 5 });
    mkdirSync(join(store.dir, "broken"));
    writeFileSync(join(store.dir, "broken", "record.json"), "{not json");
    mkdirSync(join(store.dir, "empty"));
    const { records, errors } = store.readAll();
    expect(records).toEqual([{ version: 1, task, containerId: "abc123", status: initialStatus("RUNNING", 5), startedAt: 5 }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe(AgentErrorCode.CorruptRecord);
    expect(errors[0]?.message).toBe(`${join(store.dir, "broken", "record.json")}: unreadable task record`);
    store.delete("abc123");
    expect(store.readAll().records).toEqual([]);
  });

  it("refuses task ids that are not safe as a directory name and container id", () => {
    for (const bad of ["", "../etc", "a/b", ".hidden", "x".repeat(129), "a b"]) {
      expect(() => checkTaskId(bad), bad).toThrow(/is not 1-128 of \[A-Za-z0-9_.-\]/);
    }
    expect(() => checkTaskId("0p9s2dk1x4v7b6n5m3c8z0q1w")).not.toThrow();
  });
});
