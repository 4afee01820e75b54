/**
 * Pure published-port conflict check, shared by the control API (refuse `service create/update`
 * before anything is stored) and the mesh's own table (refuse before anything binds).
 *
 * Rule: a port/protocol published in `ingress` mode belongs to one service cluster-wide. Two services
 * may both publish the same port in `host` mode (they must then run on different nodes, which is the
 * scheduler's host-port filter's job), but never one in host and one in ingress mode.
 */
import { SwarmError } from "../lib/errors.js";

/** The part of a published port the rule looks at (`protocol` tcp|udp, `mode` ingress|host). */
export interface PublishedPortKey {
  readonly published: number;
  readonly protocol: "tcp" | "udp";
  readonly mode: "ingress" | "host";
}

/** One clash between two services' published ports. */
export interface PortConflict {
  readonly published: number;
  readonly protocol: "tcp" | "udp";
  readonly serviceId: string;
  /** The service that already publishes the port. */
  readonly heldBy: string;
}

/** Two services publish the same port: refused before anything is stored or binds. */
export class PublishedPortConflictError extends SwarmError {
  readonly conflicts: readonly PortConflict[];
  constructor(conflicts: readonly PortConflict[]) {
    const text = conflicts
      .map((c) =>
        c.heldBy === c.serviceId
          ? `port ${c.published}/${c.protocol} is published twice by service ${c.serviceId}`
          : `port ${c.published}/${c.protocol} is already published by service ${c.heldBy}`,
      )
      .join("; ");
    super("MESH_PUBLISHED_PORT_CONFLICT", `service ${conflicts[0]?.serviceId ?? "?"}: ${text}`, {
      fields: { conflicts },
    });
    this.conflicts = conflicts;
  }
}

/** The published ports of one service, as the check needs them. */
export interface PublishedPortsOf {
  readonly serviceId: string;
  readonly ports: readonly PublishedPortKey[];
}

/**
 * Lists every clash of `candidate`'s ports with the other services in `existing` (an entry with the
 * candidate's own id is its previous version and is ignored) and with itself.
 */
export function findPublishedPortConflicts(
  existing: Iterable<PublishedPortsOf>,
  candidate: PublishedPortsOf,
): PortConflict[] {
  const conflicts: PortConflict[] = [];
  const seen = new Set<string>();
  for (const p of candidate.ports) {
    const key = `${p.published}/${p.protocol}`;
    if (seen.has(key)) {
      conflicts.push({ published: p.published, protocol: p.protocol, serviceId: candidate.serviceId, heldBy: candidate.serviceId });
    }
    seen.add(key);
  }
  for (const other of existing) {
    if (other.serviceId === candidate.serviceId) continue;
    for (const p of candidate.ports) {
      const clash = other.ports.find(
        (q) => q.published === p.published && q.protocol === p.protocol && !(q.mode === "host" && p.mode === "host"),
      );
      if (clash !== undefined) {
        conflicts.push({ published: p.published, protocol: p.protocol, serviceId: candidate.serviceId, heldBy: other.serviceId });
      }
    }
  }
  return conflicts;
}

/** Throws {@link PublishedPortConflictError} naming every clash, if there is one. */
export function assertNoPublishedPortConflicts(existing: Iterable<PublishedPortsOf>, candidate: PublishedPortsOf): void {
  const conflicts = findPublishedPortConflicts(existing, candidate);
  if (conflicts.length > 0) throw new PublishedPortConflictError(conflicts);
}
