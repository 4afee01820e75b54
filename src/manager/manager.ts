/**
 * A manager: the Raft member that replicates the store, and the cluster API it serves on its TCP
 * listener (NodeCA for joins, Control for users and other managers, RaftMembership, Dispatcher),
 * all over mTLS. The Raft transport listens on its own port (API port + 1).
 */
import { Server } from "@grpc/grpc-js";
import type { ProtoGrpcType } from "../gen/membership.js";
import type { RaftMembershipHandlers } from "../gen/swarm/membership/RaftMembership.js";
import { ErrorCode, SwarmError, errorMessage } from "../lib/errors.js";
import { unaryHandler } from "../lib/grpc.js";
import type { Logger } from "../lib/logger.js";
import { loadProto } from "../lib/proto.js";
import { RaftServer } from "../raft/server/server.js";
import { Store } from "../store/store.js";
import type { ApplyOutcome } from "../store/memory.js";
import { NodeRole } from "./ca/certs.js";
import { NodeCertificateIssuer } from "./ca/issuer.js";
import { addNodeCAService } from "./ca/service.js";
import { requireRole, serverCredentials, managerChannelCredentials, MANAGER_TARGET_OPTIONS, type TlsIdentityProvider } from "./ca/tls.js";
import { LogBroker, logsProto } from "./logbroker.js";
import { addControlService, managersOnly, type NodeView } from "./controlapi/service.js";
import type { ImagePinner } from "./controlapi/services.js";
import { NodeMonitor } from "./dispatcher.js";
import { NotLeaderError, type LeaderComponent } from "./leader.js";
import { countReachable, QuorumLostError } from "./quorum.js";
import { RoleManager, type RoleManagerOptions } from "./roles.js";
import { liveReachability, ReachabilityRecorder, storedReachability, type ReachabilityClock } from "./reachability.js";
import type { ImageStore } from "../image/store.js";
import { addImageService, tlsImagePolicy } from "../image/distribution/service.js";
import { RaftServerErrorCode } from "../raft/server/errors.js";
import { DropReason, ProposalDroppedError } from "../raft/core/index.js";

/** The loaded membership.proto package. */
export const membershipProto = loadProto<ProtoGrpcType>("membership.proto").swarm.membership;

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
  /** Builds the leader-only components; they start when this manager becomes leader and stop when it steps down. */
  readonly leaderComponents?: (store: Store, logger: Logger) => LeaderComponent[];
  /** The manager's image store, served to workers that miss an image (mTLS, any node of the cluster). */
  readonly images?: ImageStore;
  /** Cluster id (node certificates of other clusters are refused by the image service). */
  readonly clusterId?: string;
  /** Pins service images to digests (from the manager's image store). */
  readonly pinImage?: ImagePinner;
  /** Raft tick (ms); default: the Raft server's. */
  readonly tickMs?: number;
  /** Tuning of learner promotion (tests shorten it). */
  readonly roles?: RoleManagerOptions;
}

/** "host:port" with the port shifted by `delta` (the Raft port is the API port + 1). */
export function shiftPort(addr: string, delta: number): string {
  const i = addr.lastIndexOf(":");
  const port = Number(addr.slice(i + 1));
  if (i < 0 || !Number.isInteger(port)) throw new SwarmError(ErrorCode.InvalidArgument, `address "${addr}" has no port`);
  return `${addr.slice(0, i)}:${port + delta}`;
}

/** A running manager. */
export class Manager {
  readonly store: Store;
  readonly monitor: NodeMonitor;
  /** The log broker (`service logs`): serves subscribers, nodes publish into it. */
  readonly logs: LogBroker;
  private constructor(
    readonly raft: RaftServer<ApplyOutcome>,
    store: Store,
    private readonly api: Server,
    monitor: NodeMonitor,
    logs: LogBroker,
    private readonly o: ManagerOptions,
    private readonly clock: ReachabilityClock,
  ) {
    this.store = store;
    this.monitor = monitor;
    this.logs = logs;
  }

  /** Starts Raft, the store on top of it, and the API listener. */
  static async start(o: ManagerOptions): Promise<Manager> {
    const log = o.logger.child({ component: "manager" });
    const ref: { raft?: RaftServer<ApplyOutcome> } = {};
    // Reachability: a member silent for two election timeouts (default 1 s) is unreachable.
    let leaderSince = 0;
    const clock: ReachabilityClock = { leaderSince: () => leaderSince, unreachableAfterMs: 2 * 10 * (o.tickMs ?? 50) };
    const leading = new LeaderRole(
      () => (ref.raft === undefined ? [] : [new RoleManager(store, ref.raft, log, { silentAfterMs: clock.unreachableAfterMs, ...o.roles }), new ReachabilityRecorder(store, ref.raft, clock, log), ...(o.leaderComponents?.(store, o.logger) ?? [])]),
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
      serverCredentials: serverCredentials(o.tls),
      channelCredentials: managerChannelCredentials(o.tls),
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
    const monitor = new NodeMonitor({
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
    addNodeCAService(api, new NodeCertificateIssuer(store));
    const view = liveNodeView(self, clock);
    addControlService(api, store, managersOnly, { view, pin: o.pinImage });
    monitor.addTo(api);
    const logs = new LogBroker({
      store,
      leadership: () => ({ isLeader: self.status().isLeader, leaderAddr: leaderApiAddr() }),
      dialLeader: (addr) => new logsProto.Logs(addr, managerChannelCredentials(o.tls), MANAGER_TARGET_OPTIONS),
      logger: log,
    });
    logs.addTo(api, managersOnly);
    if (o.images !== undefined) addImageService(api, o.images, tlsImagePolicy(o.clusterId || undefined));
    api.addService(membershipProto.RaftMembership.service, membershipHandlers(self, store, leaderApiAddr, log));
    try {
      await new Promise<number>((resolve, reject) =>
        api.bindAsync(o.listenAddr, serverCredentials(o.tls), (err, port) => (err ? reject(new SwarmError(ErrorCode.Unavailable, `cannot listen on ${o.listenAddr}: ${err.message}`)) : resolve(port))),
      );
    } catch (err) {
      await raft.stop();
      throw err;
    }
    monitor.start();
    log.info({ listen: o.listenAddr, raftId: o.raftId }, "manager started");
    const manager = new Manager(raft, store, api, monitor, logs, o, clock);
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
    this.monitor.stop();
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

/** How long the Join handler retries while another membership change is still being applied. */
const JOIN_CONF_CHANGE_RETRY_MS = 10_000;

function membershipHandlers(raft: RaftServer<ApplyOutcome>, store: Store, leaderApiAddr: () => string, log: Logger): RaftMembershipHandlers {
  return {
    Join: unaryHandler(async (req, call) => {
      const caller = requireRole(call, [NodeRole.Manager]);
      if (!raft.status().isLeader) throw new NotLeaderError(leaderApiAddr());
      if (!Number.isSafeInteger(req.raftId) || req.raftId <= 0) throw new SwarmError(ErrorCode.InvalidArgument, `raftId: ${req.raftId} is not a positive integer`);
      // A joiner starts as a LEARNER: it replicates the log (a snapshot, then appends) without voting or
      // counting for quorum, so the leader keeps committing and CheckQuorum cannot depose it while the
      // newcomer starts up and catches up. The role manager promotes it to voter once it has caught up.
      if (!raft.status().members.has(req.raftId)) {
        log.info({ nodeId: caller.nodeId, raftId: req.raftId, raftAddr: req.raftAddr }, "adding manager to raft as a learner");
        await addLearnerWhenFree(raft, req.raftId, req.raftAddr);
      }
      // The store names the member before the joiner starts, so whoever leads can finish its promotion.
      await store.updateWithRetry((tx) => {
        const node = tx.get("node", caller.nodeId);
        if (node === undefined) return;
        const next = structuredClone(node);
        next.managerStatus = { raftId: req.raftId, addr: req.apiAddr, leader: false, learner: false, reachability: "REACHABLE" };
        tx.update("node", next);
      });
      return { members: [...raft.status().members].map(([raftId, raftAddr]) => ({ raftId, raftAddr })) };
    }),
  };
}

/** Adds a learner, waiting (bounded) while an earlier membership change is still pending. */
async function addLearnerWhenFree(raft: RaftServer<ApplyOutcome>, raftId: number, raftAddr: string): Promise<void> {
  const deadline = Date.now() + JOIN_CONF_CHANGE_RETRY_MS;
  for (;;) {
    try {
      await raft.addMember(raftId, raftAddr, { learner: true });
      return;
    } catch (err) {
      const pending = err instanceof Error && err.cause instanceof ProposalDroppedError && err.cause.reason === DropReason.ConfChangePending;
      if (!pending || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Starts the leader-only components on gaining leadership and stops them on losing it, one change at a time. */
class LeaderRole {
  private running: LeaderComponent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private want = false;

  constructor(
    private readonly build: () => LeaderComponent[],
    private readonly log: Logger,
  ) {}

  set(isLeader: boolean): Promise<void> {
    this.want = isLeader;
    this.chain = this.chain.then(async () => {
      if (this.want && this.running.length === 0) {
        this.running = this.build();
        for (const c of this.running) c.start();
        if (this.running.length > 0) this.log.info({ components: this.running.length }, "leader components started");
      } else if (!this.want && this.running.length > 0) {
        const stopping = this.running;
        this.running = [];
        await Promise.all(stopping.map(async (c) => c.stop()));
        this.log.info("leader components stopped");
      }
    }).catch((err: unknown) => this.log.error({ err: errorMessage(err) }, "leader components failed to change state"));
    return this.chain;
  }
}
