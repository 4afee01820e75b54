// Task records over real files (no root): round trip, unreadable records reported (not fatal),
// unsafe task ids refused before they become paths; task directories removed off the event loop.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import { AgentErrorCode } from "./errors.js";
import { initialStatus } from "./task-machine.js";
import { removeDir } from "../lib/remove-dir.js";
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
    await store.delete("abc123");
    expect(store.readAll().records).toEqual([]);
  });

  it("refuses task ids that are not safe as a directory name and container id", () => {
    for (const bad of ["", "../etc", "a/b", ".hidden", "x".repeat(129), "a b"]) {
      expect(() => checkTaskId(bad), bad).toThrow(/is not 1-128 of \[A-Za-z0-9_.-\]/);
    }
    expect(() => checkTaskId("0p9s2dk1x4v7b6n5m3c8z0q1w")).not.toThrow();
  });

  it("deletes a task directory tree: nested dirs, many files, symlinks removed and not followed", async () => {
    const store = new TaskRecordStore(join(dir, "tree"));
    const outside = join(dir, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "keep"), "kept");
    const task = join(store.dir, "t1");
    for (let d = 0; d < 20; d++) {
      const sub = join(task, "fs", "upper", `d${String(d)}`, "deeper");
      mkdirSync(sub, { recursive: true });
      for (let f = 0; f < 50; f++) writeFileSync(join(sub, `f${String(f)}`), "x");
    }
    symlinkSync(outside, join(task, "fs", "upper", "link-to-dir"));
    symlinkSync(join(outside, "keep"), join(task, "link-to-file"));
    symlinkSync(join(dir, "nowhere"), join(task, "dangling"));
    await store.delete("t1");
    expect(existsSync(task)).toBe(false);
    expect(readdirSync(outside)).toEqual(["keep"]);
    await store.delete("t1"); // a missing directory is fine
    await removeDir(join(outside, "keep")); // so is a file
    expect(readdirSync(outside)).toEqual([]);
  });
});
