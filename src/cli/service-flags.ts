/**
 * `swarmctl service create` flags → ServiceSpec. The CLI hands over the strings the user typed; every
 * parse error names the flag ("--limit-memory: invalid memory size \"12 parsecs\" …"), and the built
 * spec is then validated and normalized (field paths for what only the whole spec can tell).
 */
import { ValidationError } from "../lib/errors.js";
import type { ServiceSpec } from "../gen/swarm/api/ServiceSpec.js";
import type { UpdateConfig } from "../gen/swarm/api/UpdateConfig.js";
import type { ServiceSpec__Output } from "../gen/swarm/api/ServiceSpec.js";
import { parseConstraint, parseSpreadDescriptor } from "../spec/constraints.js";
import { normalizeServiceSpec } from "../spec/defaults.js";
import { parseEnv } from "../spec/env.js";
import { parseMount } from "../spec/mounts.js";
import { parsePublish } from "../spec/ports.js";
import { parseDurationMs, parseMemoryBytes, parseNanoCpus } from "../spec/units.js";

/** Update or rollback flags (`--update-*` / `--rollback-*`), as typed. */
export interface UpdateFlags {
  readonly parallelism?: string;
  readonly delay?: string;
  readonly failureAction?: string;
  readonly monitor?: string;
  readonly maxFailureRatio?: string;
  readonly order?: string;
}

/** One `--env-file`: its path (for errors) and its text. */
export interface EnvFile {
  readonly path: string;
  readonly text: string;
}

/**
 * Parses an env file as Docker does (opts.ParseEnvFile): one KEY=VALUE a line, the value kept
 * verbatim; blank lines and `#` comments skipped; a bare KEY takes the caller's value and is left
 * out when the caller has none; a KEY with whitespace is an error naming the file and line.
 */
export function parseEnvFile(flag: string, file: EnvFile, lookup?: (key: string) => string | undefined): string[] {
  const out: string[] = [];
  file.text.replace(/^\uFEFF/, "").split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "").replace(/^\s+/, "");
    if (line === "" || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    const key = eq < 0 ? line : line.slice(0, eq);
    if (/\s/.test(key)) throw new ValidationError(flag, `${file.path}:${i + 1}: poorly formatted environment: variable '${key}' contains whitespaces`);
    if (eq >= 0) return void out.push(parseEnv(flag, line));
    const value = lookup?.(key);
    if (value !== undefined) out.push(`${key}=${value}`);
  });
  return out;
}

/** The flags of `service create`, as typed (repeatable flags as arrays). */
export interface ServiceCreateFlags {
  readonly name: string;
  readonly image: string;
  /** Command and arguments after the image: the first replaces the image's command (args). */
  readonly args?: readonly string[];
  readonly entrypoint?: string;
  readonly mode?: string;
  readonly replicas?: string;
  readonly labels?: readonly string[];
  readonly env?: readonly string[];
  /** `--env-file` contents, in the order given (read by the shell; parsed here). */
  readonly envFiles?: readonly EnvFile[];
  readonly containerLabels?: readonly string[];
  readonly endpointMode?: string;
  readonly workdir?: string;
  readonly user?: string;
  readonly hostname?: string;
  readonly mounts?: readonly string[];
  readonly publish?: readonly string[];
  readonly constraints?: readonly string[];
  readonly placementPrefs?: readonly string[];
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
  readonly stopSignal?: string;
  readonly healthCmd?: string;
  readonly healthInterval?: string;
  readonly healthTimeout?: string;
  readonly healthRetries?: string;
  readonly healthStartPeriod?: string;
  readonly noHealthcheck?: boolean;
  readonly readOnly?: boolean;
  readonly update?: UpdateFlags;
  readonly rollback?: UpdateFlags;
  /** Looks up a bare `--env KEY` in the caller's environment. */
  readonly envLookup?: (key: string) => string | undefined;
}

/** Parses a non-negative integer flag value. */
export function parseCount(flag: string, text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new ValidationError(flag, `invalid number ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < 0) throw new ValidationError(flag, `${n} is not ≥ 0`);
  if (!Number.isSafeInteger(n)) throw new ValidationError(flag, `${text} is too large`);
  return n;
}

/** Parses "key=value" labels (a bare key gets an empty value). */
export function parseLabels(flag: string, items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    if (key === "") throw new ValidationError(flag, `invalid label ${JSON.stringify(item)}: empty key`);
    out[key] = eq < 0 ? "" : item.slice(eq + 1);
  }
  return out;
}

/** Parses `--placement-pref spread=node.labels.zone`. */
export function parsePlacementPref(flag: string, text: string): { spread: { spreadDescriptor: string } } {
  const eq = text.indexOf("=");
  const kind = eq < 0 ? "" : text.slice(0, eq).trim().toLowerCase();
  if (kind !== "spread") throw new ValidationError(flag, `invalid placement preference ${JSON.stringify(text)}: expected spread=<label>`);
  const descriptor = text.slice(eq + 1).trim();
  parseSpreadDescriptor(flag, descriptor);
  return { spread: { spreadDescriptor: descriptor } };
}

function pickEnum<N extends string>(flag: string, text: string, allowed: Readonly<Record<string, N>>): N {
  const v = allowed[text.trim().toLowerCase()];
  if (v === undefined) throw new ValidationError(flag, `invalid value ${JSON.stringify(text)} (expected ${Object.keys(allowed).join(", ")})`);
  return v;
}

function updateConfig(prefix: string, f: UpdateFlags | undefined): UpdateConfig | undefined {
  if (f === undefined) return undefined;
  const out: UpdateConfig = {};
  if (f.parallelism !== undefined) out.parallelism = parseCount(`--${prefix}-parallelism`, f.parallelism);
  if (f.delay !== undefined) out.delayMs = parseDurationMs(`--${prefix}-delay`, f.delay);
  if (f.monitor !== undefined) out.monitorMs = parseDurationMs(`--${prefix}-monitor`, f.monitor);
  if (f.failureAction !== undefined) {
    out.failureAction = pickEnum(`--${prefix}-failure-action`, f.failureAction, { pause: "PAUSE", continue: "CONTINUE", rollback: "ROLLBACK" } as const);
  }
  if (f.maxFailureRatio !== undefined) {
    const r = Number(f.maxFailureRatio);
    if (f.maxFailureRatio.trim() === "" || !Number.isFinite(r) || r < 0 || r > 1) {
      throw new ValidationError(`--${prefix}-max-failure-ratio`, `${JSON.stringify(f.maxFailureRatio)} is not a number within 0..1`);
    }
    out.maxFailureRatio = r;
  }
  if (f.order !== undefined) out.order = pickEnum(`--${prefix}-order`, f.order, { "stop-first": "STOP_FIRST", "start-first": "START_FIRST" } as const);
  return out;
}

/** Builds the (unnormalized) spec from `service create` flags; flag-named errors. */
export function serviceSpecFromFlags(f: ServiceCreateFlags): ServiceSpec {
  const mode = f.mode === undefined ? "replicated" : pickEnum("--mode", f.mode, { replicated: "replicated", global: "global" } as const);
  if (mode === "global" && f.replicas !== undefined) throw new ValidationError("--replicas", "cannot be used with --mode global");
  const spec: ServiceSpec = {
    annotations: { name: f.name, labels: parseLabels("--label", f.labels ?? []) },
    task: {
      container: {
        image: f.image,
        command: f.entrypoint === undefined ? [] : f.entrypoint.split(/\s+/).filter((s) => s !== ""),
        args: [...(f.args ?? [])],
        // As Docker: the files first, then --env, so a flag overrides a file.
        env: [...(f.envFiles ?? []).flatMap((file) => parseEnvFile("--env-file", file, f.envLookup)), ...(f.env ?? []).map((e) => parseEnv("--env", e, f.envLookup))],
        labels: parseLabels("--container-label", f.containerLabels ?? []),
        dir: f.workdir ?? "",
        user: f.user ?? "",
        hostname: f.hostname ?? "",
        mounts: (f.mounts ?? []).map((m) => parseMount("--mount", m)),
        readOnly: f.readOnly ?? false,
        ...(f.stopGracePeriod === undefined ? {} : { stopGracePeriodMs: parseDurationMs("--stop-grace-period", f.stopGracePeriod) }),
        stopSignal: f.stopSignal ?? "",
        ...healthcheck(f),
      },
      resources: {
        limits: {
          nanoCpus: f.limitCpu === undefined ? 0 : parseNanoCpus("--limit-cpu", f.limitCpu),
          memoryBytes: f.limitMemory === undefined ? 0 : parseMemoryBytes("--limit-memory", f.limitMemory),
          pids: f.limitPids === undefined ? 0 : parseCount("--limit-pids", f.limitPids),
        },
        reservations: {
          nanoCpus: f.reserveCpu === undefined ? 0 : parseNanoCpus("--reserve-cpu", f.reserveCpu),
          memoryBytes: f.reserveMemory === undefined ? 0 : parseMemoryBytes("--reserve-memory", f.reserveMemory),
        },
      },
      restart: {
        ...(f.restartCondition === undefined
          ? {}
          : { condition: pickEnum("--restart-condition", f.restartCondition, { none: "NONE", "on-failure": "ON_FAILURE", any: "ANY" } as const) }),
        ...(f.restartDelay === undefined ? {} : { delayMs: parseDurationMs("--restart-delay", f.restartDelay) }),
        maxAttempts: f.restartMaxAttempts === undefined ? 0 : parseCount("--restart-max-attempts", f.restartMaxAttempts),
        windowMs: f.restartWindow === undefined ? 0 : parseDurationMs("--restart-window", f.restartWindow),
      },
      placement: {
        constraints: (f.constraints ?? []).map((c) => {
          parseConstraint("--constraint", c);
          return c;
        }),
        preferences: (f.placementPrefs ?? []).map((p) => parsePlacementPref("--placement-pref", p)),
        maxReplicas: f.maxReplicas === undefined ? 0 : parseCount("--replicas-max-per-node", f.maxReplicas),
      },
    },
    ...(mode === "global" ? { global: {} } : { replicated: { replicas: f.replicas === undefined ? 1 : parseCount("--replicas", f.replicas) } }),
    update: updateConfig("update", f.update) ?? null,
    rollback: updateConfig("rollback", f.rollback) ?? null,
    // --endpoint-mode is stored and validated (dnsrr refuses ingress ports, as Docker) and shown by
    // inspect; no service-name DNS or VIPs exist yet, so both modes run the same today.
    endpoint: {
      ...(f.endpointMode === undefined ? {} : { mode: pickEnum("--endpoint-mode", f.endpointMode, { vip: "VIP", dnsrr: "DNSRR" } as const) }),
      ports: (f.publish ?? []).map((p) => parsePublish("--publish", p)),
    },
  };
  return spec;
}

/** The `--health-*` / `--no-healthcheck` flags (shared by create and update). */
export type HealthFlags = Pick<ServiceCreateFlags, "healthCmd" | "healthInterval" | "healthTimeout" | "healthRetries" | "healthStartPeriod" | "noHealthcheck">;

/** The health check the flags give; {} when no health flag is set. */
export function healthcheck(f: HealthFlags): Pick<NonNullable<NonNullable<ServiceSpec["task"]>["container"]>, "healthcheck"> {
  const any =
    f.healthCmd !== undefined || f.healthInterval !== undefined || f.healthTimeout !== undefined || f.healthRetries !== undefined || f.healthStartPeriod !== undefined;
  if (f.noHealthcheck === true) {
    if (any) throw new ValidationError("--no-healthcheck", "conflicts with --health-* options");
    return { healthcheck: { test: ["NONE"] } };
  }
  if (!any) return {};
  return {
    healthcheck: {
      test: f.healthCmd === undefined ? [] : ["CMD-SHELL", f.healthCmd],
      ...(f.healthInterval === undefined ? {} : { intervalMs: parseDurationMs("--health-interval", f.healthInterval) }),
      ...(f.healthTimeout === undefined ? {} : { timeoutMs: parseDurationMs("--health-timeout", f.healthTimeout) }),
      ...(f.healthRetries === undefined ? {} : { retries: parseCount("--health-retries", f.healthRetries) }),
      startPeriodMs: f.healthStartPeriod === undefined ? 0 : parseDurationMs("--health-start-period", f.healthStartPeriod),
    },
  };
}

/** Flags → validated, normalized spec (what `service create` sends to the control API). */
export function serviceSpecFromFlagsNormalized(f: ServiceCreateFlags): ServiceSpec__Output {
  return normalizeServiceSpec(serviceSpecFromFlags(f));
}
