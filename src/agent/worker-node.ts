/**
 * The worker side of a node (every node has one, managers too), as SwarmKit's agent: the heartbeat
 * with the leader's dispatcher (manager list, role, gossip keys, certificate renewal), the assignment
 * session that feeds the task agent through the image prefetcher, the log publisher, SWIM gossip, and
 * the data plane (task networks, routing mesh). The daemon composes it and switches roles when the
 * heartbeat says the cluster changed this node's role.
 */
import { hostname } from "node:os";
import { join } from "node:path";
import type { HeartbeatResponse__Output } from "../gen/swarm/dispatcher/HeartbeatResponse.js";
import { needsRenewal, parseNodeCertificate } from "../ca/certs.js";
import { renewCertificate } from "../ca/join.js";
import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, type TlsIdentity, type TlsIdentityProvider } from "../ca/tls.js";
import { GossipNode } from "../gossip/node.js";
import type { RegistryAccess } from "../image/distribution/registries.js";
import { DEFAULT_REGISTRY_ACCESS } from "../image/distribution/registries.js";
import type { ImageStore } from "../image/store.js";
import { shiftPort } from "../lib/addr.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { Runtime } from "../runtime/runtime.js";
import { callUnary } from "../rpc/grpc.js";
import { leaderAddrOf } from "../rpc/leader.js";
import { protos } from "../rpc/services.js";
import { Agent } from "./agent.js";
import { DataPlane } from "./data-plane.js";
import { ImagePrefetcher } from "./image-prefetch.js";
import { LogPublisher } from "./log-publisher.js";
import { DispatcherSession } from "./session.js";
import type { MeshLimitOptions } from "../mesh/limits.js";

/** Gossip (UDP + TCP) listens on the cluster port + 2 (Raft has + 1). */
export const GOSSIP_PORT_OFFSET = 2;

/** A node role as the daemon keeps it. */
export type NodeRoleName = "manager" | "worker";

/** What the worker side needs from the daemon that composes it. */
export interface WorkerNodeOptions {
  readonly nodeId: string;
  /** This node's cluster address ("host:port"). */
  readonly advertiseAddr: string;
  readonly dataDir: string;
  readonly tls: TlsIdentityProvider;
  /** Manager API addresses to start from (the heartbeat keeps the list current). */
  readonly managers: readonly string[];
  /** The node's image store (shared with its manager role, if any). */
  readonly images: ImageStore;
  readonly registries?: RegistryAccess;
  /** Native relay processes of the routing mesh (`--mesh-relays`). */
  readonly meshRelays?: number;
  /** Limits of the routing mesh (`--mesh-*` limit flags). */
  readonly meshLimits?: MeshLimitOptions;
  /** The role the daemon runs now. */
  readonly role: () => NodeRoleName;
  /** The cluster changed this node's role (seen in a heartbeat from the manager at `managerAddr`). */
  readonly onRoleChange: (managerAddr: string, role: NodeRoleName) => Promise<void>;
  /** The node certificate was renewed; the daemon saves it. */
  readonly onCertificateRenewed: (tls: TlsIdentity) => void;
  /** Gossip declared a node dead (a manager's dispatcher marks it down after one missed heartbeat). */
  readonly onGossipDead: (nodeId: string) => void;
  readonly logger: Logger;
}

/** A running worker side. */
export class WorkerNode {
  private managerList: string[];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private agent: Agent | undefined;
  private gossip: GossipNode | undefined;
  private gossipStarting = false;
  private session: DispatcherSession | undefined;
  private logPublisher: LogPublisher | undefined;
  private dataPlane: DataPlane | undefined;
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly o: WorkerNodeOptions) {
    this.managerList = [...o.managers];
    this.log = o.logger;
  }

  /** Manager API addresses, the one that answered the last heartbeat first. */
  get managers(): readonly string[] {
    return this.managerList;
  }

  /** Starts the task agent (in the background: a failure is logged) and the heartbeat loop. */
  start(): void {
    void this.startAgent().catch((err: unknown) => this.log.error({ err: errorMessage(err) }, "the agent could not start: this node will not run tasks"));
    this.heartbeatTimer = setTimeout(() => void this.beat(0, 1000), 0);
  }

  /** Starts the agent (runs this node's tasks) and its session with the leader's dispatcher. */
  private async startAgent(): Promise<void> {
    const prefix = `${this.o.nodeId.slice(0, 8)}-`;
    const adv = this.o.advertiseAddr;
    const managers = (): string[] => [...this.managerList];
    const dataPlane = new DataPlane({
      nodeId: this.o.nodeId,
      underlayIp: adv.slice(0, adv.lastIndexOf(":")),
      tls: this.o.tls,
      managers,
      containerId: (taskId) => `${prefix}${taskId}`,
      ...(this.o.meshRelays !== undefined ? { meshRelays: this.o.meshRelays } : {}),
      ...(this.o.meshLimits !== undefined ? { meshLimits: this.o.meshLimits } : {}),
      logger: this.log.child({ component: "data-plane" }),
    });
    this.dataPlane = dataPlane;
    const agent = new Agent({
      nodeId: this.o.nodeId,
      dataDir: join(this.o.dataDir, "agent"),
      images: this.o.images,
      runtime: new Runtime({ stateRoot: join(this.o.dataDir, "runtime"), logger: this.log.child({ component: "runtime" }) }),
      logger: this.log.child({ component: "agent" }),
      containerIdPrefix: prefix,
      reportStatus: (taskId, status) => this.session?.reportStatus(taskId, status),
      network: dataPlane.networkHook,
      beforeStop: dataPlane.beforeStop,
    });
    await agent.start();
    if (this.stopped) {
      await agent.stop();
      return;
    }
    this.agent = agent;
    await dataPlane.sweep(prefix, agent.taskIds().map((id) => `${prefix}${id}`));
    dataPlane.start();
    const runner = new ImagePrefetcher({
      next: agent,
      images: this.o.images,
      tls: this.o.tls,
      managers,
      nodeId: this.o.nodeId,
      registries: this.o.registries ?? DEFAULT_REGISTRY_ACCESS,
      reportStatus: (taskId, status) => this.session?.reportStatus(taskId, status),
      logger: this.log.child({ component: "images" }),
    });
    this.session = new DispatcherSession({ tls: this.o.tls, managers, runner, logger: this.log.child({ component: "session" }) });
    this.session.start();
    this.logPublisher = new LogPublisher({ tls: this.o.tls, managers, agent, logger: this.log.child({ component: "logs" }) });
    this.logPublisher.start();
  }

  /**
   * One heartbeat to the manager at `target` (round robin over the list; a follower's answer names
   * the leader, tried next), then the next one after the period the dispatcher asked for.
   */
  private async beat(target: number, periodMs: number): Promise<void> {
    if (this.stopped) return;
    const addr = this.managerList[target % Math.max(1, this.managerList.length)] ?? this.o.advertiseAddr;
    const client = new protos.dispatcher.Dispatcher(addr, managerChannelCredentials(this.o.tls), MANAGER_TARGET_OPTIONS);
    let next = target;
    try {
      const res = await callUnary<HeartbeatResponse__Output>((md, o, cb) => client.Heartbeat({ addr: this.o.advertiseAddr, hostname: hostname() }, md, o, cb), 3000);
      periodMs = Number(res.periodMs) || periodMs;
      if (res.managers.length > 0) this.managerList = [addr, ...res.managers.filter((m) => m !== addr)];
      // Keys rotate (node rm, on demand): a running member switches to the new one at once.
      if (res.gossipKeys.length > 0) {
        if (this.gossip !== undefined) this.gossip.setKeys(res.gossipKeys);
        else void this.startGossip(res.gossipKeys);
      }
      const role = res.role === "MANAGER" ? "manager" : "worker";
      if (role !== this.o.role()) await this.o.onRoleChange(addr, role);
      else if (needsRenewal(parseNodeCertificate(this.o.tls.current.certPem), new Date())) await this.renew(addr);
    } catch (err) {
      const leader = leaderAddrOf(err);
      if (leader !== undefined) {
        this.managerList = [leader, ...this.managerList.filter((m) => m !== leader)];
        next = 0;
      } else {
        next++;
      }
      this.log.debug({ manager: addr, err: errorMessage(err) }, "heartbeat failed");
    } finally {
      client.close();
    }
    if (!this.stopped) this.heartbeatTimer = setTimeout(() => void this.beat(next, periodMs), periodMs);
  }

  /** Renews this node's certificate before it expires (past 70% of its lifetime); new connections use it. */
  private async renew(managerAddr: string): Promise<void> {
    const renewed = await renewCertificate(managerAddr, this.o.tls);
    const tls = { caCertPem: renewed.caCertPem, certPem: renewed.certPem, keyPem: renewed.keyPem };
    this.o.tls.update(tls);
    this.o.onCertificateRenewed(tls);
    this.log.info({ notAfter: parseNodeCertificate(renewed.certPem).notAfter.toISOString() }, "node certificate renewed");
  }

  /**
   * Starts SWIM gossip (once the managers handed out the cluster key): every node is a member, named by
   * its node id, on the cluster port + 2; seeds are the managers. "Dead" verdicts reach the leader's
   * dispatcher (through the daemon) and the data plane.
   */
  private async startGossip(keys: Buffer[]): Promise<void> {
    if (this.gossip !== undefined || this.gossipStarting || this.stopped) return;
    this.gossipStarting = true;
    try {
      const adv = this.o.advertiseAddr;
      const host = adv.slice(0, adv.lastIndexOf(":"));
      const port = Number(adv.slice(adv.lastIndexOf(":") + 1)) + GOSSIP_PORT_OFFSET;
      const gossip = await GossipNode.start({
        name: this.o.nodeId,
        bindHost: host,
        bindPort: port,
        advertiseHost: host,
        keys,
        meta: { role: this.o.role(), addresses: [adv], labels: {} },
        logger: this.log.child({ component: "gossip" }),
      });
      this.gossip = gossip;
      const seeds = this.managerList.map((m) => shiftPort(m, GOSSIP_PORT_OFFSET)).filter((a) => a !== `${host}:${port}`);
      if (seeds.length > 0) await gossip.join(seeds).catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, "gossip join failed; will be retried by push-pull"));
      void (async () => {
        for await (const e of gossip.subscribe()) {
          if (e.type === "dead") this.o.onGossipDead(e.member.name);
          this.dataPlane?.gossipEvent(e);
        }
      })().catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, "gossip event stream ended"));
      this.log.info({ port, seeds: seeds.length }, "gossip started");
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, "gossip could not start (heartbeats still detect dead nodes)");
    } finally {
      this.gossipStarting = false;
    }
  }

  /**
   * Stops the worker side. A daemon restart leaves containers running for the next agent to re-adopt;
   * leaving the swarm (`leaving`) stops and removes them and the node's network. Safe to call twice.
   */
  async stop(leaving = false): Promise<void> {
    this.stopped = true;
    if (this.heartbeatTimer !== undefined) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    this.session?.stop();
    this.session = undefined;
    this.logPublisher?.stop();
    this.logPublisher = undefined;
    if (this.gossip !== undefined) {
      if (leaving) await this.gossip.leave().catch(() => undefined);
      await this.gossip.close();
      this.gossip = undefined;
    }
    if (leaving) await this.agent?.close();
    else await this.agent?.stop();
    this.agent = undefined;
    await this.dataPlane?.stop();
    if (leaving) await this.dataPlane?.network.destroy();
    this.dataPlane = undefined;
  }
}
