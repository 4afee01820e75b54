/**
 * The network map the dispatcher streams to every node (Dispatcher.Routes): overlay peers (node id,
 * underlay IP, task subnet) and, per service with published ports, its routable tasks. `buildRoutes`
 * is pure over a store view; `streamRoutes` sends the complete map at once and again after every
 * relevant store change (coalesced), until leadership is lost.
 */
import type { ServerWritableStream } from "@grpc/grpc-js";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { RoutesMessage } from "../gen/swarm/dispatcher/RoutesMessage.js";
import type { RoutesRequest__Output } from "../gen/swarm/dispatcher/RoutesRequest.js";
import { failStream } from "../rpc/grpc.js";
import type { ReadTx, Store } from "../store/store.js";
import { nodeUnderlayIp, taskOverlayAddress } from "./allocator/network-allocator.js";
import { Access, authorizeCall } from "./authz/authz.js";
import { NotLeaderError } from "../rpc/leader.js";

/** A task the mesh may send connections to: wanted and observed RUNNING, not starting/unhealthy, addressed. */
export function isRoutable(t: Task__Output): boolean {
  const health = t.status?.health ?? "NO_HEALTHCHECK";
  return t.desiredState === "RUNNING" && t.status?.state === "RUNNING" && (health === "HEALTHY" || health === "NO_HEALTHCHECK") && taskOverlayAddress(t) !== undefined;
}

/** The complete network map as the store holds it now. */
export function buildRoutes(tx: ReadTx): RoutesMessage {
  const nodes = tx.list("node");
  const down = new Set(nodes.filter((n) => n.status?.state === "DOWN").map((n) => n.id));
  const peers = nodes.map((n) => ({ nodeId: n.id, addr: nodeUnderlayIp(n), taskSubnet: n.taskSubnet })).filter((p) => p.addr !== "");
  const byService = new Map<string, Task__Output[]>();
  for (const t of tx.list("task")) {
    if (!isRoutable(t) || down.has(t.nodeId)) continue;
    const list = byService.get(t.serviceId);
    if (list === undefined) byService.set(t.serviceId, [t]);
    else list.push(t);
  }
  const services = tx
    .list("service")
    .filter((s) => !s.pendingDelete && (s.endpoint?.ports ?? s.spec?.endpoint?.ports ?? []).some((p) => p.publishedPort !== 0))
    .map((s) => ({
      serviceId: s.id,
      ports: (s.endpoint?.ports ?? s.spec?.endpoint?.ports ?? []).filter((p) => p.publishedPort !== 0),
      backends: (byService.get(s.id) ?? []).sort((a, b) => (a.id < b.id ? -1 : 1)).map((t) => ({ taskId: t.id, nodeId: t.nodeId, addr: taskOverlayAddress(t) ?? "" })),
    }));
  return { peers, services };
}

/** Options of {@link streamRoutes}. */
export interface RoutesStreamOptions {
  readonly store: Store;
  readonly leadership: () => { isLeader: boolean; leaderAddr: string };
  /** Coalescing delay after a change before the next map is sent; default 20 ms. */
  readonly coalesceMs?: number;
}

/** Serves one Routes call; see the module comment. */
export function streamRoutes(call: ServerWritableStream<RoutesRequest__Output, RoutesMessage>, o: RoutesStreamOptions): void {
  try {
    authorizeCall(o.store, call, Access.Member);
    const { isLeader, leaderAddr } = o.leadership();
    if (!isLeader) throw new NotLeaderError(leaderAddr);
  } catch (err) {
    failStream(call, err);
    return;
  }
  const [initial, watcher] = o.store.viewAndWatch((tx) => buildRoutes(tx), {
    filter: (e) => e.kind === "node" || e.kind === "task" || e.kind === "service",
  });
  let last = JSON.stringify(initial);
  call.write(initial);
  let timer: NodeJS.Timeout | undefined;
  const send = (): void => {
    timer = undefined;
    const next = o.store.view((tx) => buildRoutes(tx));
    const text = JSON.stringify(next);
    if (text === last) return;
    last = text;
    call.write(next);
  };
  const leadership = setInterval(() => {
    if (!o.leadership().isLeader) {
      finish();
      failStream(call, new NotLeaderError(o.leadership().leaderAddr));
    }
  }, 500);
  const finish = (): void => {
    clearInterval(leadership);
    if (timer !== undefined) clearTimeout(timer);
    watcher.close();
  };
  call.on("cancelled", finish);
  call.on("close", finish);
  void (async () => {
    try {
      for await (const _e of watcher) timer ??= setTimeout(send, o.coalesceMs ?? 20);
      call.end();
    } catch (err) {
      failStream(call, err);
    } finally {
      finish();
    }
  })();
}
