/**
 * The swarmd daemon: a node's local API on a root-only unix socket (Info/Init/Join/Leave, and the
 * Control API when it is a manager), its manager role when it has one, and the heartbeat loop that
 * keeps its session with the leader's dispatcher.
 */
import { credentials, Server, ServerCredentials } from "@grpc/grpc-js";
import { chmodSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { randomInt } from "node:crypto";
import type { ProtoGrpcType } from "../gen/daemon.js";
import type { DaemonHandlers } from "../gen/swarm/daemon/Daemon.js";
import type { InfoResponse } from "../gen/swarm/daemon/InfoResponse.js";
import type { HeartbeatResponse__Output } from "../gen/swarm/dispatcher/HeartbeatResponse.js";
import type { JoinRaftResponse__Output } from "../gen/swarm/membership/JoinRaftResponse.js";
import { ErrorCode, SwarmError, errorMessage } from "../lib/errors.js";
import { callUnary, failStream, unaryHandler } from "../lib/grpc.js";
import { newId } from "../lib/ids.js";
import type { Logger } from "../lib/logger.js";
import { loadProto } from "../lib/proto.js";
import { makeNode } from "../store/objects.js";
import { validateClusterSpec } from "../api/node-cluster-spec.js";
import { createNodeKeyAndCsr, createRootCA, needsRenewal, parseNodeCertificate, signNodeCertificate } from "../manager/ca/certs.js";
import { clusterOf, newClusterObject } from "../manager/ca/issuer.js";
import { joinCluster, renewCertificate } from "../manager/ca/join.js";
import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, TlsIdentityProvider } from "../manager/ca/tls.js";
import { addControlService, localSocket } from "../manager/controlapi/service.js";
import { dispatcherProto } from "../manager/dispatcher.js";
import { logsProto, type LogSubscriberCall } from "../manager/logbroker.js";
import { LogPublisher } from "./log-publisher.js";
import { leaderAddrOf } from "../manager/leader.js";
import { Manager, membershipProto, shiftPort } from "../manager/manager.js";
import { loadNodeState, saveNodeState, statePaths, type NodeState } from "./state.js";
import { ImageStore } from "../image/store.js";
import { ImageError, ImageErrorCode } from "../image/errors.js";
import { registryOf } from "../image/reference.js";
import { DEFAULT_REGISTRY_ACCESS, pullReference, type RegistryAccess } from "../image/distribution/registries.js";
import { Agent } from "../agent/agent.js";
import { Runtime } from "../runtime/runtime.js";
import { DispatcherSession } from "./session.js";
import { ImagePrefetcher } from "./image-prefetch.js";
import { DataPlane } from "./data-plane.js";
import { GossipNode } from "../gossip/node.js";
import { leaderReconcilers } from "../manager/orchestrator/index.js";
import { join } from "node:path";

/** The loaded daemon.proto package. */
export const daemonProto = loadProto<ProtoGrpcType>("daemon.proto").swarm.daemon;

/** Resolved daemon options. */
export interface DaemonOptions {
  readonly dataDir: string;
  readonly socketPath: string;
  /** Default cluster listen address for init/join ("host:port"). */
  readonly listenAddr: string;
  /** Default advertise address ("host" or "host:port"); "" = derive from listenAddr. */
  readonly advertiseAddr: string;
  readonly logger: Logger;
  /** Raft tick in ms (tests shorten it). */
  readonly tickMs?: number;
  /**
   * Restart this manager as the only member of a new one-manager cluster, keeping its store (recovery
   * after quorum was lost for good, as `docker swarm init --force-new-cluster`).
   */
  readonly forceNewCluster?: boolean;
  /** Registries this node pulls from over plain http (`--insecure-registry`); the rest over https. */
  readonly registries?: RegistryAccess;
  /** How long `join` as a manager waits for the leader to promote this node to a Raft voter (default 30 s). */
  readonly promotionWaitMs?: number;
  /** Native relay processes of the routing mesh (`--mesh-relays`); default one per core, 0 = in-process. */
  readonly meshRelays?: number;
}

/** Default bound of {@link DaemonOptions.promotionWaitMs} (below swarmctl's 60 s join timeout). */
const PROMOTION_WAIT_MS = 30_000;

/** The node joined as a manager, but it was not promoted to a Raft voter in time; the join goes on. */
export class PromotionTimeoutError extends SwarmError {
  constructor(
    readonly waitedMs: number,
    readonly applied: number,
    readonly commit: number,
  ) {
    super(
      ErrorCode.Unavailable,
      `timeout was reached before this node became a voting manager (${Math.round(waitedMs / 1000)} s): it joined the swarm as a manager and is still catching up with the leader's log ` +
        `(applied ${applied} of ${commit} known committed entries); it keeps catching up in the background and the leader promotes it once it has; ` +
        "`swarmctl node ls` shows it as 'Catching up' until then",
      { fields: { waitedMs, applied, commit } },
    );
  }
}

const DEFAULT_PORT = 2377;
/** Gossip (UDP + TCP) listens on the cluster port + 2 (Raft has + 1). */
const GOSSIP_PORT_OFFSET = 2;

/** "host" → "host:2377"; "host:port" unchanged. */
export function withPort(addr: string, port = DEFAULT_PORT): string {
  return /:\d+$/.test(addr) ? addr : `${addr}:${port}`;
}

/** A running daemon. */
export class Daemon {
  private readonly local = new Server();
  private manager: Manager | undefined;
  private state: NodeState | undefined;
  private tls: TlsIdentityProvider | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private managers: string[] = [];
  private agent: Agent | undefined;
  private gossip: GossipNode | undefined;
  private gossipStarting = false;
  private session: DispatcherSession | undefined;
  private logPublisher: LogPublisher | undefined;
  private dataPlane: DataPlane | undefined;
  private readonly log: Logger;
  private stopped = false;

  private constructor(private readonly o: DaemonOptions) {
    this.log = o.logger;
  }

  /** Starts the local socket and resumes the node's role from disk. */
  static async start(o: DaemonOptions): Promise<Daemon> {
    const d = new Daemon(o);
    const saved = loadNodeState(o.dataDir);
    if (o.forceNewCluster === true && saved?.state.role !== "manager") {
      throw new SwarmError(ErrorCode.FailedPrecondition, `--force-new-cluster: ${o.dataDir} holds no manager state (${saved === undefined ? "not part of a swarm" : "this node is a worker"}); run it on a surviving manager`);
    }
    if (saved !== undefined) {
      d.state = saved.state;
      d.tls = new TlsIdentityProvider(saved.tls);
      d.managers = o.forceNewCluster === true ? [saved.state.advertiseAddr] : [...saved.state.managers];
      if (saved.state.role === "manager") await d.startManager(false, new Map(), o.forceNewCluster === true);
      d.startHeartbeats();
      d.log.info({ nodeId: saved.state.nodeId, role: saved.state.role }, "resumed from disk");
    }
    await d.listenLocal();
    return d;
  }

  private async listenLocal(): Promise<void> {
    const handlers: DaemonHandlers = {
      Info: unaryHandler(async () => this.info()),
      Init: unaryHandler(async (req) => this.init(req.listenAddr, req.advertiseAddr, Number(req.dispatcherHeartbeatMs), req.defaultAddrPool)),
      Join: unaryHandler(async (req) => this.join(req.remoteAddrs, req.joinToken, req.listenAddr, req.advertiseAddr)),
      Leave: unaryHandler(async (req) => this.leave(req.force)),
    };
    this.local.addService(daemonProto.Daemon.service, handlers);
    // The Control service on the socket is added when this node is a manager (it needs the store);
    // until then its calls answer with a clear error.
    addControlService(this.local, this.controlStoreProxy(), localSocket, {
      view: (n) => (this.manager === undefined ? n : this.manager.nodeView(n)),
      pin: (image) => this.pinImage(image),
    });
    this.local.addService(logsProto.Logs.service, {
      SubscribeLogs: (call: LogSubscriberCall) => {
        if (this.manager === undefined) {
          failStream(call, new SwarmError(ErrorCode.FailedPrecondition, "this node is not a swarm manager: run `swarmctl service logs` on a manager"));
          return;
        }
        this.manager.logs.logsHandlers(localSocket).SubscribeLogs(call);
      },
    });
    mkdirSync(dirname(this.o.socketPath), { recursive: true, mode: 0o700 });
    if (existsSync(this.o.socketPath)) rmSync(this.o.socketPath);
    await new Promise<void>((resolve, reject) =>
      this.local.bindAsync(`unix://${this.o.socketPath}`, ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
    );
    chmodSync(this.o.socketPath, 0o600);
    this.log.info({ socket: this.o.socketPath }, "listening on the local socket");
  }

  /** A store stand-in for the socket's Control service that follows the manager role. */
  private controlStoreProxy(): Manager["store"] {
    return new Proxy({} as Manager["store"], {
      get: (_t, prop: string | symbol) => {
        const store = this.manager?.store;
        if (store === undefined) {
          throw new SwarmError(ErrorCode.FailedPrecondition, "this node is not a swarm manager: run the command on a manager, or `swarmctl init` / `swarmctl join` first");
        }
        const value: unknown = Reflect.get(store, prop);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(store) : value;
      },
    });
  }

  private info(): InfoResponse {
    const s = this.state;
    if (s === undefined) return { state: "INACTIVE" };
    const raft = this.manager?.raft.status();
    const leaderId = raft === undefined ? "" : (this.manager?.store.view((tx) => tx.list("node").find((n) => n.managerStatus?.raftId === raft.leader)?.id) ?? "");
    return {
      state: "ACTIVE",
      nodeId: s.nodeId,
      clusterId: s.clusterId,
      role: s.role === "manager" ? "MANAGER" : "WORKER",
      controlAvailable: this.manager !== undefined,
      nodeAddr: s.advertiseAddr,
      managers: this.managers,
      leaderId,
    };
  }

  private resolveAddrs(listen: string, advertise: string): { listenAddr: string; advertiseAddr: string } {
    const listenAddr = withPort(listen || this.o.listenAddr);
    const port = Number(listenAddr.slice(listenAddr.lastIndexOf(":") + 1));
    const adv = advertise || this.o.advertiseAddr;
    if (adv === "") throw new SwarmError(ErrorCode.InvalidArgument, "advertise address: required (--advertise-addr), e.g. the IP other nodes reach this host at");
    return { listenAddr, advertiseAddr: withPort(adv, port) };
  }

  private async init(listen: string, advertise: string, heartbeatMs: number, addrPool = "") {
    if (this.state !== undefined) throw new SwarmError(ErrorCode.FailedPrecondition, "this node is already part of a swarm (`swarmctl leave --force` to leave it)");
    const { listenAddr, advertiseAddr } = this.resolveAddrs(listen, advertise);
    const pool = addrPool.split(",").map((p) => p.trim()).filter((p) => p !== "");
    validateClusterSpec({ defaultAddrPool: pool }, "init");
    const ca = await createRootCA();
    const clusterId = newId();
    const nodeId = newId();
    const raftId = newRaftId();
    const k = await createNodeKeyAndCsr();
    const certPem = await signNodeCertificate(ca, k.csrPem, { nodeId, role: "manager", clusterId });
    const tls = { caCertPem: ca.certPem, certPem, keyPem: k.keyPem };
    const state: NodeState = { nodeId, clusterId, role: "manager", raftId, listenAddr, advertiseAddr, managers: [advertiseAddr] };
    saveNodeState(this.o.dataDir, state, tls);
    this.state = state;
    this.tls = new TlsIdentityProvider(tls);
    this.managers = [advertiseAddr];
    await this.startManager(true, new Map());
    const manager = this.manager!;
    await manager.waitForLeader();
    const cluster = newClusterObject(ca, clusterId);
    if (heartbeatMs > 0) cluster.spec = { ...(cluster.spec ?? { annotations: null }), dispatcher: { heartbeatPeriodMs: heartbeatMs } } as typeof cluster.spec;
    if (pool.length > 0) cluster.spec = { ...(cluster.spec ?? { annotations: null }), defaultAddrPool: pool } as typeof cluster.spec;
    await manager.store.update((tx) => {
      tx.create("cluster", cluster);
      tx.create(
        "node",
        makeNode({
          id: nodeId,
          spec: { desiredRole: "MANAGER", availability: "ACTIVE" },
          description: { hostname: hostname() },
          status: { state: "READY", addr: advertiseAddr },
          role: "MANAGER",
          managerStatus: { raftId, addr: advertiseAddr, leader: true, reachability: "REACHABLE" },
        }),
      );
    });
    this.startHeartbeats();
    this.log.info({ nodeId, clusterId, advertiseAddr }, "initialized a new swarm");
    const tokens = manager.store.view((tx) => clusterOf(tx).rootCa?.joinTokens);
    return { nodeId, clusterId, joinTokens: tokens ?? null, advertiseAddr };
  }

  private async join(remotes: string[], token: string, listen: string, advertise: string) {
    if (this.state !== undefined) throw new SwarmError(ErrorCode.FailedPrecondition, "this node is already part of a swarm (`swarmctl leave --force` to leave it)");
    if (remotes.length === 0) throw new SwarmError(ErrorCode.InvalidArgument, "join: give the address of a manager (HOST:PORT)");
    const { listenAddr, advertiseAddr } = this.resolveAddrs(listen, advertise);
    let lastErr: unknown;
    for (const remote of remotes.map((r) => withPort(r))) {
      try {
        const joined = await joinCluster(remote, token, { hostname: hostname(), advertiseAddr });
        const tls = { caCertPem: joined.caCertPem, certPem: joined.certPem, keyPem: joined.keyPem };
        const raftId = joined.role === "manager" ? newRaftId() : 0;
        const state: NodeState = { nodeId: joined.nodeId, clusterId: joined.clusterId, role: joined.role, raftId, listenAddr, advertiseAddr, managers: [remote] };
        this.tls = new TlsIdentityProvider(tls);
        this.managers = [remote];
        this.state = state;
        if (joined.role === "manager") {
          // Ask the leader to add us (it answers with the members and their Raft addresses), then
          // start Raft knowing its peers; the leader brings our log up to date.
          const members = await this.joinRaft(remote, raftId, advertiseAddr);
          await this.startManager(false, new Map(members.members.map((m) => [m.raftId, m.raftAddr])));
          this.log.info({ members: members.members.length }, "joined the raft group");
        }
        saveNodeState(this.o.dataDir, state, tls);
        this.startHeartbeats();
        this.log.info({ nodeId: joined.nodeId, role: joined.role, via: remote }, "joined the swarm");
        // Joined (and saved): from here a slow catch-up is reported, never undone.
        if (joined.role === "manager") await this.waitUntilVoter(raftId);
        return { nodeId: joined.nodeId, role: joined.role === "manager" ? ("MANAGER" as const) : ("WORKER" as const) };
      } catch (err) {
        if (this.state !== undefined && err instanceof PromotionTimeoutError) throw err;
        lastErr = err;
        this.state = undefined;
        this.log.warn({ remote, err: errorMessage(err) }, "join attempt failed");
        if (this.manager !== undefined) {
          await this.manager.stop().catch(() => undefined);
          this.manager = undefined;
        }
      }
    }
    throw lastErr instanceof Error ? lastErr : new SwarmError(ErrorCode.Unavailable, "join failed");
  }

  /**
   * A manager joins Raft as a learner and the leader promotes it once its log has caught up: `join`
   * returns when that happened, or fails after {@link DaemonOptions.promotionWaitMs} with an error that
   * says the join goes on in the background (as `docker swarm join` after its timeout).
   */
  private async waitUntilVoter(raftId: number): Promise<void> {
    const waitMs = this.o.promotionWaitMs ?? PROMOTION_WAIT_MS;
    const started = Date.now();
    for (;;) {
      const raft = this.manager?.raft.status();
      if (raft?.confState.voters.includes(raftId) === true) {
        this.log.info({ raftId, waitedMs: Date.now() - started }, "this manager is a raft voter");
        return;
      }
      if (Date.now() - started >= waitMs) throw new PromotionTimeoutError(waitMs, raft?.applied ?? 0, raft?.commit ?? 0);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async joinRaft(remote: string, raftId: number, apiAddr: string): Promise<JoinRaftResponse__Output> {
    let target = remote;
    for (let attempt = 0; attempt < 5; attempt++) {
      const client = new membershipProto.RaftMembership(target, managerChannelCredentials(this.tls!), MANAGER_TARGET_OPTIONS);
      try {
        return await callUnary<JoinRaftResponse__Output>((md, o, cb) =>
          client.Join({ raftId, raftAddr: shiftPort(apiAddr, 1), apiAddr }, md, o, cb),
        );
      } catch (err) {
        const leader = leaderAddrOf(err);
        if (leader === undefined) throw err;
        target = leader;
      } finally {
        client.close();
      }
    }
    throw new SwarmError(ErrorCode.Unavailable, "could not reach the raft leader to join");
  }

  private async startManager(bootstrap: boolean, peers: Map<number, string>, forceNewCluster = false): Promise<void> {
    const s = this.state;
    const tls = this.tls!;
    const raftId = s?.raftId ?? 0;
    this.manager = await Manager.start({
      dataDir: this.o.dataDir,
      nodeId: s?.nodeId ?? "",
      raftId: raftId || newRaftId(),
      listenAddr: s?.listenAddr ?? this.o.listenAddr,
      advertiseAddr: s?.advertiseAddr ?? this.o.advertiseAddr,
      tls,
      bootstrap,
      forceNewCluster,
      peers,
      pinImage: (image) => this.pinImage(image),
      images: ImageStore.open({ root: statePaths(this.o.dataDir).images, logger: this.log.child({ component: "images" }) }),
      clusterId: s?.clusterId ?? "",
      leaderComponents: (store, logger) => leaderReconcilers(store, logger),
      logger: this.log,
      ...(this.o.tickMs !== undefined ? { tickMs: this.o.tickMs } : {}),
    });
  }

  /**
   * Pins an image reference to its manifest digest in this node's image store. An image the store lacks
   * whose reference names a registry (`HOST[:PORT]/REPO:TAG`) is pulled from it first; workers then
   * fetch it from this manager (or from the registry themselves).
   */
  private async pinImage(image: string): Promise<string> {
    const images = ImageStore.open({ root: statePaths(this.o.dataDir).images, logger: this.log });
    let resolved;
    try {
      resolved = images.resolve(image);
    } catch (err) {
      if (!(err instanceof ImageError && err.code === ImageErrorCode.NotFound) || registryOf(image) === undefined) {
        throw new SwarmError(ErrorCode.NotFound, `image ${image} is not in this manager's image store: load it with \`swarmctl image load FILE\` (${errorMessage(err)})`, { cause: err });
      }
      const started = Date.now();
      try {
        const pulled = await pullReference({ ref: image, store: images, access: this.o.registries ?? DEFAULT_REGISTRY_ACCESS, logger: this.log.child({ component: "images" }) });
        this.log.info({ image, manifest: pulled.image.manifestDigest, blobs: pulled.downloaded.length, ms: Date.now() - started }, "image pulled from its registry to pin it");
      } catch (pullErr) {
        throw new SwarmError(ErrorCode.NotFound, `image ${image} is not in this manager's image store and pulling it failed: ${errorMessage(pullErr)}`, { cause: pullErr });
      }
      resolved = images.resolve(image);
    }
    const name = image.includes("@") ? image.slice(0, image.indexOf("@")) : image;
    return /^[0-9a-f]{4,64}$/.test(image) || image.startsWith("sha256:") ? resolved.record.manifestDigest : `${name}@${resolved.record.manifestDigest}`;
  }

  /** Starts the agent (runs this node's tasks) and its session with the leader's dispatcher. */
  private async startAgent(): Promise<void> {
    if (this.agent !== undefined || this.tls === undefined || this.state === undefined) return;
    const paths = statePaths(this.o.dataDir);
    const images = ImageStore.open({ root: paths.images, logger: this.log.child({ component: "images" }) });
    const prefix = `${this.state.nodeId.slice(0, 8)}-`;
    const adv = this.state.advertiseAddr;
    const dataPlane = new DataPlane({
      nodeId: this.state.nodeId,
      underlayIp: adv.slice(0, adv.lastIndexOf(":")),
      tls: this.tls,
      managers: () => this.managers,
      containerId: (taskId) => `${prefix}${taskId}`,
      ...(this.o.meshRelays !== undefined ? { meshRelays: this.o.meshRelays } : {}),
      logger: this.log.child({ component: "data-plane" }),
    });
    this.dataPlane = dataPlane;
    const agent = new Agent({
      nodeId: this.state.nodeId,
      dataDir: join(this.o.dataDir, "agent"),
      images,
      runtime: new Runtime({ stateRoot: join(this.o.dataDir, "runtime"), logger: this.log.child({ component: "runtime" }) }),
      logger: this.log.child({ component: "agent" }),
      containerIdPrefix: prefix,
      reportStatus: (taskId, status) => this.session?.reportStatus(taskId, status),
      network: dataPlane.networkHook,
      beforeStop: dataPlane.beforeStop,
    });
    await agent.start();
    this.agent = agent;
    await dataPlane.sweep(prefix, agent.taskIds().map((id) => `${prefix}${id}`));
    dataPlane.start();
    const runner = new ImagePrefetcher({
      next: agent,
      images,
      tls: this.tls,
      managers: () => this.managers,
      nodeId: this.state.nodeId,
      registries: this.o.registries ?? DEFAULT_REGISTRY_ACCESS,
      reportStatus: (taskId, status) => this.session?.reportStatus(taskId, status),
      logger: this.log.child({ component: "images" }),
    });
    this.session = new DispatcherSession({ tls: this.tls, managers: () => this.managers, runner, logger: this.log.child({ component: "session" }) });
    this.session.start();
    this.logPublisher = new LogPublisher({ tls: this.tls, managers: () => this.managers, agent, logger: this.log.child({ component: "logs" }) });
    this.logPublisher.start();
  }

  private startHeartbeats(): void {
    void this.startAgent().catch((err: unknown) => this.log.error({ err: errorMessage(err) }, "the agent could not start: this node will not run tasks"));
    if (this.heartbeatTimer !== undefined || this.tls === undefined || this.state === undefined) return;
    let target = 0;
    let periodMs = 1000;
    const beat = async (): Promise<void> => {
      if (this.stopped || this.state === undefined || this.tls === undefined) return;
      const addr = this.managers[target % Math.max(1, this.managers.length)] ?? this.state.advertiseAddr;
      const client = new dispatcherProto.Dispatcher(addr, managerChannelCredentials(this.tls), MANAGER_TARGET_OPTIONS);
      try {
        const res = await callUnary<HeartbeatResponse__Output>((md, o, cb) => client.Heartbeat({ addr: this.state!.advertiseAddr, hostname: hostname() }, md, o, cb), 3000);
        periodMs = Number(res.periodMs) || periodMs;
        if (res.managers.length > 0) this.managers = [addr, ...res.managers.filter((m) => m !== addr)];
        if (res.gossipKeys.length > 0) void this.startGossip(res.gossipKeys);
        const role = res.role === "MANAGER" ? "manager" : "worker";
        if (this.state !== undefined && role !== this.state.role) await this.changeRole(addr, role);
        else if (this.tls !== undefined && needsRenewal(parseNodeCertificate(this.tls.current.certPem), new Date())) await this.renew(addr);
      } catch (err) {
        const leader = leaderAddrOf(err);
        if (leader !== undefined) {
          this.managers = [leader, ...this.managers.filter((m) => m !== leader)];
          target = 0;
        } else {
          target++;
        }
        this.log.debug({ manager: addr, err: errorMessage(err) }, "heartbeat failed");
      } finally {
        client.close();
      }
      if (!this.stopped) this.heartbeatTimer = setTimeout(() => void beat(), this.heartbeatTimer === undefined ? 0 : periodMs);
    };
    this.heartbeatTimer = setTimeout(() => void beat(), 0);
  }

  /**
   * Starts SWIM gossip (once the managers handed out the cluster key): every node is a member, named by
   * its node id, on the cluster port + 2; seeds are the managers. Gossip "dead" verdicts reach the
   * leader's node monitor, which then marks the node down after one missed heartbeat.
   */
  private async startGossip(keys: Buffer[]): Promise<void> {
    const s = this.state;
    if (this.gossip !== undefined || this.gossipStarting || s === undefined) return;
    this.gossipStarting = true;
    try {
      const host = s.advertiseAddr.slice(0, s.advertiseAddr.lastIndexOf(":"));
      const port = Number(s.advertiseAddr.slice(s.advertiseAddr.lastIndexOf(":") + 1)) + GOSSIP_PORT_OFFSET;
      const gossip = await GossipNode.start({
        name: s.nodeId,
        bindHost: host,
        bindPort: port,
        advertiseHost: host,
        keys,
        meta: { role: s.role, addresses: [s.advertiseAddr], labels: {} },
        logger: this.log.child({ component: "gossip" }),
      });
      this.gossip = gossip;
      const seeds = this.managers.map((m) => shiftPort(m, GOSSIP_PORT_OFFSET)).filter((a) => a !== `${host}:${port}`);
      if (seeds.length > 0) await gossip.join(seeds).catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, "gossip join failed; will be retried by push-pull"));
      void (async () => {
        for await (const e of gossip.subscribe()) {
          if (e.type === "dead") this.manager?.monitor.gossipDead(e.member.name);
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

  /** Renews this node's certificate before it expires (past 70% of its lifetime); new connections use it. */
  private async renew(managerAddr: string): Promise<void> {
    if (this.tls === undefined || this.state === undefined) return;
    const renewed = await renewCertificate(managerAddr, this.tls);
    const tls = { caCertPem: renewed.caCertPem, certPem: renewed.certPem, keyPem: renewed.keyPem };
    this.tls.update(tls);
    saveNodeState(this.o.dataDir, this.state, tls);
    this.log.info({ notAfter: parseNodeCertificate(renewed.certPem).notAfter.toISOString() }, "node certificate renewed");
  }

  /** The cluster changed this node's role: renew the certificate, then start or stop the manager. */
  private async changeRole(managerAddr: string, role: "manager" | "worker"): Promise<void> {
    const s = this.state;
    if (s === undefined || this.tls === undefined) return;
    this.log.info({ from: s.role, to: role }, "role change requested by the cluster");
    const renewed = await renewCertificate(managerAddr, this.tls);
    if (renewed.role !== role) return; // the store changed again meanwhile; the next heartbeat decides
    const tls = { caCertPem: renewed.caCertPem, certPem: renewed.certPem, keyPem: renewed.keyPem };
    this.tls.update(tls);
    if (role === "manager") {
      const raftId = newRaftId();
      const next: NodeState = { ...s, role, raftId };
      this.state = next;
      const members = await this.joinRaft(managerAddr, raftId, s.advertiseAddr);
      await this.startManager(false, new Map(members.members.map((m) => [m.raftId, m.raftAddr])));
      saveNodeState(this.o.dataDir, next, tls);
    } else {
      if (this.manager !== undefined) await this.manager.stop();
      this.manager = undefined;
      rmSync(statePaths(this.o.dataDir).raft, { recursive: true, force: true });
      const next: NodeState = { ...s, role, raftId: 0 };
      this.state = next;
      saveNodeState(this.o.dataDir, next, tls);
    }
    this.log.info({ role }, "role changed");
  }

  private async leave(force: boolean) {
    if (this.state === undefined) throw new SwarmError(ErrorCode.FailedPrecondition, "this node is not part of a swarm");
    if (this.state.role === "manager" && !force) {
      throw new SwarmError(ErrorCode.FailedPrecondition, "this node is a manager: leaving would remove it from Raft; demote it first or use --force");
    }
    await this.stopRole(true);
    rmSync(`${this.o.dataDir}/state.json`, { force: true });
    rmSync(`${this.o.dataDir}/raft`, { recursive: true, force: true });
    this.state = undefined;
    this.log.info("left the swarm");
    return {};
  }

  private async stopRole(leaving = false): Promise<void> {
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
    // A daemon restart leaves containers running for the next agent to re-adopt; leaving the swarm
    // stops and removes them.
    if (leaving) await this.agent?.close();
    else await this.agent?.stop();
    this.agent = undefined;
    await this.dataPlane?.stop();
    if (leaving) await this.dataPlane?.network.destroy();
    this.dataPlane = undefined;
    if (this.manager !== undefined) await this.manager.stop();
    this.manager = undefined;
  }

  /** Graceful stop: local socket, heartbeats, manager. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopRole();
    await new Promise<void>((resolve) => this.local.tryShutdown(() => resolve()));
    rmSync(this.o.socketPath, { force: true });
  }
}

/** A client of a daemon's local socket. */
export function localDaemonClient(socketPath: string) {
  return new daemonProto.Daemon(`unix://${socketPath}`, credentials.createInsecure());
}

/** A random Raft member id (the Raft server's proposal envelope carries ids as u32). */
function newRaftId(): number {
  return randomInt(1, 2 ** 31);
}
