/**
 * Service spec validation: `validateServiceSpec` walks a spec (as a client builds it, or as decoded
 * from the wire) in a fixed order and throws the first problem as a ValidationError whose field is
 * the path of the offending value ("spec.mode.replicated.replicas: -1 is not ≥ 0").
 */
import { constants as osConstants } from "node:os";
import { ValidationError } from "../lib/errors.js";
import { readImageReference } from "../lib/image-reference.js";
import type { ServiceSpec } from "../gen/swarm/api/ServiceSpec.js";
import type { ContainerSpec } from "../gen/swarm/api/ContainerSpec.js";
import type { TaskSpec } from "../gen/swarm/api/TaskSpec.js";
import type { UpdateConfig } from "../gen/swarm/api/UpdateConfig.js";
import type { EndpointSpec } from "../gen/swarm/api/EndpointSpec.js";
import { parseConstraints, parseSpreadDescriptor } from "./constraints.js";
import { parseEnv } from "./env.js";
import { checkMount } from "./mounts.js";
import { readEnum, readInteger, readIntegerAtLeast, readNumberInRange } from "./values.js";

/** Service names: a letter or digit, then letters, digits, "_", "." or "-"; at most 63 characters. */
export const SERVICE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** Smallest memory limit accepted, as Docker (6 MiB). */
export const MIN_MEMORY_LIMIT_BYTES = 6 * 1024 * 1024;

/**
 * Checks an image reference ("demo/web:1", "localhost:5000/x@sha256:…") with the image store's
 * grammar (src/lib/image-reference.ts): a spec the manager accepts names its image in a form the
 * agents' image stores parse.
 */
export function checkImageReference(field: string, image: string): void {
  if (image === "") throw new ValidationError(field, "an image is required");
  const read = readImageReference(image);
  if (!read.ok) throw new ValidationError(field, `${JSON.stringify(image)}: ${read.why}`);
}

/** Checks a stop signal ("SIGTERM", "TERM", "15"); "" means the default. */
export function checkSignal(field: string, signal: string): void {
  if (signal === "") return;
  if (/^\d+$/.test(signal)) {
    const n = Number(signal);
    if (n >= 1 && n <= 64) return;
  } else {
    const name = signal.toUpperCase().startsWith("SIG") ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
    if (name in osConstants.signals) return;
  }
  throw new ValidationError(field, `invalid signal ${JSON.stringify(signal)}`);
}

/** Validates a whole service spec; throws the first problem found. */
export function validateServiceSpec(spec: ServiceSpec): void {
  const name = spec.annotations?.name ?? "";
  if (name === "") throw new ValidationError("spec.annotations.name", "a service needs a name");
  if (!SERVICE_NAME_RE.test(name)) {
    throw new ValidationError(
      "spec.annotations.name",
      `${JSON.stringify(name)} is not a valid name (letters, digits, "_", "." and "-", starting with a letter or digit, at most 63 characters)`,
    );
  }
  for (const key of Object.keys(spec.annotations?.labels ?? {})) {
    if (key.trim() === "") throw new ValidationError("spec.annotations.labels", "label keys must not be empty");
  }
  validateMode(spec);
  validateTask("spec.task", spec.task ?? undefined);
  validateUpdateConfig("spec.update", spec.update ?? undefined);
  validateUpdateConfig("spec.rollback", spec.rollback ?? undefined);
  validateEndpoint("spec.endpoint", spec.endpoint ?? undefined);
}

function validateMode(spec: ServiceSpec): void {
  const replicated = spec.replicated ?? undefined;
  const global = spec.global ?? undefined;
  if (replicated !== undefined && global !== undefined) {
    throw new ValidationError("spec.mode", "set either replicated or global, not both");
  }
  if (replicated !== undefined) readIntegerAtLeast("spec.mode.replicated.replicas", replicated.replicas, 0);
}

function validateTask(field: string, task: TaskSpec | undefined): void {
  if (task === undefined) throw new ValidationError(field, "a service needs a task spec");
  validateContainer(`${field}.container`, task.container ?? undefined);

  const limits = task.resources?.limits ?? undefined;
  const reservations = task.resources?.reservations ?? undefined;
  const lCpu = readIntegerAtLeast(`${field}.resources.limits.nanoCpus`, limits?.nanoCpus, 0);
  const lMem = readIntegerAtLeast(`${field}.resources.limits.memoryBytes`, limits?.memoryBytes, 0);
  readIntegerAtLeast(`${field}.resources.limits.pids`, limits?.pids, 0);
  if (lMem > 0 && lMem < MIN_MEMORY_LIMIT_BYTES) {
    throw new ValidationError(`${field}.resources.limits.memoryBytes`, `${lMem} is below the minimum memory limit of ${MIN_MEMORY_LIMIT_BYTES} bytes (6MiB)`);
  }
  const rCpu = readIntegerAtLeast(`${field}.resources.reservations.nanoCpus`, reservations?.nanoCpus, 0);
  const rMem = readIntegerAtLeast(`${field}.resources.reservations.memoryBytes`, reservations?.memoryBytes, 0);
  if (lCpu > 0 && rCpu > lCpu) throw new ValidationError(`${field}.resources.reservations.nanoCpus`, `${rCpu} exceeds the limit ${lCpu}`);
  if (lMem > 0 && rMem > lMem) throw new ValidationError(`${field}.resources.reservations.memoryBytes`, `${rMem} exceeds the limit ${lMem}`);

  const restart = task.restart ?? undefined;
  if (restart !== undefined) {
    readEnum(`${field}.restart.condition`, restart.condition, ["NONE", "ON_FAILURE", "ANY"] as const, "ANY");
    readIntegerAtLeast(`${field}.restart.delayMs`, restart.delayMs, 0);
    readIntegerAtLeast(`${field}.restart.maxAttempts`, restart.maxAttempts, 0);
    readIntegerAtLeast(`${field}.restart.windowMs`, restart.windowMs, 0);
  }

  const placement = task.placement ?? undefined;
  if (placement !== undefined) {
    parseConstraints(`${field}.placement.constraints`, placement.constraints ?? []);
    (placement.preferences ?? []).forEach((p, i) => {
      const spread = p.spread ?? undefined;
      if (spread === undefined) throw new ValidationError(`${field}.placement.preferences[${i}]`, "a preference needs a spread descriptor");
      parseSpreadDescriptor(`${field}.placement.preferences[${i}].spread`, spread.spreadDescriptor ?? "");
    });
    readIntegerAtLeast(`${field}.placement.maxReplicas`, placement.maxReplicas, 0);
  }
  readInteger(`${field}.forceUpdate`, task.forceUpdate, 0);
}

function validateContainer(field: string, c: ContainerSpec | undefined): void {
  if (c === undefined) throw new ValidationError(field, "a service needs a container spec");
  checkImageReference(`${field}.image`, c.image ?? "");
  (c.env ?? []).forEach((e, i) => parseEnv(`${field}.env[${i}]`, e));
  const targets = new Map<string, number>();
  (c.mounts ?? []).forEach((m, i) => {
    const type = readEnum(`${field}.mounts[${i}].type`, m.type, ["BIND", "VOLUME", "TMPFS"] as const, "BIND");
    const target = m.target ?? "";
    checkMount(`${field}.mounts[${i}]`, {
      type,
      source: m.source ?? "",
      target,
      tmpfsSizeBytes: readInteger(`${field}.mounts[${i}].tmpfsSizeBytes`, m.tmpfsSizeBytes, 0),
    });
    const clash = targets.get(target);
    if (clash !== undefined) throw new ValidationError(`${field}.mounts[${i}].target`, `${JSON.stringify(target)} is already mounted by ${field}.mounts[${clash}]`);
    targets.set(target, i);
  });
  if ((c.dir ?? "") !== "" && !(c.dir ?? "").startsWith("/")) throw new ValidationError(`${field}.dir`, `${JSON.stringify(c.dir)} is not an absolute path`);
  const hostname = c.hostname ?? "";
  if (hostname !== "" && !/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(hostname)) {
    throw new ValidationError(`${field}.hostname`, `${JSON.stringify(hostname)} is not a valid hostname`);
  }
  readIntegerAtLeast(`${field}.stopGracePeriodMs`, c.stopGracePeriodMs, 0);
  checkSignal(`${field}.stopSignal`, c.stopSignal ?? "");
  const hc = c.healthcheck ?? undefined;
  if (hc !== undefined) {
    const test = hc.test ?? [];
    const kind = test[0];
    if (kind !== undefined) {
      if (kind === "NONE") {
        if (test.length > 1) throw new ValidationError(`${field}.healthcheck.test`, `"NONE" takes no arguments`);
      } else if (kind === "CMD") {
        if (test.length < 2) throw new ValidationError(`${field}.healthcheck.test`, `"CMD" needs a command`);
      } else if (kind === "CMD-SHELL") {
        if (test.length !== 2 || (test[1] ?? "") === "") throw new ValidationError(`${field}.healthcheck.test`, `"CMD-SHELL" needs exactly one command string`);
      } else {
        throw new ValidationError(`${field}.healthcheck.test[0]`, `${JSON.stringify(kind)} is not one of NONE, CMD, CMD-SHELL`);
      }
    }
    readIntegerAtLeast(`${field}.healthcheck.intervalMs`, hc.intervalMs, 1, 1);
    readIntegerAtLeast(`${field}.healthcheck.timeoutMs`, hc.timeoutMs, 1, 1);
    readIntegerAtLeast(`${field}.healthcheck.retries`, hc.retries, 0);
    readIntegerAtLeast(`${field}.healthcheck.startPeriodMs`, hc.startPeriodMs, 0);
  }
}

function validateUpdateConfig(field: string, u: UpdateConfig | undefined): void {
  if (u === undefined) return;
  readIntegerAtLeast(`${field}.parallelism`, u.parallelism, 0);
  readIntegerAtLeast(`${field}.delayMs`, u.delayMs, 0);
  readEnum(`${field}.failureAction`, u.failureAction, ["PAUSE", "CONTINUE", "ROLLBACK"] as const, "PAUSE");
  readIntegerAtLeast(`${field}.monitorMs`, u.monitorMs, 0);
  readNumberInRange(`${field}.maxFailureRatio`, typeof u.maxFailureRatio === "string" ? Number(u.maxFailureRatio) : u.maxFailureRatio, 0, 0, 1);
  readEnum(`${field}.order`, u.order, ["STOP_FIRST", "START_FIRST"] as const, "STOP_FIRST");
}

function validateEndpoint(field: string, e: EndpointSpec | undefined): void {
  if (e === undefined) return;
  const mode = readEnum(`${field}.mode`, e.mode, ["VIP", "DNSRR"] as const, "VIP");
  const seen = new Map<string, number>();
  (e.ports ?? []).forEach((p, i) => {
    const f = `${field}.ports[${i}]`;
    const protocol = readEnum(`${f}.protocol`, p.protocol, ["TCP", "UDP"] as const, "TCP");
    const publishMode = readEnum(`${f}.publishMode`, p.publishMode, ["INGRESS", "HOST"] as const, "INGRESS");
    const target = p.targetPort ?? 0;
    const published = p.publishedPort ?? 0;
    if (!Number.isInteger(target) || target < 1 || target > 65535) throw new ValidationError(`${f}.targetPort`, `${target} is not within 1..65535`);
    if (!Number.isInteger(published) || published < 0 || published > 65535) throw new ValidationError(`${f}.publishedPort`, `${published} is not within 0..65535`);
    if (publishMode === "HOST" && published === 0) throw new ValidationError(`${f}.publishedPort`, "a host-mode port needs a published port");
    if (mode === "DNSRR" && publishMode === "INGRESS") {
      throw new ValidationError(`${field}.mode`, `DNSRR cannot be used with ingress-mode published ports (${f})`);
    }
    if (published === 0) return;
    const key = `${published}/${protocol.toLowerCase()}`;
    const clash = seen.get(key);
    if (clash !== undefined) throw new ValidationError(`${f}.publishedPort`, `${key} is already published by ${field}.ports[${clash}]`);
    seen.set(key, i);
  });
}
