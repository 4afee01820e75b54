/**
 * Object kinds of the replicated store, their generated types, and the events the store emits.
 */
import type { Cluster__Output } from "../gen/swarm/api/Cluster.js";
import type { Node__Output } from "../gen/swarm/api/Node.js";
import type { Service__Output } from "../gen/swarm/api/Service.js";
import type { Task__Output } from "../gen/swarm/api/Task.js";

/** The kinds of objects the store holds (one table each). */
export const ObjectKind = { Node: "node", Service: "service", Task: "task", Cluster: "cluster" } as const;
/** One object kind. */
export type ObjectKind = (typeof ObjectKind)[keyof typeof ObjectKind];
/** Every kind, in a fixed order (snapshots and listings use it). */
export const OBJECT_KINDS: readonly ObjectKind[] = ["cluster", "node", "service", "task"];

/** Kind → generated object type. */
export interface ObjectTypes {
  node: Node__Output;
  service: Service__Output;
  task: Task__Output;
  cluster: Cluster__Output;
}

/** A stored object of kind K. Stored objects are frozen: clone (`structuredClone`) before changing. */
export type StoreObject<K extends ObjectKind = ObjectKind> = ObjectTypes[K];

/** A change applied to the store, as watchers see it. */
export type StoreEvent = {
  [K in ObjectKind]:
    | { readonly type: "create"; readonly kind: K; readonly object: ObjectTypes[K]; readonly version: number }
    | { readonly type: "update"; readonly kind: K; readonly object: ObjectTypes[K]; readonly previous: ObjectTypes[K]; readonly version: number }
    | { readonly type: "remove"; readonly kind: K; readonly object: ObjectTypes[K]; readonly version: number };
}[ObjectKind];
