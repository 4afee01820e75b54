/** Builders of complete store objects (every field present) from partial ones. */
import type { Node, Node__Output } from "../gen/swarm/api/Node.js";
import type { Service, Service__Output } from "../gen/swarm/api/Service.js";
import type { Task, Task__Output } from "../gen/swarm/api/Task.js";
import type { Cluster, Cluster__Output } from "../gen/swarm/api/Cluster.js";
import { canonical } from "../spec/codec.js";

/** A complete Node from a partial one. */
export const makeNode = (n: Node): Node__Output => canonical("Node", n);
/** A complete Service from a partial one. */
export const makeService = (s: Service): Service__Output => canonical("Service", s);
/** A complete Task from a partial one. */
export const makeTask = (t: Task): Task__Output => canonical("Task", t);
/** A complete Cluster from a partial one. */
export const makeCluster = (c: Cluster): Cluster__Output => canonical("Cluster", c);
