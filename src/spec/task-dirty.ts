/**
 * Which tasks a rolling update replaces: a task is dirty when its copy of the task spec or of the
 * published ports differs from the service's current ones (SwarmKit's IsTaskDirty). Equal spec
 * versions short-cut to clean; otherwise the contents decide, so a rollback to a spec some tasks
 * still run leaves those tasks alone. Pure.
 */
import type { Service__Output } from "../gen/swarm/api/Service.js";
import type { Task__Output } from "../gen/swarm/api/Task.js";

/** Structural equality of decoded messages (key order ignored, null ≡ undefined). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null) return a == null && b == null;
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!sameValue(ra[k], rb[k])) return false;
  return true;
}

/** True when the task does not run the service's current task spec or published ports. */
export function isTaskDirty(service: Service__Output, task: Task__Output): boolean {
  if (service.specVersion !== 0 && task.specVersion === service.specVersion) return false;
  if (!sameValue(task.spec, service.spec?.task ?? null)) return true;
  return !sameValue(task.endpoint?.ports ?? [], service.endpoint?.ports ?? []);
}
