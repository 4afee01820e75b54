/**
 * UDP forwarding for one published port: per client flow (source address:port) one socket to the
 * chosen backend; replies from that backend are relayed back to the client from the listener's
 * socket; a flow idle longer than the idle timeout is closed.
 *
 * Flows are bounded (limits.ts): per source IP (beyond it a source's new flows are dropped), per
 * port and by the mesh's descriptor budget — at those the least recently used flow is closed to
 * make room. A spoofed-source flood opens flows that are used once; a real client's flow is used
 * again and again, so it stays at the recent end and keeps getting answers.
 */
import { createSocket, type RemoteInfo, type Socket as DgramSocket } from "node:dgram";
import { isIPv6 } from "node:net";
import type { Logger } from "../lib/logger.js";
import { FDS_PER_UDP, type MeshLedger } from "./limits.js";
import type { BackendCounters } from "./metrics.js";
import { encodeProxyV2 } from "./proxy-protocol.js";
import type { Route, RouteBackend } from "./table.js";

/** What a UDP relay needs from its engine. */
export interface UdpRelayContext {
  /** The current route of this port (it changes with the table); undefined once removed. */
  route(): Route | undefined;
  pick(route: Route): RouteBackend | undefined;
  counters(route: Route, backend: RouteBackend): BackendCounters;
  readonly idleTimeoutMs: number;
  /** The listener's key (`udp/5353`) in the ledger. */
  readonly key: string;
  /** Caps and descriptor budget shared by every listener of the mesh. */
  readonly ledger: MeshLedger;
  readonly now: () => number;
  readonly logger: Logger;
}

interface Flow {
  readonly clientAddress: string;
  readonly clientPort: number;
  readonly backend: RouteBackend;
  readonly counters: BackendCounters;
  readonly upstream: DgramSocket;
  lastSeen: number;
}

/** A warning about evicted/dropped flows is logged at most this often. */
const PRESSURE_LOG_MS = 10_000;

/** Relays the datagrams arriving on `listener` (already bound). */
export class UdpRelay {
  /** In least-recently-used order: a datagram moves its flow to the end. */
  private readonly flows = new Map<string, Flow>();
  private readonly sweeper: NodeJS.Timeout;
  /** Flows closed to make room, and datagrams dropped, since the relay started. */
  private readonly pressure = { evicted: 0, dropped: 0, loggedAt: -Infinity, loggedEvicted: 0, loggedDropped: 0 };

  constructor(
    private readonly listener: DgramSocket,
    private readonly ctx: UdpRelayContext,
  ) {
    listener.on("message", (msg, rinfo) => this.onClientDatagram(msg, rinfo));
    // An 'error' (a failed receive) without a listener would end swarmd. Failed sends of replies
    // (a forged source with no route) are dropped by Node without one. The socket stays bound.
    listener.on("error", (err) => ctx.logger.debug({ key: ctx.key, err: err.message }, "udp listener error"));
    const every = Math.max(10, Math.min(1000, Math.floor(ctx.idleTimeoutMs / 2)));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  /** Number of live flows. */
  get flowCount(): number {
    return this.flows.size;
  }

  /** Flows evicted to make room and datagrams dropped by a cap, so far. */
  get pressureCounts(): { readonly evicted: number; readonly dropped: number } {
    return { evicted: this.pressure.evicted, dropped: this.pressure.dropped };
  }

  /** Closes every flow and the listener socket. */
  close(): void {
    clearInterval(this.sweeper);
    for (const key of [...this.flows.keys()]) this.closeFlow(key);
    this.listener.close();
  }

  private onClientDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    const route = this.ctx.route();
    if (route === undefined) return;
    const key = `${rinfo.address}|${rinfo.port}`;
    let flow = this.flows.get(key);
    // A flow whose backend left the table or whose node died is re-routed; a draining backend keeps
    // its existing flows until they go idle (that is what draining means).
    if (flow !== undefined && !stillUsable(route, flow.backend)) {
      this.closeFlow(key);
      flow = undefined;
    }
    if (flow === undefined) {
      const backend = this.ctx.pick(route);
      if (backend === undefined || !this.makeRoom(rinfo.address)) return;
      flow = this.openFlow(key, route, backend, rinfo);
    } else {
      this.flows.delete(key);
      this.flows.set(key, flow);
    }
    flow.lastSeen = this.ctx.now();
    flow.counters.bytesIn += msg.length;
    const pp = route.port.proxyProtocol ?? "none";
    const payload =
      pp === "v2"
        ? Buffer.concat([
            encodeProxyV2(
              {
                sourceAddress: rinfo.address,
                sourcePort: rinfo.port,
                destinationAddress: this.listener.address().address,
                destinationPort: this.listener.address().port,
              },
              "udp",
            ),
            msg,
          ])
        : msg;
    flow.upstream.send(payload, flow.backend.port, flow.backend.addr);
  }

  /** Asks the ledger for a new flow of `source`; evicts the least recently used flow if told to. */
  private makeRoom(source: string): boolean {
    const verdict = this.ctx.ledger.udpVerdict(this.ctx.key, source);
    if (verdict === "evict-oldest") {
      const oldest = this.flows.keys().next();
      if (!oldest.done) this.closeFlow(oldest.value);
      this.pressure.evicted++;
    } else if (verdict !== "admit") {
      this.pressure.dropped++;
    }
    this.logPressure(verdict);
    return verdict === "admit" || verdict === "evict-oldest";
  }

  private logPressure(verdict: ReturnType<MeshLedger["udpVerdict"]>): void {
    const p = this.pressure;
    if (verdict === "admit" || this.ctx.now() - p.loggedAt < PRESSURE_LOG_MS) return;
    this.ctx.logger.warn(
      { key: this.ctx.key, cap: verdict === "evict-oldest" ? "port or budget" : verdict.refused, evicted: p.evicted - p.loggedEvicted, dropped: p.dropped - p.loggedDropped, flows: this.flows.size, limits: this.ctx.ledger.limits },
      "udp flows at a cap: evicting the least recently used, dropping sources over theirs",
    );
    p.loggedAt = this.ctx.now();
    p.loggedEvicted = p.evicted;
    p.loggedDropped = p.dropped;
  }

  private openFlow(key: string, route: Route, backend: RouteBackend, rinfo: RemoteInfo): Flow {
    const upstream = createSocket(isIPv6(backend.addr) ? "udp6" : "udp4");
    const counters = this.ctx.counters(route, backend);
    counters.active++;
    counters.total++;
    this.ctx.ledger.add(this.ctx.key, rinfo.address, FDS_PER_UDP);
    const flow: Flow = { clientAddress: rinfo.address, clientPort: rinfo.port, backend, counters, upstream, lastSeen: this.ctx.now() };
    upstream.on("message", (reply, from) => {
      if (from.port !== backend.port) return;
      flow.lastSeen = this.ctx.now();
      counters.bytesOut += reply.length;
      this.listener.send(reply, flow.clientPort, flow.clientAddress);
    });
    upstream.on("error", (err) => {
      counters.failures++;
      this.ctx.logger.debug({ backend: backend.id, err: err.message }, "udp flow error");
      this.closeFlow(key);
    });
    this.flows.set(key, flow);
    return flow;
  }

  private closeFlow(key: string): void {
    const flow = this.flows.get(key);
    if (flow === undefined) return;
    this.flows.delete(key);
    flow.counters.active--;
    this.ctx.ledger.remove(this.ctx.key, flow.clientAddress, FDS_PER_UDP);
    try {
      flow.upstream.close();
    } catch {
      // already closed after an error
    }
  }

  private sweep(): void {
    const deadline = this.ctx.now() - this.ctx.idleTimeoutMs;
    for (const [key, flow] of this.flows) if (flow.lastSeen <= deadline) this.closeFlow(key);
  }
}

function stillUsable(route: Route, b: RouteBackend): boolean {
  if (route.eligible.some((e) => e.id === b.id && e.serviceId === b.serviceId)) return true;
  // Not eligible: keep it only while it is merely draining (still in the table, node alive).
  return !route.deadNodes.has(b.nodeId) && route.all.some((e) => e.id === b.id && e.serviceId === b.serviceId);
}
