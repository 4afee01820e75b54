/**
 * A node's data plane in swarmd: the task network (bridge, VXLAN overlay, per-task netns) and the
 * routing mesh, fed by the leader's Routes stream (overlay peers, published services and their
 * routable tasks) and by gossip liveness. When no manager answers, both keep their last state: the
 * mesh serves from its last table.
 *
 * It gives the agent its network hook (the task's netns + address from the allocator) and its
 * "drain before stop" hook (the mesh stops routing to the task and waits for its connections,
 * bounded by the grace period, before the stop signal).
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { PortConfig__Output } from "../gen/swarm/api/PortConfig.js";
import type { RoutesMessage__Output } from "../gen/swarm/dispatcher/RoutesMessage.js";
import type { TaskNetwork } from "./runtime-controller.js";
import { loopbackNetwork, taskResolvConf } from "./runtime-controller.js";
import type { GossipEvent } from "../gossip/types.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { OVERLAY_NETWORK_ID } from "../spec/networks.js";
import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, type TlsIdentityProvider } from "../ca/tls.js";

import type { MeshLimitOptions } from "../mesh/limits.js";
import { defaultMeshRelays, Mesh } from "../mesh/mesh.js";
import type { PublishedPort, ServiceRoutes } from "../mesh/types.js";
import { netnsPath } from "../network/ip.js";
import { NodeNetwork } from "../network/node-network.js";
import { LeaderStream } from "./leader-stream.js";
import { taskConnections } from "./task-connections.js";
import { protos } from "../rpc/services.js";

/** Longest wait in {@link DataPlane.beforeStop} for the managers' map to drop a stopping task. */
export const UNROUTE_WAIT_MS = 2_000;
/** Extra time after that for the other nodes to apply the same map. */
export const UNROUTE_SETTLE_MS = 100;
/** How often a drain re-counts the connections open in the task's netns. */
const CONNECTION_POLL_MS = 50;

/** Options of {@link DataPlane}. */
export interface DataPlaneOptions {
  readonly nodeId: string;
  /** This node's underlay IP (advertise address without the port). */
  readonly underlayIp: string;
  readonly tls: TlsIdentityProvider;
  readonly managers: () => string[];
  /** Container id of a task (the task netns is named by it). */
  readonly containerId: (taskId: string) => string;
  /** Native relay processes of the routing mesh (`swarmd --mesh-relays`); default one per core. */
  readonly meshRelays?: number;
  /** Caps, descriptor budget, TCP idle timeout of the routing mesh (`swarmd --mesh-*`); mesh defaults otherwise. */
  readonly meshLimits?: MeshLimitOptions;
  readonly logger: Logger;
}

/** A published port as the mesh takes it. */
export function meshPort(p: PortConfig__Output): PublishedPort {
  return {
    published: p.publishedPort,
    target: p.targetPort,
    protocol: p.protocol === "UDP" ? "udp" : "tcp",
    mode: p.publishMode === "HOST" ? "host" : "ingress",
    proxyProtocol: p.proxyProtocol === "V1" ? "v1" : p.proxyProtocol === "V2" ? "v2" : "none",
  };
}

/** The mesh's routes of every service in a Routes message. */
export function meshServices(m: RoutesMessage__Output): Map<string, ServiceRoutes> {
  const out = new Map<string, ServiceRoutes>();
  for (const s of m.services) {
    out.set(s.serviceId, {
      ports: s.ports.map(meshPort),
      backends: s.backends.map((b) => ({ id: b.taskId, taskId: b.taskId, nodeId: b.nodeId, addr: b.addr })),
    });
  }
  return out;
}

/** See the module comment. */
export class DataPlane {
  /** The routing mesh of this node. */
  readonly mesh: Mesh;
  /** The task network of this node. */
  readonly network: NodeNetwork;
  private readonly routes: LeaderStream<RoutesMessage__Output>;
  /** Per service, the routes the mesh has (and their JSON, to skip unchanged ones). */
  private readonly applied = new Map<string, { readonly routes: ServiceRoutes; readonly text: string }>();
  private stopped = false;
  private chain: Promise<void> = Promise.resolve();
  /** The newest map not yet applied. */
  private nextMap: RoutesMessage__Output | undefined;
  /** The overlay (own subnet + peers) last applied, as JSON. */
  private overlayApplied: string | undefined;
  private resolv: string | undefined;
  /** Task ids the last map lists as backends (any node's mesh may send them connections). */
  private routed = new Set<string>();
  /** Per published service, its TCP target ports (from the last map). */
  private targetPorts = new Map<string, ReadonlySet<number>>();
  /** When recently unrouted tasks left the map (kept for a few seconds). */
  private readonly unroutedAt = new Map<string, number>();

  constructor(private readonly o: DataPlaneOptions) {
    this.mesh = new Mesh({ localNodeId: o.nodeId, relays: o.meshRelays ?? defaultMeshRelays(), ...(o.meshLimits !== undefined ? { limits: o.meshLimits } : {}), logger: o.logger });
    this.network = new NodeNetwork({ underlayIp: o.underlayIp, logger: o.logger.child({ component: "network" }) });
    this.routes = new LeaderStream({
      what: "routes stream (the mesh serves from its last table meanwhile)",
      managers: o.managers,
      logger: o.logger,
      // The leader sends the complete map at once.
      firstMessageTimeoutMs: 3_000,
      open: (addr) => {
        const client = new protos.dispatcher.Dispatcher(addr, managerChannelCredentials(o.tls), MANAGER_TARGET_OPTIONS);
        return { stream: client.Routes({}), onMessage: (m) => this.enqueue(m), close: () => client.close() };
      },
    });
  }

  /** The agent's network hook: the task's netns with its overlay address (lo only when it has none). */
  readonly networkHook = async (task: Task__Output): Promise<TaskNetwork> => {
    const name = this.o.containerId(task.id);
    const att = task.networks.find((n) => n.networkId === OVERLAY_NETWORK_ID);
    const cidr = att?.addresses[0];
    if (att === undefined || cidr === undefined || att.gateway === "") return loopbackNetwork(name);
    const attached = await this.network.attach(name, { cidr, gateway: att.gateway });
    return { netnsPath: attached.netnsPath, address: attached.address, resolvConf: this.resolvConf(), cleanup: () => attached.cleanup() };
  };

  /**
   * The agent's drain-before-stop hook: this node's mesh stops routing to the task and waits for its
   * open connections; then, if the task is published, it waits (at most {@link UNROUTE_WAIT_MS}) until
   * the managers' map no longer lists it plus {@link UNROUTE_SETTLE_MS} — the other nodes get the same
   * map at about the same time, so their meshes stop sending it new connections before it stops — and
   * then until no TCP connection to its published target ports is open in its netns (those of every
   * node's mesh end there). All bounded by the grace period (the task runner cuts it there).
   */
  readonly beforeStop = async (task: Task__Output, graceMs: number): Promise<void> => {
    const started = Date.now();
    const deadline = started + graceMs;
    const r = await this.mesh.drain(task.id, { timeoutMs: graceMs });
    if (this.routed.has(task.id) || this.unroutedAt.has(task.id) || r.waitedMs > 0) {
      const until = Math.min(deadline, Date.now() + UNROUTE_WAIT_MS);
      while (this.routed.has(task.id) && Date.now() < until) await sleep(10);
      const settleUntil = Math.min(deadline, (this.unroutedAt.get(task.id) ?? Date.now()) + UNROUTE_SETTLE_MS);
      await sleep(Math.max(0, settleUntil - Date.now()));
      const open = await this.waitForConnections(task, deadline);
      this.o.logger.info(
        { task: task.id, drained: r.drained && open === 0, remaining: r.remaining, openInTask: open, waitedMs: Date.now() - started, stillRouted: this.routed.has(task.id) },
        open === 0 ? "drained the task in the mesh before stopping it" : "stopping the task with connections still open (grace period over)",
      );
    }
  };

  /** Waits until the task's netns has no established connection on its published target ports, or `deadline`; returns the count left. */
  private async waitForConnections(task: Task__Output, deadline: number): Promise<number> {
    const ports = this.targetPorts.get(task.serviceId);
    if (ports === undefined || ports.size === 0) return 0;
    const netns = netnsPath(this.o.containerId(task.id));
    for (;;) {
      let open: number;
      try {
        open = await taskConnections(netns, ports);
      } catch (err) {
        this.o.logger.debug({ task: task.id, err: errorMessage(err) }, "cannot count the task's connections; not waiting for them");
        return 0;
      }
      if (open === 0 || Date.now() >= deadline) return open;
      await sleep(Math.min(CONNECTION_POLL_MS, Math.max(1, deadline - Date.now())));
    }
  }

  private resolvConf(): string {
    if (this.resolv === undefined) {
      try {
        this.resolv = taskResolvConf(readFileSync("/etc/resolv.conf", "utf8"));
      } catch {
        this.resolv = "\n";
      }
    }
    return this.resolv;
  }

  /** Sweeps task network leftovers of a crashed daemon (netns named `prefix…` not in `keep`). */
  async sweep(prefix: string, keep: readonly string[]): Promise<void> {
    await this.network.sweep(prefix, new Set(keep)).catch((err: unknown) => this.o.logger.warn({ err: errorMessage(err) }, "task network sweep failed"));
  }

  /** Opens the Routes stream (and keeps reopening it until stop). */
  start(): void {
    this.routes.start();
  }

  /** Gossip liveness → the mesh (effective for the next connection). */
  gossipEvent(e: GossipEvent): void {
    if (e.type === "dead" || e.type === "leave") this.mesh.markNodeDead(e.member.name);
    else if (e.type === "alive" || e.type === "join") this.mesh.markNodeAlive(e.member.name);
  }

  /**
   * Queues a map for {@link apply}. Each map is complete, so one that arrives while another waits
   * replaces it: a burst of changes costs one apply, and the mesh never lags behind a backlog.
   */
  private enqueue(m: RoutesMessage__Output): void {
    const scheduled = this.nextMap !== undefined;
    this.nextMap = m;
    if (scheduled) return;
    this.chain = this.chain
      .then(() => {
        const next = this.nextMap;
        this.nextMap = undefined;
        return next === undefined ? undefined : this.apply(next);
      })
      .catch((err: unknown) => this.o.logger.warn({ err: errorMessage(err) }, "applying the network map failed"));
  }

  /**
   * Applies one complete network map. Tasks that left it get no new connection from this node at once;
   * then the overlay, when it changed (so new backends are reachable — its changes wait behind task
   * attaches, which must not delay a departure: the task's node stops it soon after its own map drops
   * it), then the mesh.
   */
  async apply(m: RoutesMessage__Output): Promise<void> {
    const routed = new Set(m.services.flatMap((s) => s.backends.map((b) => b.taskId)));
    const now = Date.now();
    const departed = [...this.routed].filter((id) => !routed.has(id));
    for (const id of departed) this.unroutedAt.set(id, now);
    for (const [id, at] of this.unroutedAt) if (now - at > 10_000) this.unroutedAt.delete(id);
    this.routed = routed;
    if (departed.length > 0) {
      const without = new Map([...this.applied].map(([id, a]) => [id, { ...a.routes, backends: a.routes.backends.filter((b) => routed.has(b.taskId)) }]));
      await this.applyMesh(without);
    }
    const self = m.peers.find((p) => p.nodeId === this.o.nodeId);
    const peers = m.peers.map((p) => ({ nodeId: p.nodeId, addr: p.addr, taskSubnet: p.taskSubnet }));
    const overlay = JSON.stringify([self?.taskSubnet, peers]);
    if (overlay !== this.overlayApplied) {
      if (self !== undefined && self.taskSubnet !== "") {
        const [base = "", prefix = "24"] = self.taskSubnet.split("/");
        const o = base.split(".").map(Number);
        o[3] = (o[3] ?? 0) + 1;
        await this.network.ensureNode(`${o.join(".")}/${prefix}`);
      }
      await this.network.setPeers(peers);
      this.overlayApplied = overlay;
    }
    const services = meshServices(m);
    this.targetPorts = new Map([...services].map(([id, r]) => [id, new Set(r.ports.filter((p) => p.protocol === "tcp").map((p) => p.target))]));
    await this.applyMesh(services);
    for (const id of [...this.applied.keys()]) {
      if (services.has(id)) continue;
      await this.mesh.removeService(id);
      this.applied.delete(id);
    }
  }

  /** Sets the services whose routes differ from what the mesh has. */
  private async applyMesh(services: ReadonlyMap<string, ServiceRoutes>): Promise<void> {
    for (const [id, routes] of services) {
      const text = JSON.stringify(routes);
      if (this.applied.get(id)?.text === text) continue;
      try {
        await this.mesh.setService(id, routes);
        this.applied.set(id, { routes, text });
      } catch (err) {
        this.o.logger.error({ service: id, err: errorMessage(err) }, "the mesh cannot serve this service's published ports on this node");
      }
    }
  }

  /** Closes the stream and the mesh's listeners (the task network stays for re-adopted tasks). Safe twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.routes.stop();
    await this.mesh.close();
  }
}
