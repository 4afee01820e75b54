/**
 * A manager: the Raft member that replicates the store, and the cluster API it serves on its TCP
 * listener (NodeCA for joins, Control for users and other managers, RaftMembership, Dispatcher),
 * all over mTLS. The Raft transport listens on its own port (API port + 1).
 */
import { Server } from "@grpc/grpc-js";
import { NodeCertificateIssuer } from "../ca/issuer.js";
import { addNodeCAService } from "../ca/service.js";
import { serverCredentials, peerServerCredentials, managerChannelCredentials, MANAGER_TARGET_OPTIONS, type TlsIdentityProvider } from "../ca/tls.js";
import { addImageService, ImageAction } from "../image/distribution/service.js";
import type { RegistryAccess } from "../image/distribution/registries.js";
import type { ImageStore } from "../image/store.js";
import { shiftPort } from "../lib/addr.js";
import { ErrorCode, SwarmError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { RaftServerErrorCode } from "../raft/server/errors.js";
import { RaftServer } from "../raft/server/server.js";
import { protos } from "../rpc/services.js";
import type { ApplyOutcome } from "../store/memory.js";
import { Store } from "../store/store.js";
import { Access, authorizeCall } from "./authz/authz.js";
import { addControlService, managersOnly, type NodeView } from "./controlapi/server.js";
import type { ImagePinner } from "./controlapi/services.js";
import { Dispatcher } from "./dispatcher.js";
import { storeImagePinner } from "./images.js";
import { managerLeaderComponents } from "./leader-components.js";
import { LeaderRole } from "./leader/role.js";
import { LogBroker } from "./logbroker.js";
import { membershipHandlers } from "./membership.js";
import { storePeerDirectory } from "./raft-peers.js";
import { countReachable, QuorumLostError } from "./quorum.js";
import { liveReachability, storedReachability, type ReachabilityClock } from "./reachability.js";
import type { RoleManagerOptions } from "./roles.js";

/** How to start a manager. */
export interface ManagerOptions {
  readonly dataDir: string;
  readonly nodeId: string;
  readonly raftId: number;
  /** Cluster API listen address ("host:port"); Raft listens on the next port. */
  readonly listenAddr: string;
  /** Cluster API address others use ("host:port"). */
  readonly advertiseAddr: string;
  readonly tls: TlsIdentityProvider;
  /** Start a new one-member Raft group (init). */
  readonly bootstrap: boolean;
  /** Restart as the only Raft member, keeping the store (recovery after a permanent quorum loss). */
  readonly forceNewCluster?: boolean;
  /** Known Raft members (raft id → raft address), for a joining or restarting manager. */
  readonly peers?: ReadonlyMap<number, string>;
  readonly logger: Logger;
  /**
   * Run the reconcilers (orchestrators, updater, scheduler, reaper, allocator) while leading; default
   * true. Raft/store tests and benches turn them off.
   */
  readonly reconcilers?: boolean;
  /**
   * The manager's image store: service images are pinned to digests from it (pulling from their
   * registry first when missing), and it is served to workers that miss an image (mTLS, any node of
   * the cluster). Without one, service writes are refused.
   */
  readonly images?: ImageStore;
  /** Registries the manager pulls from over plain http (`--insecure-registry`). */
  readonly registries?: RegistryAccess;
  /** Cluster id (node certificates of other clusters are refused by the image service). */
  readonly clusterId?: string;
  /** Raft tick (ms); default: the Raft server's. */
  readonly tickMs?: number;
  /** Tuning of learner promotion (tests shorten it). */
  readonly roles?: RoleManagerOptions;
}

/** A running manager. */
export class Manager {
  readonly store: Store;
  /** Worker sessions: heartbeats, assignments, task status, routes. */
  readonly dispatcher: Dispatcher;
  /** Pins service images to digests from the manager's image store (undefined without one). */
  readonly pinImage: ImagePinner | undefined;
  /** The log broker (`service logs`): serves subscribers, nodes publish into it. */
  readonly logs: LogBroker;
  private constructor(
    readonly raft: RaftServer<ApplyOutcome>,
    store: Store,
    private readonly api: Server,
    dispatcher: Dispatcher,
    logs: LogBroker,
    pinImage: ImagePinner | undefined,
    private readonly o: ManagerOptions,
    private readonly clock: ReachabilityClock,
  ) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.logs = logs;
    this.pinImage = pinImage;
  }

  /** Starts Raft, the store on top of it, and the API listener. */
  static async start(o: ManagerOptions): Promise<Manager> {
    const log = o.logger.child({ component: "manager" });
    const ref: { raft?: RaftServer<ApplyOutcome> } = {};
    // Reachability: a member silent for two election timeouts (default 1 s) is unreachable.
    let leaderSince = 0;
    const clock: ReachabilityClock = { leaderSince: () => leaderSince, unreachableAfterMs: 2 * 10 * (o.tickMs ?? 50) };
    const leading = new LeaderRole(
      () => (ref.raft === undefined ? [] : managerLeaderComponents({ store, raft: ref.raft, clock, logger: o.logger, reconcilers: o.reconcilers !== false, ...(o.roles !== undefined ? { roles: o.roles } : {}) })),
      log,
    );
    const store = new Store({
      proposer: {
        propose: async (data) => {
          const raft = ref.raft;
          if (raft === undefined) throw new SwarmError(ErrorCode.Unavailable, "raft is not started");
          try {
            return await raft.propose(data);
          } catch (err) {
            if (err instanceof SwarmError && (err.code === RaftServerErrorCode.NoLeader || err.code === RaftServerErrorCode.Timeout) && raft.status().leader === 0) {
              // Only voters make a quorum: a learner still catching up is neither needed nor counted.
              const { members, id, confState } = raft.status();
              const voters = new Map([...members].filter(([m]) => confState.voters.includes(m)));
              throw new QuorumLostError(await countReachable(id, voters), voters.size, err);
            }
            throw err;
          }
        },
      },
    });
    const raft = await RaftServer.start<ApplyOutcome>({
      id: o.raftId,
      dataDir: `${o.dataDir}/raft`,
      listen: shiftPort(o.listenAddr, 1),
      advertise: shiftPort(o.advertiseAddr, 1),
      peers: o.peers ?? new Map(),
      ...(o.bootstrap ? { bootstrap: [o.raftId] } : {}),
      forceNewCluster: o.forceNewCluster === true,
      stateMachine: {
        apply: (index, data) => store.applyEntry(index, data),
        snapshot: () => store.snapshotBytes(),
        restore: (index, data) => store.restoreBytes(index, data),
      },
      ...(o.tickMs !== undefined ? { tickMs: o.tickMs } : {}),
      serverCredentials: peerServerCredentials(o.tls),
      channelCredentials: managerChannelCredentials(o.tls),
      peerDirectory: storePeerDirectory(store),
      onLeaderChange: (leader, isLeader) => {
        log.info({ leader, isLeader }, "raft leadership changed");
        leaderSince = isLeader ? Date.now() : 0;
        if (ref.raft !== undefined) void leading.set(isLeader);
      },
      logger: o.logger.child({ component: "raft" }),
    });
    ref.raft = raft;
    const self = raft;
    const leaderApiAddr = (): string => {
      const leader = self.status().leader;
      const node = store.view((tx) => tx.list("node").find((n) => n.managerStatus?.raftId === leader && leader !== 0));
      return node?.managerStatus?.addr ?? "";
    };
    const dispatcher = new Dispatcher({
      store,
      periodMs: () => {
        const cluster = store.view((tx) => tx.list("cluster")[0]);
        return Number(cluster?.spec?.dispatcher?.heartbeatPeriodMs ?? 5000) || 5000;
      },
      leadership: () => ({ isLeader: self.status().isLeader, leaderAddr: leaderApiAddr() }),
      managers: () => store.view((tx) => tx.list("node").flatMap((n) => (n.managerStatus?.addr ? [n.managerStatus.addr] : []))),
      logger: log,
    });
    const api = new Server();
    addNodeCAService(api, new NodeCertificateIssuer(store), (call) => authorizeCall(store, call, Access.Member));
    const view = liveNodeView(self, clock);
    const pinImage = o.images === undefined ? undefined : storeImagePinner(o.images, o.logger.child({ component: "images" }), o.registries);
    addControlService(api, store, managersOnly(store), { view, pin: pinImage });
    dispatcher.addTo(api);
    const logs = new LogBroker({
      store,
      leadership: () => ({ isLeader: self.status().isLeader, leaderAddr: leaderApiAddr() }),
      dialLeader: (addr) => new protos.logs.Logs(addr, managerChannelCredentials(o.tls), MANAGER_TARGET_OPTIONS),
      logger: log,
    });
    logs.addTo(api, managersOnly(store));
    // Images as every other entry point: who the caller is now (store), not what its certificate says.
    if (o.images !== undefined) addImageService(api, o.images, (call, action) => void authorizeCall(store, call, action === ImageAction.Push ? Access.Manager : Access.Member));
    api.addService(protos.membership.RaftMembership.service, membershipHandlers(self, store, leaderApiAddr, log));
    try {
      await new Promise<number>((resolve, reject) =>
        api.bindAsync(o.listenAddr, serverCredentials(o.tls), (err, port) => (err ? reject(new SwarmError(ErrorCode.Unavailable, `cannot listen on ${o.listenAddr}: ${err.message}`)) : resolve(port))),
      );
    } catch (err) {
      await raft.stop();
      throw err;
    }
    dispatcher.start();
    log.info({ listen: o.listenAddr, raftId: o.raftId }, "manager started");
    const manager = new Manager(raft, store, api, dispatcher, logs, pinImage, o, clock);
    manager.leading = leading;
    void leading.set(raft.status().isLeader);
    return manager;
  }

  /** Waits until this manager has a leader (or times out with a clear error). */
  async waitForLeader(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.raft.status().leader === 0) {
      if (Date.now() > deadline) throw new SwarmError(ErrorCode.Unavailable, `no Raft leader after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Node view with live manager status (leader, reachability), for the Control API. */
  get nodeView(): NodeView {
    return liveNodeView(this.raft, this.clock);
  }

  /** The API address of this manager. */
  get advertiseAddr(): string {
    return this.o.advertiseAddr;
  }

  private leading: LeaderRole | undefined;

  /** Stops the API, the monitor and Raft. Safe to call twice. */
  async stop(): Promise<void> {
    await this.leading?.set(false);
    this.dispatcher.stop();
    this.logs.stop();
    this.store.close();
    await new Promise<void>((resolve) => this.api.tryShutdown(() => resolve()));
    await this.raft.stop();
  }
}

/** Fills managerStatus.leader and reachability from this manager's Raft view (reachability.ts). */
function liveNodeView(raft: RaftServer<ApplyOutcome>, clock: ReachabilityClock): NodeView {
  return (node) => {
    const ms = node.managerStatus;
    if (ms == null || ms.raftId === 0) return node;
    const status = raft.status();
    const copy = structuredClone(node);
    const leader = status.leader !== 0 && ms.raftId === status.leader;
    const learner = status.confState.learners.includes(ms.raftId);
    copy.managerStatus = { ...ms, leader, learner, reachability: liveReachability(raft, clock, ms.raftId, storedReachability(node)) };
    return copy;
  };
}
