/**
 * Health checks (pure part): which check a task runs (the spec's, else the image's, Docker's rules) and how
 * check results become a health state (Docker's: failures inside the start period do not count, a success
 * makes the task healthy, `retries` consecutive failures make it unhealthy).
 */
import type { HealthConfig__Output } from "../gen/swarm/api/HealthConfig.js";
import type { Healthcheck } from "../image/manifest.js";
import { AgentError, AgentErrorCode } from "./errors.js";
import type { TaskHealth } from "./task-machine.js";

/** Defaults (Docker's and design/task-model.md's). */
export const HEALTH_DEFAULTS = { intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 } as const;

/** A resolved health check. */
export interface HealthPolicy {
  /** argv to run inside the container (CMD-SHELL becomes `/bin/sh -c <command>`). */
  readonly argv: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
}

function argvOf(test: readonly string[], field: string): readonly string[] | null {
  const [kind, ...rest] = test;
  if (kind === "NONE") return null;
  if (kind === "CMD" && rest.length > 0) return rest;
  if (kind === "CMD-SHELL" && rest.length > 0) return ["/bin/sh", "-c", rest.join(" ")];
  throw new AgentError(AgentErrorCode.InvalidSpec, `${field}: ${JSON.stringify(test)} is not ["NONE"], ["CMD", arg…] or ["CMD-SHELL", command]`);
}

const positive = (v: number | undefined, fallback: number): number => (v !== undefined && v > 0 ? v : fallback);

/**
 * The check a task runs, or null for none: the spec's health check when its `test` is non-empty
 * (["NONE"] disables), otherwise the image's; spec durations override the image's field by field.
 */
export function resolveHealthPolicy(spec: HealthConfig__Output | null | undefined, image: Healthcheck | null | undefined): HealthPolicy | null {
  const specTest = spec?.test ?? [];
  const test = specTest.length > 0 ? specTest : (image?.test ?? []);
  if (test.length === 0) return null;
  const argv = argvOf(test, specTest.length > 0 ? "spec.container.healthcheck.test" : "image config Healthcheck.Test");
  if (argv === null) return null;
  const ns = (v: number | undefined): number | undefined => (v === undefined || v === 0 ? undefined : Math.round(v / 1e6));
  return {
    argv,
    intervalMs: positive(spec?.intervalMs, positive(ns(image?.intervalNs), HEALTH_DEFAULTS.intervalMs)),
    timeoutMs: positive(spec?.timeoutMs, positive(ns(image?.timeoutNs), HEALTH_DEFAULTS.timeoutMs)),
    retries: positive(spec?.retries, positive(image?.retries, HEALTH_DEFAULTS.retries)),
    startPeriodMs: positive(spec?.startPeriodMs, positive(ns(image?.startPeriodNs), HEALTH_DEFAULTS.startPeriodMs)),
  };
}

/** Running health state of one task. */
export interface HealthTrack {
  readonly health: TaskHealth;
  readonly consecutiveFailures: number;
}

/** The state before the first check. */
export const HEALTH_START: HealthTrack = { health: "HEALTH_STARTING", consecutiveFailures: 0 };

/**
 * The state after one check result. `sinceStartMs` is the time from the container start to this check;
 * failures within the start period are ignored (unless the task was already healthy once).
 */
export function healthAfterCheck(track: HealthTrack, passed: boolean, sinceStartMs: number, policy: HealthPolicy): HealthTrack {
  if (passed) return { health: "HEALTHY", consecutiveFailures: 0 };
  if (track.health === "HEALTH_STARTING" && sinceStartMs < policy.startPeriodMs) return track;
  const failures = track.consecutiveFailures + 1;
  return { health: failures >= policy.retries ? "UNHEALTHY" : track.health, consecutiveFailures: failures };
}
