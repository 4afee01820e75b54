/**
 * `service inspect` / `node inspect` as Docker prints them: the Engine API's shapes (PascalCase, as in
 * moby's api/swagger.yaml: ID, Version.Index, CreatedAt, Spec{Name, Labels, TaskTemplate{ContainerSpec
 * …}, Mode, UpdateConfig, EndpointSpec}, Endpoint, UpdateStatus), durations in nanoseconds, enums in
 * lower case, empty optional fields left out (Go's omitempty); and `--pretty`. Pure.
 */
import type { Node__Output } from "../gen/swarm/api/Node.js";
import type { Service__Output } from "../gen/swarm/api/Service.js";
import type { ServiceSpec__Output } from "../gen/swarm/api/ServiceSpec.js";
import type { UpdateConfig__Output } from "../gen/swarm/api/UpdateConfig.js";
import type { PortConfig__Output } from "../gen/swarm/api/PortConfig.js";

import { goString, parseTemplate } from "./format/template.js";

type Json = Record<string, unknown>;

const NS_PER_MS = 1_000_000;
const ns = (ms: unknown): number | undefined => (ms === undefined || ms === null ? undefined : Number(ms) * NS_PER_MS);
const lower = (s: string | undefined | null): string | undefined => (s === undefined || s === null ? undefined : s.toLowerCase().replaceAll("_", "-"));
/** Go's time.Time in JSON (RFC 3339, UTC); our timestamps are Unix milliseconds. */
const time = (ms: unknown): string | undefined => (ms === undefined || ms === null || Number(ms) === 0 ? undefined : new Date(Number(ms)).toISOString());

/** Drops what Go's omitempty drops from `o`'s own fields: undefined, null, "", 0, false, [] and {}. */
function omitEmpty(o: Json): Json {
  const out: Json = {};
  for (const [k, w] of Object.entries(o)) {
    if (w === undefined || w === null || w === "" || w === 0 || w === false) continue;
    if (Array.isArray(w) && w.length === 0) continue;
    if (typeof w === "object" && !Array.isArray(w) && Object.keys(w).length === 0) continue;
    out[k] = w;
  }
  return out;
}

function updateConfig(u: UpdateConfig__Output | null | undefined): Json | undefined {
  if (u === null || u === undefined) return undefined;
  // Parallelism, MaxFailureRatio and Order have no omitempty in Docker's UpdateConfig.
  return {
    Parallelism: Number(u.parallelism ?? 0),
    ...omitEmpty({ Delay: ns(u.delayMs), FailureAction: lower(u.failureAction), Monitor: ns(u.monitorMs) }),
    MaxFailureRatio: u.maxFailureRatio ?? 0,
    Order: lower(u.order),
  };
}

function port(p: PortConfig__Output): Json {
  return omitEmpty({ Name: p.name, Protocol: lower(p.protocol), TargetPort: p.targetPort, PublishedPort: p.publishedPort, PublishMode: lower(p.publishMode) });
}

/** A ServiceSpec as Docker's swarm.ServiceSpec. */
export function dockerServiceSpec(spec: ServiceSpec__Output): Json {
  const t = spec.task;
  const c = t?.container;
  const hc = c?.healthcheck;
  return {
    Name: spec.annotations?.name ?? "",
    // Labels has no omitempty in Docker's Annotations: always present.
    Labels: { ...(spec.annotations?.labels ?? {}) },
    TaskTemplate: {
      ContainerSpec: omitEmpty({
        Image: c?.image,
        Labels: c?.labels,
        Command: c?.command,
        Args: c?.args,
        Hostname: c?.hostname,
        Env: c?.env,
        Dir: c?.dir,
        User: c?.user,
        Mounts: (c?.mounts ?? []).map((m) => omitEmpty({ Type: lower(m.type), Source: m.source, Target: m.target, ReadOnly: m.readOnly, TmpfsOptions: Number(m.tmpfsSizeBytes) > 0 ? { SizeBytes: Number(m.tmpfsSizeBytes) } : undefined })),
        StopGracePeriod: ns(c?.stopGracePeriodMs),
        StopSignal: c?.stopSignal,
        Healthcheck: hc == null ? undefined : omitEmpty({ Test: hc.test, Interval: ns(hc.intervalMs), Timeout: ns(hc.timeoutMs), Retries: hc.retries == null ? undefined : Number(hc.retries), StartPeriod: ns(hc.startPeriodMs) }),
        ReadOnly: c?.readOnly,
        Isolation: "default",
      }),
      Resources: {
        Limits: omitEmpty({ NanoCPUs: Number(t?.resources?.limits?.nanoCpus ?? 0), MemoryBytes: Number(t?.resources?.limits?.memoryBytes ?? 0), Pids: Number(t?.resources?.limits?.pids ?? 0) }),
        Reservations: omitEmpty({ NanoCPUs: Number(t?.resources?.reservations?.nanoCpus ?? 0), MemoryBytes: Number(t?.resources?.reservations?.memoryBytes ?? 0) }),
      },
      RestartPolicy: omitEmpty({ Condition: lower(t?.restart?.condition), Delay: ns(t?.restart?.delayMs), MaxAttempts: Number(t?.restart?.maxAttempts ?? 0), Window: ns(t?.restart?.windowMs) }),
      Placement: omitEmpty({
        Constraints: t?.placement?.constraints,
        Preferences: (t?.placement?.preferences ?? []).map((p) => ({ Spread: { SpreadDescriptor: p.spread?.spreadDescriptor ?? "" } })),
        MaxReplicas: Number(t?.placement?.maxReplicas ?? 0),
      }),
      // ForceUpdate has no omitempty in Docker's TaskSpec.
      ForceUpdate: Number(t?.forceUpdate ?? 0),
      Runtime: "container",
    },
    Mode: spec.global != null ? { Global: {} } : { Replicated: { Replicas: Number(spec.replicated?.replicas ?? 0) } },
    ...omitEmpty({ UpdateConfig: updateConfig(spec.update), RollbackConfig: updateConfig(spec.rollback) }),
    EndpointSpec: omitEmpty({ Mode: lower(spec.endpoint?.mode ?? "VIP"), Ports: (spec.endpoint?.ports ?? []).map(port) }),
  };
}

/** A Service as `docker service inspect` prints it. */
export function dockerService(s: Service__Output): Json {
  return omitEmpty({
    ID: s.id,
    Version: { Index: Number(s.meta?.version ?? 0) },
    CreatedAt: time(s.meta?.createdAt),
    UpdatedAt: time(s.meta?.updatedAt),
    Spec: s.spec === null ? undefined : dockerServiceSpec(s.spec),
    PreviousSpec: s.previousSpec == null ? undefined : dockerServiceSpec(s.previousSpec),
    Endpoint: omitEmpty({
      Spec: { Mode: lower(s.endpoint?.spec?.mode ?? s.spec?.endpoint?.mode ?? "VIP"), Ports: (s.endpoint?.spec?.ports ?? s.spec?.endpoint?.ports ?? []).map(port) },
      Ports: (s.endpoint?.ports ?? []).map(port),
      VirtualIPs: (s.endpoint?.virtualIps ?? []).map((v) => ({ NetworkID: v.networkId, Addr: v.addr })),
    }),
    UpdateStatus: s.updateStatus == null ? undefined : omitEmpty({ State: lower(s.updateStatus.state), StartedAt: time(s.updateStatus.startedAt), CompletedAt: time(s.updateStatus.completedAt), Message: s.updateStatus.message }),
  });
}

/** A Node as `docker node inspect` prints it. */
export function dockerNode(n: Node__Output): Json {
  return omitEmpty({
    ID: n.id,
    Version: { Index: Number(n.meta?.version ?? 0) },
    CreatedAt: time(n.meta?.createdAt),
    UpdatedAt: time(n.meta?.updatedAt),
    Spec: { ...omitEmpty({ Name: n.spec?.annotations?.name }), Labels: { ...(n.spec?.annotations?.labels ?? {}) }, Role: lower(n.spec?.desiredRole ?? "WORKER"), Availability: lower(n.spec?.availability ?? "ACTIVE") },
    Description: omitEmpty({
      Hostname: n.description?.hostname,
      Platform: omitEmpty({ Architecture: n.description?.platform?.architecture, OS: n.description?.platform?.os }),
      Resources: omitEmpty({ NanoCPUs: Number(n.description?.resources?.nanoCpus ?? 0), MemoryBytes: Number(n.description?.resources?.memoryBytes ?? 0) }),
      Engine: omitEmpty({ EngineVersion: n.description?.engine?.engineVersion, Labels: n.description?.engine?.labels }),
    }),
    Status: omitEmpty({ State: lower(n.status?.state ?? "UNKNOWN"), Message: n.status?.message, Addr: n.status?.addr }),
    ManagerStatus: n.managerStatus == null || Number(n.managerStatus.raftId) === 0 ? undefined : omitEmpty({ Leader: n.managerStatus.leader, Reachability: lower(n.managerStatus.reachability), Addr: n.managerStatus.addr }),
  });
}

/** Docker's duration text for --pretty ("5s", "1m30s", "0s"). */
function goDuration(nsValue: unknown): string {
  let ms = Math.round(Number(nsValue ?? 0) / NS_PER_MS);
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  ms -= h * 3_600_000;
  const m = Math.floor(ms / 60_000);
  ms -= m * 60_000;
  const s = ms / 1000;
  return `${h > 0 ? `${h}h` : ""}${h > 0 || m > 0 ? `${m}m` : ""}${s}s`;
}

/** `service inspect --pretty`: Docker's human-readable layout (the fields we have). */
export function prettyService(s: Service__Output): string {
  const d = dockerService(s) as { ID: string; Spec?: Json };
  const spec = (d.Spec ?? {}) as { Name: string; Labels: Record<string, string>; TaskTemplate: Json; Mode: Json; UpdateConfig?: Json; RollbackConfig?: Json; EndpointSpec: Json };
  const lines = [`ID:\t\t${d.ID}`, `Name:\t\t${spec.Name}`];
  const labels = Object.entries(spec.Labels);
  if (labels.length > 0) lines.push("Labels:", ...labels.map(([k, v]) => ` ${k}=${v}`));
  const replicated = (spec.Mode.Replicated as { Replicas: number } | undefined)?.Replicas;
  lines.push(replicated === undefined ? "Service Mode:\tGlobal" : `Service Mode:\tReplicated\n Replicas:\t${replicated}`);
  const placement = (spec.TaskTemplate.Placement ?? {}) as { Constraints?: string[] };
  lines.push("Placement:");
  if (placement.Constraints !== undefined) lines.push(` Constraints:\t[${placement.Constraints.join(" ")}]`);
  for (const [title, cfg] of [["UpdateConfig", spec.UpdateConfig], ["RollbackConfig", spec.RollbackConfig]] as const) {
    if (cfg === undefined) continue;
    lines.push(`${title}:`, ` Parallelism:\t${goString(cfg.Parallelism ?? 0)}`);
    if (cfg.Delay !== undefined) lines.push(` Delay:\t\t${goDuration(cfg.Delay)}`);
    lines.push(` On failure:\t${goString(cfg.FailureAction ?? "")}`, ` Monitoring Period: ${goDuration(cfg.Monitor)}`, ` Max failure ratio: ${goString(cfg.MaxFailureRatio ?? 0)}`, ` ${title === "UpdateConfig" ? "Update" : "Rollback"} order:      ${goString(cfg.Order ?? "")}`);
  }
  const c = (spec.TaskTemplate.ContainerSpec ?? {}) as { Image?: string; Args?: string[]; Env?: string[] };
  lines.push("ContainerSpec:", ` Image:\t\t${c.Image ?? ""}`);
  if (c.Args !== undefined) lines.push(` Args:\t\t${c.Args.join(" ")} `);
  if (c.Env !== undefined) lines.push(` Env:\t\t${c.Env.join(" ")}`);
  lines.push(`Endpoint Mode:\t${goString(spec.EndpointSpec.Mode ?? "vip")}`);
  const ports = (spec.EndpointSpec.Ports ?? []) as Json[];
  if (ports.length > 0) {
    lines.push("Ports:");
    for (const p of ports) lines.push(` PublishedPort = ${goString(p.PublishedPort)}`, `  Protocol = ${goString(p.Protocol)}`, `  TargetPort = ${goString(p.TargetPort)}`, `  PublishMode = ${goString(p.PublishMode)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `inspect` output: Docker's indented JSON array, or `--format` (a template, or json) once per object. */
export function renderInspect(objects: readonly Json[], format: string | undefined): string {
  const f = (format ?? "").trim();
  if (f === "") return `${JSON.stringify(objects, null, 4)}\n`;
  const tmpl = parseTemplate(f === "json" ? "{{json .}}" : f.replaceAll("\\t", "\t").replaceAll("\\n", "\n"));
  return objects.map((o) => `${tmpl.execute(o)}\n`).join("");
}
