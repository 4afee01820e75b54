/** Messages between the mesh and its worker processes (Node IPC, JSON + passed listen handles). */
import type { TableSnapshot } from "./table.js";
import type { BackendMetrics } from "./types.js";

/** Settings a worker's engine runs with. */
export interface WorkerSettings {
  readonly maxConnectAttempts: number;
  readonly connectTimeoutMs: number;
  readonly failureCooldownMs: number;
  readonly udpIdleTimeoutMs: number;
}

/** How a worker logs: the mesh logger's level and fields, to the worker's stderr (the mesh's). */
export interface WorkerLog {
  readonly level: string;
  readonly bindings: Record<string, unknown>;
}

/** Mesh → worker. A `connection` message carries the accepted (unread) client socket as its handle. */
export type ToWorker =
  | { readonly type: "init"; readonly settings: WorkerSettings; readonly log: WorkerLog }
  | { readonly type: "table"; readonly table: TableSnapshot }
  | { readonly type: "connection"; readonly key: string }
  | { readonly type: "query-metrics"; readonly id: number }
  | { readonly type: "query-active"; readonly id: number; readonly taskId: string };

/** Worker → mesh. */
export type FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "metrics"; readonly id: number; readonly metrics: readonly BackendMetrics[] }
  | { readonly type: "active"; readonly id: number; readonly count: number };
