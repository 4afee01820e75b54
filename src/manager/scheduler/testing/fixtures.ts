/**
 * Builders of decoded Node and Task objects for scheduler tests, simulations and the benchmark
 * (real protobuf round trips through src/api/codec.ts, so the shapes are exactly what the store holds).
 */
import { canonical } from "../../../spec/codec.js";
import type { Node__Output } from "../../../gen/swarm/api/Node.js";
import type { PortConfig } from "../../../gen/swarm/api/PortConfig.js";
import type { Task__Output } from "../../../gen/swarm/api/Task.js";
import type { TaskSpec } from "../../../gen/swarm/api/TaskSpec.js";

/** Options of a test node. */
export interface TestNodeOptions {
  readonly hostname?: string;
  readonly labels?: Record<string, string>;
  readonly engineLabels?: Record<string, string>;
  readonly nanoCpus?: number;
  readonly memoryBytes?: number;
  readonly role?: "MANAGER" | "WORKER";
  readonly state?: "READY" | "DOWN" | "UNKNOWN" | "DISCONNECTED";
  readonly availability?: "ACTIVE" | "PAUSE" | "DRAIN";
  readonly os?: string;
  readonly architecture?: string;
}

/** A decoded node: READY, ACTIVE, 4 CPUs and 8 GiB unless told otherwise. */
export function testNode(id: string, o: TestNodeOptions = {}): Node__Output {
  return canonical("Node", {
    id,
    spec: { annotations: { labels: o.labels ?? {} }, availability: o.availability ?? "ACTIVE" },
    description: {
      hostname: o.hostname ?? id,
      platform: { os: o.os ?? "linux", architecture: o.architecture ?? "x86_64" },
      resources: { nanoCpus: o.nanoCpus ?? 4e9, memoryBytes: o.memoryBytes ?? 8 * 1024 ** 3 },
      engine: { labels: o.engineLabels ?? {} },
    },
    status: { state: o.state ?? "READY" },
    role: o.role ?? "WORKER",
  });
}

/** Options of a test task. */
export interface TestTaskOptions {
  readonly serviceId: string;
  /** Node the task runs on (then state RUNNING) or is pre-assigned to (with state PENDING). */
  readonly nodeId?: string;
  readonly state?: "PENDING" | "ASSIGNED" | "RUNNING" | "FAILED" | "SHUTDOWN" | "COMPLETE";
  readonly specVersion?: number;
  readonly spec?: TaskSpec;
  readonly ports?: PortConfig[];
  readonly slot?: number;
}

/** A decoded task: PENDING without a node unless told otherwise; desired state RUNNING. */
export function testTask(id: string, o: TestTaskOptions): Task__Output {
  const state = o.state ?? (o.nodeId === undefined ? "PENDING" : "RUNNING");
  return canonical("Task", {
    id,
    serviceId: o.serviceId,
    slot: o.slot ?? 0,
    nodeId: o.nodeId ?? "",
    specVersion: o.specVersion ?? 1,
    spec: o.spec ?? { container: { image: "demo/web:1" } },
    endpoint: { ports: o.ports ?? [] },
    status: { state },
    desiredState: "RUNNING",
  });
}
