/**
 * `--filter key=value` on `node ls`, `service ls`, `service ps` and `node ps`, with Docker's keys and
 * semantics: values of one key are OR'd, different keys AND'd; `id` and `name` match a prefix;
 * `label=k` matches a key, `label=k=v` a key and value. Applied client-side to the listed objects, so
 * every key works the same whatever the list RPC can filter. Pure.
 */
import type { Node__Output } from "../gen/swarm/api/Node.js";
import type { Service__Output } from "../gen/swarm/api/Service.js";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import { ErrorCode, SwarmError } from "../lib/errors.js";

/** Parsed filters: key → values, in the order typed. */
export type Filters = ReadonlyMap<string, readonly string[]>;

/** The keys Docker accepts per list (`docker node ls --help` … and the daemon's filter validation). */
export const FILTER_KEYS = {
  node: ["id", "label", "node.label", "membership", "name", "role"],
  service: ["id", "label", "mode", "name"],
  task: ["desired-state", "id", "label", "name", "node"],
} as const;

/** Parses `--filter` values; an unknown key fails with Docker's text ("invalid filter 'foo'"). */
export function parseFilters(values: readonly string[], allowed: readonly string[]): Filters {
  const out = new Map<string, string[]>();
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new SwarmError(ErrorCode.InvalidArgument, `invalid argument "${v}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
    const key = v.slice(0, eq).trim().toLowerCase();
    if (!allowed.includes(key)) throw new SwarmError(ErrorCode.InvalidArgument, `invalid filter '${key}'`);
    out.set(key, [...(out.get(key) ?? []), v.slice(eq + 1).trim()]);
  }
  return out;
}

/** True when `f` has no `key`, or one of its values passes `test`. */
function any(f: Filters, key: string, test: (v: string) => boolean): boolean {
  const values = f.get(key);
  return values === undefined || values.some(test);
}

/** Every `label` value matches (Docker ANDs label filters): "k" needs the key, "k=v" the value too. */
function labelsMatch(f: Filters, key: string, labels: Readonly<Record<string, string>> | undefined): boolean {
  return (f.get(key) ?? []).every((want) => {
    const eq = want.indexOf("=");
    const k = eq < 0 ? want : want.slice(0, eq);
    return labels !== undefined && k in labels && (eq < 0 || labels[k] === want.slice(eq + 1));
  });
}

/** Checks values of an enumerated key, failing as Docker on a value it does not know. */
function checkValues(f: Filters, key: string, allowed: readonly string[], what: string): void {
  for (const v of f.get(key) ?? []) {
    if (!allowed.includes(v.toLowerCase())) throw new SwarmError(ErrorCode.InvalidArgument, `Invalid ${what} filter value: ${v}`);
  }
}

/** `node ls --filter`. Every listed node has joined, so membership is "accepted" (no pending state here). */
export function filterNodes(nodes: readonly Node__Output[], f: Filters): Node__Output[] {
  checkValues(f, "role", ["manager", "worker"], "role");
  checkValues(f, "membership", ["accepted", "pending"], "membership");
  return nodes.filter((n) =>
    any(f, "id", (v) => n.id.startsWith(v)) &&
    any(f, "name", (v) => (n.description?.hostname ?? "").startsWith(v) || (n.spec?.annotations?.name ?? "") === v) &&
    any(f, "role", (v) => n.role.toLowerCase() === v.toLowerCase()) &&
    any(f, "membership", (v) => v.toLowerCase() === "accepted") &&
    labelsMatch(f, "label", n.description?.engine?.labels) &&
    labelsMatch(f, "node.label", n.spec?.annotations?.labels),
  );
}

/** `service ls --filter`. */
export function filterServices(services: readonly Service__Output[], f: Filters): Service__Output[] {
  checkValues(f, "mode", ["replicated", "global"], "mode");
  return services.filter((s) =>
    any(f, "id", (v) => s.id.startsWith(v)) &&
    any(f, "name", (v) => (s.spec?.annotations?.name ?? "").startsWith(v)) &&
    any(f, "mode", (v) => (s.spec?.global != null ? "global" : "replicated") === v.toLowerCase()) &&
    labelsMatch(f, "label", s.spec?.annotations?.labels),
  );
}

/** What a task filter needs besides the task: its display name ("web.1") and its node's hostname. */
export interface TaskNames {
  readonly taskName: (t: Task__Output) => string;
  readonly nodeName: (t: Task__Output) => string;
}

/** `service ps` / `node ps --filter`. */
export function filterTasks(tasks: readonly Task__Output[], f: Filters, names: TaskNames): Task__Output[] {
  checkValues(f, "desired-state", ["running", "shutdown", "accepted"], "desired-state");
  return tasks.filter((t) =>
    any(f, "id", (v) => t.id.startsWith(v)) &&
    any(f, "name", (v) => names.taskName(t).startsWith(v)) &&
    any(f, "node", (v) => t.nodeId === v || names.nodeName(t) === v) &&
    any(f, "desired-state", (v) => t.desiredState === v.toUpperCase()) &&
    labelsMatch(f, "label", t.spec?.container?.labels),
  );
}
