/** Builders of complete store objects (every field present) from partial ones. */
import type { Node, Node__Output } from "../gen/swarm/api/Node.js";
import type { Service, Service__Output } from "../gen/swarm/api/Service.js";
import type { Task, Task__Output } from "../gen/swarm/api/Task.js";
import type { Cluster, Cluster__Output } from "../gen/swarm/api/Cluster.js";
import { messageCodec } from "../lib/proto-codec.js";

const codecs = {
  node: messageCodec<Node, Node__Output>("objects.proto", "swarm.api.Node"),
  service: messageCodec<Service, Service__Output>("objects.proto", "swarm.api.Service"),
  task: messageCodec<Task, Task__Output>("objects.proto", "swarm.api.Task"),
  cluster: messageCodec<Cluster, Cluster__Output>("objects.proto", "swarm.api.Cluster"),
};

/** A complete Node from a partial one. */
export const makeNode = (n: Node): Node__Output => codecs.node.normalize(n);
/** A complete Service from a partial one. */
export const makeService = (s: Service): Service__Output => codecs.service.normalize(s);
/** A complete Task from a partial one. */
export const makeTask = (t: Task): Task__Output => codecs.task.normalize(t);
/** A complete Cluster from a partial one. */
export const makeCluster = (c: Cluster): Cluster__Output => codecs.cluster.normalize(c);
