/**
 * The swarmd daemon: composition only. It keeps the node's identity (state.json, certificates), serves
 * the local socket, runs the worker side (agent/worker-node.ts) on every node and the manager role
 * (manager/manager.ts) on managers, and switches roles when the cluster says so.
 */
import type { Server } from "@grpc/grpc-js";
import { rmSync } from "node:fs";
import { hostname } from "node:os";
import type { InfoResponse } from "../gen/swarm/daemon/InfoResponse.js";
import { WorkerNode, type NodeRoleName } from "../agent/worker-node.js";
import { clusterOf } from "../ca/issuer.js";
import { joinCluster, renewCertificate } from "../ca/join.js";
import { TlsIdentityProvider, type TlsIdentity } from "../ca/tls.js";
import { ImageStore } from "../image/store.js";
import { resolveClusterAddrs, withPort } from "../lib/addr.js";
import { ErrorCode, SwarmError, errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { Manager } from "../manager/manager.js";
import { unaryHandler } from "../rpc/grpc.js";
import { validateClusterSpec } from "../spec/node-cluster-spec.js";
import { createSwarmIdentity, seedSwarm } from "./bootstrap.js";
import { serveLocalApi } from "./local-api.js";
import { joinRaft, newRaftId, PROMOTION_WAIT_MS, PromotionTimeoutError, waitUntilVoter } from "./manager-join.js";
import type { DaemonOptions } from "./options.js";
import { loadNodeState, restrictUmask, saveNodeState, statePaths, type NodeState } from "./state.js";

const ALREADY_IN_SWARM = "this node is already part of a swarm (`swarmctl leave --force` to leave it)";

/** A running daemon. */
export class Daemon {
  private local: Server | undefined;
  private manager: Manager | undefined;
  private worker: WorkerNode | undefined;
  private state: NodeState | undefined;
  private tls: TlsIdentityProvider | undefined;
  private readonly images: ImageStore;
  private readonly log: Logger;
  private stopped = false;

  private constructor(private readonly o: DaemonOptions) {
    this.log = o.logger;
    this.images = ImageStore.open({ root: statePaths(o.dataDir).images, logger: o.logger.child({ component: "images" }) });
  }

  /** Starts the local socket and resumes the node's role from disk. */
  static async start(o: DaemonOptions): Promise<Daemon> {
    restrictUmask();
    const d = new Daemon(o);
    const saved = loadNodeState(o.dataDir);
    const force = o.forceNewCluster === true;
    if (force && saved?.state.role !== "manager") {
      throw new SwarmError(ErrorCode.FailedPrecondition, `--force-new-cluster: ${o.dataDir} holds no manager state (${saved === undefined ? "not part of a swarm" : "this node is a worker"}); run it on a surviving manager`);
    }
    if (saved !== undefined) {
      d.adopt(saved.state, saved.tls);
      if (saved.state.role === "manager") await d.startManager(false, new Map(), force);
      d.startWorker(force ? [saved.state.advertiseAddr] : saved.state.managers);
      d.log.info({ nodeId: saved.state.nodeId, role: saved.state.role }, "resumed from disk");
    }
    d.local = await serveLocalApi(
      o.socketPath,
      {
        Info: unaryHandler(async () => d.info()),
        Init: unaryHandler(async (req) => d.init(req.listenAddr, req.advertiseAddr, Number(req.dispatcherHeartbeatMs), req.defaultAddrPool)),
        Join: unaryHandler(async (req) => d.join(req.remoteAddrs, req.joinToken, req.listenAddr, req.advertiseAddr)),
        Leave: unaryHandler(async (req) => d.leave(req.force)),
      },
      () => d.manager,
      d.log,
      o.socketGid === undefined ? {} : { socketGid: o.socketGid },
    );
    return d;
  }

  private adopt(state: NodeState, tls: TlsIdentity): void {
    this.state = state;
    this.tls = new TlsIdentityProvider(tls);
  }

  private info(): InfoResponse {
    const s = this.state;
    if (s === undefined) return { state: "INACTIVE" };
    const raft = this.manager?.raft.status();
    const leaderId = raft === undefined ? "" : (this.manager?.store.view((tx) => tx.list("node").find((n) => n.managerStatus?.raftId === raft.leader)?.id) ?? "");
    const managers = [...(this.worker?.managers ?? s.managers)];
    return { state: "ACTIVE", nodeId: s.nodeId, clusterId: s.clusterId, role: s.role === "manager" ? "MANAGER" : "WORKER", controlAvailable: this.manager !== undefined, nodeAddr: s.advertiseAddr, managers, leaderId };
  }

  private async init(listen: string, advertise: string, heartbeatMs: number, addrPool = "") {
    if (this.state !== undefined) throw new SwarmError(ErrorCode.FailedPrecondition, ALREADY_IN_SWARM);
    const { listenAddr, advertiseAddr } = resolveClusterAddrs(listen || this.o.listenAddr, advertise || this.o.advertiseAddr);
    const pool = addrPool.split(",").map((p) => p.trim()).filter((p) => p !== "");
    validateClusterSpec({ defaultAddrPool: pool }, "init");
    const id = await createSwarmIdentity();
    const state: NodeState = { nodeId: id.nodeId, clusterId: id.clusterId, role: "manager", raftId: id.raftId, listenAddr, advertiseAddr, managers: [advertiseAddr] };
    saveNodeState(this.o.dataDir, state, id.tls);
    this.adopt(state, id.tls);
    const manager = await this.startManager(true, new Map());
    await manager.waitForLeader();
    await seedSwarm(manager.store, id, { advertiseAddr, heartbeatMs, addrPool: pool });
    this.startWorker([advertiseAddr]);
    this.log.info({ nodeId: id.nodeId, clusterId: id.clusterId, advertiseAddr }, "initialized a new swarm");
    const tokens = manager.store.view((tx) => clusterOf(tx).rootCa?.joinTokens);
    return { nodeId: id.nodeId, clusterId: id.clusterId, joinTokens: tokens ?? null, advertiseAddr };
  }

  private async join(remotes: string[], token: string, listen: string, advertise: string) {
    if (this.state !== undefined) throw new SwarmError(ErrorCode.FailedPrecondition, ALREADY_IN_SWARM);
    if (remotes.length === 0) throw new SwarmError(ErrorCode.InvalidArgument, "join: give the address of a manager (HOST:PORT)");
    const { listenAddr, advertiseAddr } = resolveClusterAddrs(listen || this.o.listenAddr, advertise || this.o.advertiseAddr);
    let lastErr: unknown;
    for (const remote of remotes.map((r) => withPort(r))) {
      try {
        const joined = await joinCluster(remote, token, { hostname: hostname(), advertiseAddr });
        const tls = { caCertPem: joined.caCertPem, certPem: joined.certPem, keyPem: joined.keyPem };
        const raftId = joined.role === "manager" ? newRaftId() : 0;
        const state: NodeState = { nodeId: joined.nodeId, clusterId: joined.clusterId, role: joined.role, raftId, listenAddr, advertiseAddr, managers: [remote] };
        this.adopt(state, tls);
        // A manager asks the leader to add it (the answer names the members and their Raft addresses),
        // then starts Raft knowing its peers; the leader brings its log up to date.
        if (joined.role === "manager") await this.startManagerVia(remote, raftId, advertiseAddr);
        saveNodeState(this.o.dataDir, state, tls);
        this.startWorker([remote]);
        this.log.info({ nodeId: joined.nodeId, role: joined.role, via: remote }, "joined the swarm");
        // Joined (and saved): from here a slow catch-up is reported, never undone.
        if (joined.role === "manager") await waitUntilVoter(() => this.manager, raftId, this.o.promotionWaitMs ?? PROMOTION_WAIT_MS, this.log);
        return { nodeId: joined.nodeId, role: joined.role === "manager" ? ("MANAGER" as const) : ("WORKER" as const) };
      } catch (err) {
        if (this.state !== undefined && err instanceof PromotionTimeoutError) throw err;
        lastErr = err;
        this.state = undefined;
        this.log.warn({ remote, err: errorMessage(err) }, "join attempt failed");
        await this.stopManager();
      }
    }
    throw lastErr instanceof Error ? lastErr : new SwarmError(ErrorCode.Unavailable, "join failed");
  }

  private async startManagerVia(remote: string, raftId: number, advertiseAddr: string): Promise<void> {
    const members = await joinRaft(remote, this.tls!, raftId, advertiseAddr);
    await this.startManager(false, new Map(members.members.map((m) => [m.raftId, m.raftAddr])));
    this.log.info({ members: members.members.length }, "joined the raft group");
  }

  private async startManager(bootstrap: boolean, peers: Map<number, string>, forceNewCluster = false): Promise<Manager> {
    const s = this.state!;
    this.manager = await Manager.start({
      dataDir: this.o.dataDir,
      nodeId: s.nodeId,
      raftId: s.raftId || newRaftId(),
      listenAddr: s.listenAddr,
      advertiseAddr: s.advertiseAddr,
      tls: this.tls!,
      bootstrap,
      forceNewCluster,
      peers,
      images: this.images,
      ...(this.o.registries !== undefined ? { registries: this.o.registries } : {}),
      clusterId: s.clusterId,
      logger: this.log,
      ...(this.o.tickMs !== undefined ? { tickMs: this.o.tickMs } : {}),
    });
    return this.manager;
  }

  private async stopManager(): Promise<void> {
    await this.manager?.stop().catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, "manager stop failed"));
    this.manager = undefined;
  }

  private startWorker(managers: readonly string[]): void {
    const s = this.state!;
    this.worker = new WorkerNode({
      nodeId: s.nodeId,
      advertiseAddr: s.advertiseAddr,
      dataDir: this.o.dataDir,
      tls: this.tls!,
      managers,
      images: this.images,
      ...(this.o.registries !== undefined ? { registries: this.o.registries } : {}),
      ...(this.o.meshRelays !== undefined ? { meshRelays: this.o.meshRelays } : {}),
      ...(this.o.meshLimits !== undefined ? { meshLimits: this.o.meshLimits } : {}),
      role: () => this.state?.role ?? "worker",
      onRoleChange: (addr, role) => this.changeRole(addr, role),
      onCertificateRenewed: (tls) => this.state !== undefined && saveNodeState(this.o.dataDir, this.state, tls),
      onGossipDead: (nodeId) => this.manager?.dispatcher.gossipDead(nodeId),
      logger: this.log,
    });
    this.worker.start();
  }

  /** The cluster changed this node's role: renew the certificate, then start or stop the manager. */
  private async changeRole(managerAddr: string, role: NodeRoleName): Promise<void> {
    const s = this.state;
    if (s === undefined || this.tls === undefined) return;
    this.log.info({ from: s.role, to: role }, "role change requested by the cluster");
    const renewed = await renewCertificate(managerAddr, this.tls);
    if (renewed.role !== role) return; // the store changed again meanwhile; the next heartbeat decides
    const tls = { caCertPem: renewed.caCertPem, certPem: renewed.certPem, keyPem: renewed.keyPem };
    this.tls.update(tls);
    const next: NodeState = { ...s, role, raftId: role === "manager" ? newRaftId() : 0 };
    this.state = next;
    if (role === "manager") {
      await this.startManagerVia(managerAddr, next.raftId, s.advertiseAddr);
    } else {
      await this.stopManager();
      rmSync(statePaths(this.o.dataDir).raft, { recursive: true, force: true });
    }
    saveNodeState(this.o.dataDir, next, tls);
    this.log.info({ role }, "role changed");
  }

  private async leave(force: boolean) {
    if (this.state === undefined) throw new SwarmError(ErrorCode.FailedPrecondition, "this node is not part of a swarm");
    if (this.state.role === "manager" && !force) {
      throw new SwarmError(ErrorCode.FailedPrecondition, "this node is a manager: leaving would remove it from Raft; demote it first or use --force");
    }
    await this.stopRoles(true);
    rmSync(statePaths(this.o.dataDir).state, { force: true });
    rmSync(statePaths(this.o.dataDir).raft, { recursive: true, force: true });
    this.state = undefined;
    this.log.info("left the swarm");
    return {};
  }

  private async stopRoles(leaving = false): Promise<void> {
    await this.worker?.stop(leaving);
    this.worker = undefined;
    await this.stopManager();
  }

  /** Graceful stop: local socket, worker side, manager. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopRoles();
    const local = this.local;
    if (local !== undefined) await new Promise<void>((resolve) => local.tryShutdown(() => resolve()));
    rmSync(this.o.socketPath, { force: true });
  }
}
