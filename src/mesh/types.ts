/**
 * Input and output shapes of the routing mesh. The mesh is fed by the node agent (backend table per
 * service from the dispatcher's task state, liveness verdicts from gossip); it depends on neither.
 */

/** Transport of a published port. */
export const Protocol = { Tcp: "tcp", Udp: "udp" } as const;
/** One of {@link Protocol}. */
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

/**
 * How a port is published: `ingress` listens on every node and forwards to replicas anywhere;
 * `host` forwards only to replicas on this node (Swarm's `mode=host`).
 */
export const PublishMode = { Ingress: "ingress", Host: "host" } as const;
/** One of {@link PublishMode}. */
export type PublishMode = (typeof PublishMode)[keyof typeof PublishMode];

/** Whether (and how) the client address is passed to the backend ahead of the payload. */
export const ProxyProtocolVersion = { None: "none", V1: "v1", V2: "v2" } as const;
/** One of {@link ProxyProtocolVersion}. */
export type ProxyProtocolVersion = (typeof ProxyProtocolVersion)[keyof typeof ProxyProtocolVersion];

/** Backend choice strategy of a service. */
export const BalanceStrategy = { RoundRobin: "round-robin", LeastConnections: "least-connections" } as const;
/** One of {@link BalanceStrategy}. */
export type BalanceStrategy = (typeof BalanceStrategy)[keyof typeof BalanceStrategy];

/** One published port of a service (`--publish published=8080,target=80,protocol=tcp,mode=ingress`). */
export interface PublishedPort {
  readonly published: number;
  readonly target: number;
  readonly protocol: Protocol;
  readonly mode: PublishMode;
  /** PROXY protocol header sent to the backend; default `none`. v1 is TCP only. */
  readonly proxyProtocol?: ProxyProtocolVersion;
}

/** One replica the mesh may forward to. */
export interface Backend {
  /** Unique within the service (usually the task id or `taskId:port`). */
  readonly id: string;
  readonly taskId: string;
  readonly nodeId: string;
  /** Task IP (overlay address). */
  readonly addr: string;
  /**
   * Overrides the port to connect to (a replica reachable at a mapped port). Omit it to use the
   * `target` of each published port, the normal case on the overlay.
   */
  readonly port?: number;
}

/** Everything the mesh needs to know about one service. */
export interface ServiceRoutes {
  readonly ports: readonly PublishedPort[];
  readonly backends: readonly Backend[];
  /** Default `round-robin`. */
  readonly balance?: BalanceStrategy;
}

/** An update from the control plane, as the agent streams it into {@link Mesh.follow}. */
export type MeshUpdate =
  | { readonly type: "set-service"; readonly serviceId: string; readonly routes: ServiceRoutes }
  | { readonly type: "remove-service"; readonly serviceId: string }
  | { readonly type: "node-dead"; readonly nodeId: string }
  | { readonly type: "node-alive"; readonly nodeId: string };

/** Counters of one backend as seen from one published port. */
export interface BackendMetrics {
  readonly serviceId: string;
  readonly backendId: string;
  readonly taskId: string;
  readonly nodeId: string;
  readonly protocol: Protocol;
  readonly published: number;
  /** Open connections (TCP) or live flows (UDP). */
  readonly active: number;
  /** Connections/flows ever routed to it. */
  readonly total: number;
  /** Bytes client → backend. */
  readonly bytesIn: number;
  /** Bytes backend → client. */
  readonly bytesOut: number;
  /** Connect failures (refused, timeout, reset before the first byte). */
  readonly failures: number;
}

/** Result of {@link Mesh.drain}. */
export interface DrainResult {
  readonly taskId: string;
  /** True when every open connection closed before the timeout. */
  readonly drained: boolean;
  /** Connections still open when the promise resolved. */
  readonly remaining: number;
  readonly waitedMs: number;
}
