/**
 * Node and cluster spec validation. Errors name the field path.
 */
import { ValidationError } from "../lib/errors.js";
import type { NodeSpec } from "../gen/swarm/api/NodeSpec.js";
import type { ClusterSpec } from "../gen/swarm/api/ClusterSpec.js";
import { readEnum, readInteger, readIntegerAtLeast } from "./values.js";

/** Node availabilities, as the spec spells them. */
export const AVAILABILITIES = ["ACTIVE", "PAUSE", "DRAIN"] as const;
/** Node roles, as the spec spells them. */
export const ROLES = ["WORKER", "MANAGER"] as const;

/** Validates a node spec. */
export function validateNodeSpec(spec: NodeSpec, field = "spec"): void {
  for (const key of Object.keys(spec.annotations?.labels ?? {})) {
    if (key.trim() === "") throw new ValidationError(`${field}.annotations.labels`, "label keys must not be empty");
  }
  readEnum(`${field}.availability`, spec.availability, AVAILABILITIES, "ACTIVE");
  readEnum(`${field}.desiredRole`, spec.desiredRole, ROLES, "WORKER");
}

function parseCidr(field: string, cidr: string): { prefix: number } {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  const octets = m?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(m?.[5]);
  if (m === null || octets.some((o) => o > 255) || prefix > 32) {
    throw new ValidationError(field, `invalid CIDR ${JSON.stringify(cidr)} (expected e.g. "10.0.0.0/8")`);
  }
  return { prefix };
}

/** Validates a cluster spec. */
export function validateClusterSpec(spec: ClusterSpec, field = "spec"): void {
  readIntegerAtLeast(`${field}.orchestration.taskHistoryRetentionLimit`, spec.orchestration?.taskHistoryRetentionLimit, 0);
  readIntegerAtLeast(`${field}.dispatcher.heartbeatPeriodMs`, spec.dispatcher?.heartbeatPeriodMs, 1, 1);
  const electionTick = readIntegerAtLeast(`${field}.raft.electionTick`, spec.raft?.electionTick, 10, 1);
  const heartbeatTick = readIntegerAtLeast(`${field}.raft.heartbeatTick`, spec.raft?.heartbeatTick, 1, 1);
  if (electionTick <= heartbeatTick) {
    throw new ValidationError(`${field}.raft.electionTick`, `${electionTick} must be greater than raft.heartbeatTick (${heartbeatTick})`);
  }
  readIntegerAtLeast(`${field}.raft.tickMs`, spec.raft?.tickMs, 100, 1);
  readIntegerAtLeast(`${field}.raft.snapshotInterval`, spec.raft?.snapshotInterval, 10_000, 1);
  readIntegerAtLeast(`${field}.caConfig.nodeCertExpiryMs`, spec.caConfig?.nodeCertExpiryMs, 3_600_000, 3_600_000);
  const subnetSize = readInteger(`${field}.subnetSize`, spec.subnetSize, 24);
  if (subnetSize < 1 || subnetSize > 30) throw new ValidationError(`${field}.subnetSize`, `${subnetSize} is not within 1..30`);
  (spec.defaultAddrPool ?? []).forEach((cidr, i) => {
    const { prefix } = parseCidr(`${field}.defaultAddrPool[${i}]`, cidr);
    if (prefix > subnetSize) {
      throw new ValidationError(`${field}.defaultAddrPool[${i}]`, `${cidr} is smaller than one /${subnetSize} node subnet (subnetSize)`);
    }
  });
  const port = spec.gossip?.port;
  if (port !== undefined && port !== null && (port < 1 || port > 65535)) throw new ValidationError(`${field}.gossip.port`, `${port} is not within 1..65535`);
  readIntegerAtLeast(`${field}.gossip.probeIntervalMs`, spec.gossip?.probeIntervalMs, 1, 1);
}
