/** `swarmctl node update` / `promote` / `demote` flags applied to a node spec; errors name the flag. */
import { ValidationError } from "../lib/errors.js";
import type { NodeSpec__Output } from "../gen/swarm/api/NodeSpec.js";
import { AVAILABILITIES, ROLES } from "../spec/node-cluster-spec.js";
import { parseLabels } from "./service-flags.js";

/** `node update` / `promote` / `demote` changes, as typed. */
export interface NodeUpdateFlags {
  readonly availability?: string;
  readonly labelAdd?: readonly string[];
  readonly labelRm?: readonly string[];
  readonly role?: string;
}

/** Applies `node update` flags to a node spec and returns the new spec (the input is not modified). */
export function applyNodeUpdate(spec: NodeSpec__Output, flags: NodeUpdateFlags): NodeSpec__Output {
  const labels = { ...(spec.annotations?.labels ?? {}) };
  for (const key of flags.labelRm ?? []) {
    if (!(key in labels)) throw new ValidationError("--label-rm", `key ${JSON.stringify(key)} doesn't exist in the node's labels`);
    delete labels[key];
  }
  Object.assign(labels, parseLabels("--label-add", flags.labelAdd ?? []));
  let availability = spec.availability;
  if (flags.availability !== undefined) {
    const a = flags.availability.trim().toUpperCase();
    if (!(AVAILABILITIES as readonly string[]).includes(a)) {
      throw new ValidationError("--availability", `invalid value ${JSON.stringify(flags.availability)} (expected active, pause, drain)`);
    }
    availability = a as NodeSpec__Output["availability"];
  }
  let desiredRole = spec.desiredRole;
  if (flags.role !== undefined) {
    const r = flags.role.trim().toUpperCase();
    if (!(ROLES as readonly string[]).includes(r)) throw new ValidationError("--role", `invalid value ${JSON.stringify(flags.role)} (expected worker, manager)`);
    desiredRole = r as NodeSpec__Output["desiredRole"];
  }
  return { annotations: { name: spec.annotations?.name ?? "", labels }, availability, desiredRole };
}
