/**
 * What the agent persists per task, so a restarted agent re-adopts running containers instead of starting
 * duplicates: `<dataDir>/tasks/<taskId>/record.json` = the assignment, the container id, the last reported
 * status and the container's start time. Written tmp → rename (atomic; no fsync: a reboot kills the
 * containers anyway, and the runtime's state is derived from the kernel).
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { TaskStatus__Output } from "../gen/swarm/api/TaskStatus.js";
import { removeDir } from "../lib/remove-dir.js";
import { AgentError, AgentErrorCode } from "./errors.js";

/** One task's persisted record. */
export interface TaskRecord {
  readonly version: 1;
  readonly task: Task__Output;
  readonly containerId: string;
  readonly status: TaskStatus__Output;
  /** When the container started (Unix ms), once RUNNING. */
  readonly startedAt?: number;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Task ids become directory names and container ids: letters, digits, `_.-`, at most 128. */
export function checkTaskId(id: string): void {
  if (!SAFE_ID.test(id)) throw new AgentError(AgentErrorCode.InvalidSpec, `task id ${JSON.stringify(id)} is not 1-128 of [A-Za-z0-9_.-] starting with a letter or digit`);
}

/** The per-task directories under a data dir. */
export class TaskRecordStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "tasks");
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** The task's directory (bundle, rootfs, log, record). */
  taskDir(taskId: string): string {
    checkTaskId(taskId);
    return join(this.dir, taskId);
  }

  /**
   * Writes a record atomically, off the event loop (a burst of task starts writes five records per
   * task; on a busy disk the synchronous rename alone blocked the daemon for seconds). One task's
   * writes must not overlap (they share the tmp name): the agent writes them in its per-task order.
   */
  async write(record: TaskRecord): Promise<void> {
    const dir = this.taskDir(record.task.id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, "record.json");
    await writeFile(`${file}.tmp`, JSON.stringify(record));
    await rename(`${file}.tmp`, file);
  }

  /** Every readable record; unreadable ones are returned as errors (the caller logs them). */
  readAll(): { records: TaskRecord[]; errors: AgentError[] } {
    const records: TaskRecord[] = [];
    const errors: AgentError[] = [];
    for (const name of readdirSync(this.dir)) {
      const file = join(this.dir, name, "record.json");
      try {
        const r = JSON.parse(readFileSync(file, "utf8")) as TaskRecord;
        if (r.version !== 1 || r.task.id !== name || typeof r.containerId !== "string") throw new Error("unexpected content");
        records.push(r);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") continue; // a task dir without a record yet
        errors.push(new AgentError(AgentErrorCode.CorruptRecord, `${file}: unreadable task record`, { cause: err }));
      }
    }
    return { records, errors };
  }

  /**
   * Deletes a task's directory (record, log, leftovers) off the event loop; a failure names the
   * directory. The agent starts no task with this id before it has finished.
   */
  async delete(taskId: string): Promise<void> {
    await removeDir(this.taskDir(taskId));
  }
}
