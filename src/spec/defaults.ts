/**
 * Defaults and normalization. Specs leave tunables out to mean "the default" (the `optional` fields
 * of specs.proto/types.proto); normalization validates a spec and returns its decoded form with
 * every default filled in, so orchestrators, the updater and agents never guess.
 */
import { canonical } from "./codec.js";
import { validateServiceSpec } from "./service-spec.js";
import type { ServiceSpec, ServiceSpec__Output } from "../gen/swarm/api/ServiceSpec.js";
import type { UpdateConfig } from "../gen/swarm/api/UpdateConfig.js";
import type { ClusterSpec, ClusterSpec__Output } from "../gen/swarm/api/ClusterSpec.js";

/** Service defaults (Docker's). */
export const SERVICE_DEFAULTS = {
  replicas: 1,
  update: { parallelism: 1, delayMs: 0, failureAction: "PAUSE", monitorMs: 5_000, maxFailureRatio: 0, order: "STOP_FIRST" },
  restart: { condition: "ANY", delayMs: 5_000, maxAttempts: 0, windowMs: 0 },
  stopGracePeriodMs: 10_000,
  stopSignal: "SIGTERM",
  healthcheck: { intervalMs: 30_000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 },
} as const;

/** Cluster defaults. */
export const CLUSTER_DEFAULTS = {
  name: "default",
  taskHistoryRetentionLimit: 5,
  heartbeatPeriodMs: 5_000,
  snapshotInterval: 10_000,
  logEntriesForSlowFollowers: 500,
  electionTick: 10,
  heartbeatTick: 1,
  tickMs: 100,
  nodeCertExpiryMs: 90 * 24 * 3_600_000,
  defaultAddrPool: ["10.0.0.0/8"],
  subnetSize: 24,
  gossipPort: 7947,
  gossipProbeIntervalMs: 1_000,
} as const;

function fillUpdate(u: UpdateConfig | null | undefined): UpdateConfig {
  const d = SERVICE_DEFAULTS.update;
  return {
    parallelism: u?.parallelism ?? d.parallelism,
    delayMs: u?.delayMs ?? d.delayMs,
    failureAction: u?.failureAction ?? d.failureAction,
    monitorMs: u?.monitorMs ?? d.monitorMs,
    maxFailureRatio: u?.maxFailureRatio ?? d.maxFailureRatio,
    order: u?.order ?? d.order,
  };
}

/**
 * Validates a service spec (throws the first ValidationError) and returns its decoded form with all
 * defaults: mode replicated with 1 replica, update/rollback parallelism 1, delay 0, monitor 5s,
 * failure action pause, order stop-first; restart condition any, delay 5s; stop grace 10s, SIGTERM;
 * health check interval/timeout 30s, 3 retries.
 */
export function normalizeServiceSpec(spec: ServiceSpec): ServiceSpec__Output {
  validateServiceSpec(spec);
  const task = spec.task ?? {};
  const c = task.container ?? {};
  const r = task.restart ?? undefined;
  const hc = c.healthcheck ?? undefined;
  const rd = SERVICE_DEFAULTS.restart;
  const hd = SERVICE_DEFAULTS.healthcheck;
  const mode: Pick<ServiceSpec, "replicated" | "global"> =
    spec.global !== undefined && spec.global !== null
      ? { global: {}, replicated: undefined }
      : { replicated: { replicas: spec.replicated?.replicas ?? SERVICE_DEFAULTS.replicas }, global: undefined };
  return canonical("ServiceSpec", {
    ...spec,
    ...mode,
    task: {
      ...task,
      container: {
        ...c,
        stopGracePeriodMs: c.stopGracePeriodMs ?? SERVICE_DEFAULTS.stopGracePeriodMs,
        stopSignal: c.stopSignal === undefined || c.stopSignal === "" ? SERVICE_DEFAULTS.stopSignal : c.stopSignal,
        healthcheck:
          hc === undefined
            ? null
            : {
                ...hc,
                intervalMs: hc.intervalMs ?? hd.intervalMs,
                timeoutMs: hc.timeoutMs ?? hd.timeoutMs,
                retries: hc.retries ?? hd.retries,
                startPeriodMs: hc.startPeriodMs ?? hd.startPeriodMs,
              },
      },
      restart: {
        condition: r?.condition ?? rd.condition,
        delayMs: r?.delayMs ?? rd.delayMs,
        maxAttempts: r?.maxAttempts ?? rd.maxAttempts,
        windowMs: r?.windowMs ?? rd.windowMs,
      },
      resources: task.resources ?? { limits: {}, reservations: {} },
      placement: task.placement ?? {},
    },
    update: fillUpdate(spec.update),
    rollback: fillUpdate(spec.rollback),
    endpoint: spec.endpoint ?? { mode: "VIP", ports: [] },
  });
}

/** Returns the decoded cluster spec with all defaults filled in. */
export function normalizeClusterSpec(spec: ClusterSpec = {}): ClusterSpec__Output {
  const d = CLUSTER_DEFAULTS;
  const pool = spec.defaultAddrPool ?? [];
  return canonical("ClusterSpec", {
    ...spec,
    annotations: { ...spec.annotations, name: spec.annotations?.name || d.name },
    orchestration: { taskHistoryRetentionLimit: spec.orchestration?.taskHistoryRetentionLimit ?? d.taskHistoryRetentionLimit },
    dispatcher: { heartbeatPeriodMs: spec.dispatcher?.heartbeatPeriodMs ?? d.heartbeatPeriodMs },
    raft: {
      ...spec.raft,
      snapshotInterval: spec.raft?.snapshotInterval ?? d.snapshotInterval,
      logEntriesForSlowFollowers: spec.raft?.logEntriesForSlowFollowers ?? d.logEntriesForSlowFollowers,
      electionTick: spec.raft?.electionTick ?? d.electionTick,
      heartbeatTick: spec.raft?.heartbeatTick ?? d.heartbeatTick,
      tickMs: spec.raft?.tickMs ?? d.tickMs,
    },
    caConfig: { nodeCertExpiryMs: spec.caConfig?.nodeCertExpiryMs ?? d.nodeCertExpiryMs },
    defaultAddrPool: pool.length > 0 ? pool : [...d.defaultAddrPool],
    subnetSize: spec.subnetSize ?? d.subnetSize,
    gossip: {
      ...spec.gossip,
      port: spec.gossip?.port ?? d.gossipPort,
      probeIntervalMs: spec.gossip?.probeIntervalMs ?? d.gossipProbeIntervalMs,
    },
  });
}
