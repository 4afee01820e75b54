/**
 * Encoding of the swarm.api messages (objects, specs) to protobuf bytes and back, with the loader
 * options the generated types assume (src/lib/proto.ts). `canonical` turns a partial input object into
 * the decoded `__Output` shape with every field present, which is what the store, the scheduler and
 * the tests work with.
 */
import { loadSync, type MessageTypeDefinition } from "@grpc/proto-loader";
import { join } from "node:path";
import { PROTO_DIR, PROTO_LOADER_OPTIONS } from "../lib/proto.js";
import type { Cluster, Cluster__Output } from "../gen/swarm/api/Cluster.js";
import type { ClusterSpec, ClusterSpec__Output } from "../gen/swarm/api/ClusterSpec.js";
import type { Node, Node__Output } from "../gen/swarm/api/Node.js";
import type { NodeSpec, NodeSpec__Output } from "../gen/swarm/api/NodeSpec.js";
import type { Service, Service__Output } from "../gen/swarm/api/Service.js";
import type { ServiceSpec, ServiceSpec__Output } from "../gen/swarm/api/ServiceSpec.js";
import type { Task, Task__Output } from "../gen/swarm/api/Task.js";
import type { TaskSpec, TaskSpec__Output } from "../gen/swarm/api/TaskSpec.js";

/** The messages this codec handles: name → [input type, decoded type]. */
export interface ApiMessages {
  Node: [Node, Node__Output];
  NodeSpec: [NodeSpec, NodeSpec__Output];
  Service: [Service, Service__Output];
  ServiceSpec: [ServiceSpec, ServiceSpec__Output];
  Task: [Task, Task__Output];
  TaskSpec: [TaskSpec, TaskSpec__Output];
  Cluster: [Cluster, Cluster__Output];
  ClusterSpec: [ClusterSpec, ClusterSpec__Output];
}

/** Name of a message the codec handles. */
export type ApiMessageName = keyof ApiMessages;

let definitions: Record<string, unknown> | undefined;

function definition<K extends ApiMessageName>(name: K): MessageTypeDefinition<ApiMessages[K][0], ApiMessages[K][1]> {
  definitions ??= loadSync(join(PROTO_DIR, "objects.proto"), PROTO_LOADER_OPTIONS) as Record<string, unknown>;
  const def = definitions[`swarm.api.${name}`];
  if (def === undefined) throw new Error(`codec: swarm.api.${name} is not defined in proto/objects.proto`);
  return def as MessageTypeDefinition<ApiMessages[K][0], ApiMessages[K][1]>;
}

/** Encodes a message to protobuf bytes. */
export function encodeMessage<K extends ApiMessageName>(name: K, value: ApiMessages[K][0]): Buffer {
  return definition(name).serialize(value);
}

/** Decodes protobuf bytes into the full `__Output` shape. */
export function decodeMessage<K extends ApiMessageName>(name: K, bytes: Buffer): ApiMessages[K][1] {
  return definition(name).deserialize(bytes);
}

/** The decoded form of a (partial) input object: every field present, defaults filled in. */
export function canonical<K extends ApiMessageName>(name: K, value: ApiMessages[K][0]): ApiMessages[K][1] {
  return decodeMessage(name, encodeMessage(name, value));
}
