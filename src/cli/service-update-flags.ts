/**
 * `swarmctl service update` flags applied to a service's current spec: replace (--image, --replicas,
 * --args, limits…) and add/remove lists (--env-add/--env-rm, --label-add/--label-rm,
 * --publish-add/--publish-rm, --constraint-add/--constraint-rm, --mount-add/--mount-rm,
 * --placement-pref-add/--placement-pref-rm), update/rollback tuning and --force. The result is
 * validated and normalized; errors name the flag (or the spec field for whole-spec checks).
 */
import { ValidationError } from "../lib/errors.js";
import type { ServiceSpec__Output } from "../gen/swarm/api/ServiceSpec.js";
import type { UpdateConfig__Output } from "../gen/swarm/api/UpdateConfig.js";
import { parseConstraint } from "../spec/constraints.js";
import { normalizeServiceSpec } from "../spec/defaults.js";
import { envToMap, parseEnv } from "../spec/env.js";
import { parseMount } from "../spec/mounts.js";
import { parsePublish } from "../spec/ports.js";
import { healthcheck, parseCount, parseLabels, parsePlacementPref, serviceSpecFromFlags, type HealthFlags, type UpdateFlags } from "./service-flags.js";
import { parseDurationMs, parseMemoryBytes, parseNanoCpus } from "../spec/units.js";

/** The flags of `service update`, as typed. */
export interface ServiceUpdateFlags extends HealthFlags {
  readonly image?: string;
  readonly args?: readonly string[];
  readonly replicas?: string;
  readonly envAdd?: readonly string[];
  readonly envRm?: readonly string[];
  readonly labelAdd?: readonly string[];
  readonly labelRm?: readonly string[];
  readonly publishAdd?: readonly string[];
  /** "8080" or "8080/udp" removes what is published on that port; "8080:80/tcp" an exact match. */
  readonly publishRm?: readonly string[];
  readonly constraintAdd?: readonly string[];
  readonly constraintRm?: readonly string[];
  readonly placementPrefAdd?: readonly string[];
  readonly placementPrefRm?: readonly string[];
  readonly mountAdd?: readonly string[];
  /** Mount targets to remove. */
  readonly mountRm?: readonly string[];
  readonly maxReplicas?: string;
  readonly limitCpu?: string;
  readonly limitMemory?: string;
  readonly limitPids?: string;
  readonly reserveCpu?: string;
  readonly reserveMemory?: string;
  readonly restartCondition?: string;
  readonly restartDelay?: string;
  readonly restartMaxAttempts?: string;
  readonly restartWindow?: string;
  readonly stopGracePeriod?: string;
  readonly update?: UpdateFlags;
  readonly rollback?: UpdateFlags;
  /** Bump task.forceUpdate so every task is replaced even if nothing else changed. */
  readonly force?: boolean;
  readonly envLookup?: (key: string) => string | undefined;
}

function removeLabels(flag: string, labels: Record<string, string>, keys: readonly string[]): void {
  for (const key of keys) {
    if (!(key in labels)) throw new ValidationError(flag, `key ${JSON.stringify(key)} doesn't exist in the labels`);
    delete labels[key];
  }
}

function tuneUpdate(prefix: string, current: UpdateConfig__Output | null, flags: UpdateFlags | undefined): UpdateConfig__Output | null {
  if (flags === undefined) return current;
  // Reuse the create-flag parser for the given flags, then overlay them on the current config.
  const parsed = serviceSpecFromFlags({ name: "x", image: "x", [prefix]: flags })[prefix === "update" ? "update" : "rollback"] ?? {};
  return { ...(current ?? {}), ...parsed } as UpdateConfig__Output;
}

/** Returns the normalized new spec after applying `service update` flags to `current`. */
export function applyServiceUpdate(current: ServiceSpec__Output, f: ServiceUpdateFlags): ServiceSpec__Output {
  const spec = structuredClone<ServiceSpec__Output>(current);
  const task = spec.task;
  if (task === null) throw new ValidationError("spec.task", "the service has no task spec");
  const container = task.container;
  if (container === null || container === undefined) throw new ValidationError("spec.task.container", "the service has no container spec");

  if (f.image !== undefined) container.image = f.image;
  if (f.args !== undefined) container.args = [...f.args];
  if (f.replicas !== undefined) {
    if (spec.mode !== "replicated" || spec.replicated === null || spec.replicated === undefined) {
      throw new ValidationError("--replicas", "can only be used with replicated mode");
    }
    spec.replicated.replicas = parseCount("--replicas", f.replicas);
  }

  // Env: removals by key, then additions replacing the same key.
  const env = envToMap(container.env);
  for (const key of f.envRm ?? []) env.delete(key);
  for (const e of (f.envAdd ?? []).map((x) => parseEnv("--env-add", x, f.envLookup))) {
    const eq = e.indexOf("=");
    env.set(e.slice(0, eq), e.slice(eq + 1));
  }
  container.env = [...env].map(([k, v]) => `${k}=${v}`);

  const annotations = spec.annotations ?? (spec.annotations = { name: "", labels: {} });
  removeLabels("--label-rm", annotations.labels, f.labelRm ?? []);
  Object.assign(annotations.labels, parseLabels("--label-add", f.labelAdd ?? []));

  const endpoint = spec.endpoint ?? (spec.endpoint = { mode: "VIP", ports: [] });
  for (const rm of f.publishRm ?? []) {
    const bare = /^(\d+)(?:\/(tcp|udp))?$/i.exec(rm.trim());
    const before = endpoint.ports.length;
    if (bare !== null) {
      const port = Number(bare[1]);
      const proto = bare[2]?.toUpperCase();
      endpoint.ports = endpoint.ports.filter((p) => !(p.publishedPort === port && (proto === undefined || p.protocol === proto)));
    } else {
      const want = parsePublish("--publish-rm", rm);
      endpoint.ports = endpoint.ports.filter((p) => !(p.publishedPort === want.publishedPort && p.targetPort === want.targetPort && p.protocol === want.protocol));
    }
    if (endpoint.ports.length === before) throw new ValidationError("--publish-rm", `no published port matches ${JSON.stringify(rm)}`);
  }
  endpoint.ports.push(...(f.publishAdd ?? []).map((p) => parsePublish("--publish-add", p)));

  const placement = task.placement ?? (task.placement = { constraints: [], preferences: [], maxReplicas: 0, platforms: [] });
  for (const c of f.constraintRm ?? []) {
    const before = placement.constraints.length;
    placement.constraints = placement.constraints.filter((x) => x.replace(/\s+/g, "") !== c.replace(/\s+/g, ""));
    if (placement.constraints.length === before) throw new ValidationError("--constraint-rm", `constraint ${JSON.stringify(c)} is not set`);
  }
  for (const c of f.constraintAdd ?? []) {
    parseConstraint("--constraint-add", c);
    placement.constraints.push(c);
  }
  for (const p of f.placementPrefRm ?? []) {
    const { spread } = parsePlacementPref("--placement-pref-rm", p);
    placement.preferences = placement.preferences.filter((x) => x.spread?.spreadDescriptor !== spread.spreadDescriptor);
  }
  placement.preferences.push(...(f.placementPrefAdd ?? []).map((p) => parsePlacementPref("--placement-pref-add", p)));
  if (f.maxReplicas !== undefined) placement.maxReplicas = parseCount("--replicas-max-per-node", f.maxReplicas);

  for (const target of f.mountRm ?? []) {
    const before = container.mounts.length;
    container.mounts = container.mounts.filter((m) => m.target !== target);
    if (container.mounts.length === before) throw new ValidationError("--mount-rm", `no mount has target ${JSON.stringify(target)}`);
  }
  container.mounts.push(...(f.mountAdd ?? []).map((m) => parseMount("--mount-add", m)));

  const resources = task.resources ?? (task.resources = { limits: null, reservations: null });
  const limits = resources.limits ?? (resources.limits = { nanoCpus: 0, memoryBytes: 0, pids: 0 });
  const reservations = resources.reservations ?? (resources.reservations = { nanoCpus: 0, memoryBytes: 0 });
  if (f.limitCpu !== undefined) limits.nanoCpus = parseNanoCpus("--limit-cpu", f.limitCpu);
  if (f.limitMemory !== undefined) limits.memoryBytes = parseMemoryBytes("--limit-memory", f.limitMemory);
  if (f.limitPids !== undefined) limits.pids = parseCount("--limit-pids", f.limitPids);
  if (f.reserveCpu !== undefined) reservations.nanoCpus = parseNanoCpus("--reserve-cpu", f.reserveCpu);
  if (f.reserveMemory !== undefined) reservations.memoryBytes = parseMemoryBytes("--reserve-memory", f.reserveMemory);

  if (f.restartCondition !== undefined || f.restartDelay !== undefined || f.restartMaxAttempts !== undefined || f.restartWindow !== undefined) {
    const parsed = serviceSpecFromFlags({
      name: "x",
      image: "x",
      ...(f.restartCondition === undefined ? {} : { restartCondition: f.restartCondition }),
      ...(f.restartDelay === undefined ? {} : { restartDelay: f.restartDelay }),
      ...(f.restartMaxAttempts === undefined ? {} : { restartMaxAttempts: f.restartMaxAttempts }),
      ...(f.restartWindow === undefined ? {} : { restartWindow: f.restartWindow }),
    }).task?.restart;
    const restart = task.restart ?? {};
    task.restart = {
      ...restart,
      ...(f.restartCondition === undefined ? {} : { condition: parsed?.condition }),
      ...(f.restartDelay === undefined ? {} : { delayMs: parsed?.delayMs }),
      ...(f.restartMaxAttempts === undefined ? {} : { maxAttempts: parsed?.maxAttempts }),
      ...(f.restartWindow === undefined ? {} : { windowMs: parsed?.windowMs }),
    } as typeof task.restart;
  }
  updateHealthcheck(container, f);
  if (f.stopGracePeriod !== undefined) container.stopGracePeriodMs = parseDurationMs("--stop-grace-period", f.stopGracePeriod);
  spec.update = tuneUpdate("update", spec.update, f.update);
  spec.rollback = tuneUpdate("rollback", spec.rollback, f.rollback);
  if (f.force === true) task.forceUpdate = (task.forceUpdate ?? 0) + 1;
  return normalizeServiceSpec(spec);
}

/**
 * `--health-*` / `--no-healthcheck` on update: given fields override the current check. As Docker's
 * updateHealthcheck, a timing flag on a disabled ("NONE") check re-enables the image's check.
 */
function updateHealthcheck(container: NonNullable<NonNullable<ServiceSpec__Output["task"]>["container"]>, f: HealthFlags): void {
  const parsed = healthcheck(f).healthcheck;
  if (parsed === undefined || parsed === null) return;
  if (f.noHealthcheck === true) {
    container.healthcheck = { test: ["NONE"], startPeriodMs: 0 };
    return;
  }
  const cur = container.healthcheck ?? { test: [], startPeriodMs: 0 };
  container.healthcheck = {
    ...cur,
    test: f.healthCmd !== undefined ? [...(parsed.test ?? [])] : cur.test[0] === "NONE" ? [] : cur.test,
    ...(f.healthInterval === undefined ? {} : { intervalMs: parsed.intervalMs }),
    ...(f.healthTimeout === undefined ? {} : { timeoutMs: parsed.timeoutMs }),
    ...(f.healthRetries === undefined ? {} : { retries: parsed.retries }),
    ...(f.healthStartPeriod === undefined ? {} : { startPeriodMs: parsed.startPeriodMs }),
  } as typeof container.healthcheck;
}
