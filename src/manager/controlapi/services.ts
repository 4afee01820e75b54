/**
 * Control API operations on services: create (validate, fill defaults, pin the image to a digest,
 * refuse published-port clashes), update (keeping the previous spec for rollback), rollback, remove.
 * The orchestrators on the leader turn the stored spec into tasks; the updater rolls existing tasks
 * over to a new spec.
 */
import type { Service__Output } from "../../gen/swarm/api/Service.js";
import type { ServiceSpec, ServiceSpec__Output } from "../../gen/swarm/api/ServiceSpec.js";
import type { PortConfig__Output } from "../../gen/swarm/api/PortConfig.js";
import { normalizeServiceSpec } from "../../spec/defaults.js";
import { ErrorCode, SwarmError, ValidationError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { assertNoPublishedPortConflicts, type PublishedPortsOf } from "../../spec/port-conflicts.js";
import { makeService } from "../../store/objects.js";
import type { ReadTx, Store } from "../../store/store.js";
import { resolveRef } from "./resolve.js";

/** Pins an image reference to a content digest (`name:tag@sha256:…`), or explains why it cannot. */
export type ImagePinner = (image: string) => string | Promise<string>;

/** Finds a service by id, name, or unique id prefix. */
export function findService(tx: ReadTx, ref: string): Service__Output {
  return resolveRef("service", tx.list("service"), ref, (s) => s.spec?.annotations?.name ?? "");
}

function publishedPorts(serviceId: string, spec: ServiceSpec__Output): PublishedPortsOf {
  const ports = (spec.endpoint?.ports ?? []).filter((p: PortConfig__Output) => p.publishedPort !== 0);
  return {
    serviceId,
    ports: ports.map((p) => ({
      published: p.publishedPort,
      protocol: p.protocol === "UDP" ? ("udp" as const) : ("tcp" as const),
      mode: p.publishMode === "HOST" ? ("host" as const) : ("ingress" as const),
    })),
  };
}

/**
 * Ports every node's swarmd holds itself (cluster port, Raft = +1, gossip = +2, from the nodes'
 * addresses; VXLAN 4789/udp): a published port there could never bind on those nodes.
 */
function checkReservedPorts(tx: ReadTx, spec: ServiceSpec__Output): void {
  const reserved = new Map<string, string>([["4789/udp", "the VXLAN overlay"]]);
  for (const n of tx.list("node")) {
    const addr = n.managerStatus?.addr || n.status?.addr || "";
    const port = Number(addr.slice(addr.lastIndexOf(":") + 1));
    if (!Number.isInteger(port) || port <= 0) continue;
    const host = n.description?.hostname || n.id;
    reserved.set(`${port}/tcp`, `the cluster port of node ${host}`);
    if (n.managerStatus != null) reserved.set(`${port + 1}/tcp`, `Raft on node ${host}`);
    reserved.set(`${port + 2}/tcp`, `gossip on node ${host}`);
    reserved.set(`${port + 2}/udp`, `gossip on node ${host}`);
  }
  (spec.endpoint?.ports ?? []).forEach((p, i) => {
    const key = `${p.publishedPort}/${p.protocol === "UDP" ? "udp" : "tcp"}`;
    const holder = reserved.get(key);
    if (p.publishedPort !== 0 && holder !== undefined) {
      throw new ValidationError(`spec.endpoint.ports[${String(i)}].publishedPort`, `${key} is already in use by swarmd itself (${holder})`);
    }
  });
}

function checkPorts(tx: ReadTx, serviceId: string, spec: ServiceSpec__Output): void {
  checkReservedPorts(tx, spec);
  const others = tx.list("service").filter((s) => s.spec != null).map((s) => publishedPorts(s.id, s.spec!));
  try {
    assertNoPublishedPortConflicts(others, publishedPorts(serviceId, spec));
  } catch (err) {
    const names = new Map(tx.list("service").map((s) => [s.id, s.spec?.annotations?.name ?? s.id]));
    let message = err instanceof Error ? err.message : String(err);
    for (const [id, name] of names) message = message.split(id).join(`${name} (${id})`);
    throw new SwarmError(ErrorCode.InvalidArgument, message, { cause: err });
  }
}

async function prepareSpec(spec: ServiceSpec | null | undefined, pin: ImagePinner): Promise<ServiceSpec__Output> {
  if (spec == null) throw new ValidationError("spec", "is required");
  const normalized = normalizeServiceSpec(spec);
  const container = normalized.task?.container;
  if (container != null) container.image = await pin(container.image);
  return normalized;
}

/** Creates a service; nothing is written if any check fails. */
export async function createService(store: Store, spec: ServiceSpec | null | undefined, pin: ImagePinner): Promise<Service__Output> {
  const normalized = await prepareSpec(spec, pin);
  const id = newId();
  await store.update((tx) => {
    checkPorts(tx, id, normalized);
    tx.create("service", makeService({ id, spec: normalized, specVersion: 1, endpoint: { spec: normalized.endpoint, ports: normalized.endpoint?.ports ?? [] } }));
  });
  return store.view((tx) => tx.get("service", id))!;
}

/**
 * Updates a service's spec (or rolls it back to the previous one) if `version` is current. The spec
 * version moves on and the update state is reset, so the updater rolls the tasks over to the new spec
 * (a rollback starts as ROLLBACK_STARTED "manually requested rollback", with the rollback config).
 */
export async function updateService(
  store: Store,
  ref: string,
  version: number,
  spec: ServiceSpec | null | undefined,
  rollback: boolean,
  pin: ImagePinner,
  now: () => number = Date.now,
): Promise<Service__Output> {
  const current = store.view((tx) => findService(tx, ref));
  let next: ServiceSpec__Output;
  let previous: ServiceSpec__Output | null;
  if (rollback) {
    if (current.previousSpec == null) throw new SwarmError(ErrorCode.FailedPrecondition, `service ${current.spec?.annotations?.name ?? ref} has no previous spec to roll back to`);
    next = current.previousSpec;
    previous = current.spec;
  } else {
    next = await prepareSpec(spec, pin);
    previous = current.spec;
    if (next.annotations?.name !== current.spec?.annotations?.name) {
      throw new ValidationError("spec.annotations.name", `renaming a service is not supported ("${current.spec?.annotations?.name}" → "${next.annotations?.name}")`);
    }
  }
  await store.update((tx) => {
    checkPorts(tx, current.id, next);
    const base = structuredClone(current);
    base.meta = { ...(base.meta ?? { createdAt: 0, updatedAt: 0 }), version };
    base.spec = next;
    base.previousSpec = previous;
    // A new spec version starts a new rolling update (the updater picks it up); a rollback says so.
    base.specVersion = Math.max(Number(base.specVersion), 1) + 1;
    base.updateStatus = rollback ? { state: "ROLLBACK_STARTED", startedAt: now(), completedAt: 0, message: "manually requested rollback" } : null;
    base.endpoint = { spec: next.endpoint, ports: next.endpoint?.ports ?? [], virtualIps: base.endpoint?.virtualIps ?? [] };
    tx.update("service", base);
  });
  return store.view((tx) => tx.get("service", current.id))!;
}

/** Removes a service; the orchestrators then shut its tasks down and the reaper deletes them. */
export async function removeService(store: Store, ref: string): Promise<void> {
  const service = store.view((tx) => findService(tx, ref));
  await store.update((tx) => tx.remove("service", service.id));
}
