/**
 * Progress of `service update` / `service rollback` without --detach, worded like Docker's:
 * "overall progress: 3 out of 5 tasks" ("overall progress: rolling back update: …" while rolling
 * back), "rollback: <why>" when a rollback starts, "verify: Service web converged" at the end, and an
 * error when the update pauses ("service update paused: update paused due to failure or early
 * termination of task …") or was rolled back automatically. `updateProgress` is pure; `watchUpdate`
 * polls the control API.
 */
import type { Service__Output } from "../gen/swarm/api/Service.js";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import { ErrorCode, SwarmError } from "../lib/errors.js";
import { isTaskDirty } from "../spec/task-dirty.js";

/** What one look at the service and its tasks says. */
export interface UpdateProgress {
  /** The "overall progress" line. */
  readonly line: string;
  /** A one-off note to print when it first appears ("rollback: manually requested rollback"). */
  readonly note?: string;
  /** Finished: converged (or the error says why not). */
  readonly done: boolean;
  /** Set when the update stopped short: paused, or rolled back after `service update`. */
  readonly error?: string;
}

/** Reads the progress of an update (`rollback` = the user asked for a rollback). Pure. */
export function updateProgress(service: Service__Output, tasks: readonly Task__Output[], rollback: boolean): UpdateProgress {
  const status = service.updateStatus;
  const state = status?.state ?? "UNKNOWN";
  const wanted = tasks.filter((t) => t.desiredState === "RUNNING");
  const total = Number(service.spec?.replicated?.replicas ?? new Set(wanted.map((t) => t.nodeId)).size);
  const current = wanted.filter((t) => t.status?.state === "RUNNING" && !isTaskDirty(service, t));
  const slots = new Set(current.map((t) => (Number(t.slot) > 0 ? `s${t.slot}` : `n${t.nodeId}`)));
  const done = Math.min(slots.size, total);
  const rollingBack = state === "ROLLBACK_STARTED" || state === "ROLLBACK_PAUSED" || state === "ROLLBACK_COMPLETED";
  const line = `overall progress: ${rollingBack ? "rolling back update: " : ""}${done} out of ${total} tasks`;
  const note = rollingBack && status?.message ? `rollback: ${status.message}` : undefined;
  const base = { line, ...(note === undefined ? {} : { note }) };
  if (state === "PAUSED") return { ...base, done: true, error: `service update paused: ${status?.message ?? ""}` };
  if (state === "ROLLBACK_PAUSED") return { ...base, done: true, error: `service rollback paused: ${status?.message ?? ""}` };
  const converged = done >= total && wanted.length >= total;
  if (state === "UPDATING" || state === "ROLLBACK_STARTED") return { ...base, done: false };
  if (state === "ROLLBACK_COMPLETED" && converged && !rollback) return { ...base, done: true, error: "service update rolled back: the update failed and the previous spec runs again" };
  return { ...base, done: converged };
}

/** The calls {@link watchUpdate} makes. */
export interface UpdateWatchSource {
  readonly service: () => Promise<Service__Output>;
  readonly tasks: (serviceId: string) => Promise<Task__Output[]>;
}

/** Polls until the update converged; prints progress; throws SwarmError when it paused or was rolled back. */
export async function watchUpdate(src: UpdateWatchSource, rollback: boolean, timeoutMs: number, out: (s: string) => void = (s) => void process.stdout.write(s)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const tty = process.stdout.isTTY === true;
  let lastLine = "";
  const notes = new Set<string>();
  for (;;) {
    const service = await src.service();
    const p = updateProgress(service, await src.tasks(service.id), rollback);
    if (p.note !== undefined && !notes.has(p.note)) {
      notes.add(p.note);
      out(`${tty && lastLine !== "" ? "\n" : ""}${p.note}\n`);
      lastLine = "";
    }
    if (p.line !== lastLine) {
      out(tty ? `\r${p.line}` : `${p.line}\n`);
      lastLine = p.line;
    }
    if (p.done) {
      if (tty) out("\n");
      if (p.error !== undefined) throw new SwarmError(ErrorCode.FailedPrecondition, p.error);
      out(`verify: Service ${service.spec?.annotations?.name ?? service.id} converged\n`);
      return;
    }
    if (Date.now() > deadline) throw new SwarmError(ErrorCode.Unavailable, `service ${service.spec?.annotations?.name} did not converge within ${timeoutMs} ms (${p.line})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
