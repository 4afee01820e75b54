/**
 * Pure published-port conflict check, shared by the control API (refuse `service create/update`
 * before anything is stored) and the mesh's own table (refuse before anything binds).
 *
 * Rule: a port/protocol published in `ingress` mode belongs to one service cluster-wide. Two services
 * may both publish the same port in `host` mode (they must then run on different nodes, which is the
 * scheduler's host-port filter's job), but never one in host and one in ingress mode.
 */
import type { PortConflict } from "./errors.js";
import { PublishedPortConflictError } from "./errors.js";
import type { PublishedPort } from "./types.js";

/** The published ports of one service, as the check needs them. */
export interface PublishedPortsOf {
  readonly serviceId: string;
  readonly ports: readonly Pick<PublishedPort, "published" | "protocol" | "mode">[];
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
