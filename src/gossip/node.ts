/**
 * GossipNode: the I/O shell around the pure GossipCore — one UDP socket and one TCP listener on the
 * same port, optional AES-GCM encryption, size limits, a timer that wakes the core at its deadline,
 * and a typed async event stream. Bad input (oversize, unauthenticated, malformed) is dropped and
 * counted; nothing a peer sends can crash the node.
 *
 * Lifecycle: `GossipNode.start()` → `join()` → … → `leave()` then `close()` (graceful) or
 * `destroy()` (at once). Both are safe to call twice; `closed` settles when the sockets are gone.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import { randomInt } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Logger } from "../lib/logger.js";
import { componentLogger, silentLogger } from "../lib/logger.js";
import { errorMessage } from "../lib/errors.js";
import { Prng } from "../lib/prng.js";
import type { NodeMeta } from "../gen/swarm/gossip/NodeMeta.js";
import type { Packet, Packet__Output } from "../gen/swarm/gossip/Packet.js";
import { decodePacket, encodePacket } from "./codec.js";
import type { GossipTuning, Profile } from "./config.js";
import { GossipCore } from "./core.js";
import { EventStream } from "./event-stream.js";
import { PacketSealer, ReplayGuard } from "./envelope.js";
import { GOSSIP_KEY_GRACE_MS } from "./key-rotation.js";
import { ENCRYPTION_OVERHEAD, Keyring } from "./keyring.js";
import { exchange, frame, FrameReader } from "./tcp-frame.js";
import type { CoreCounters, CoreOutput, GossipEvent, Member } from "./types.js";

/** Options of a gossip node. */
export interface GossipNodeOptions {
  readonly name: string;
  /** Address to bind (UDP and TCP), default 0.0.0.0. */
  readonly bindHost?: string;
  /** Port to bind; 0 picks a free port (UDP and TCP then share the TCP listener's port). */
  readonly bindPort: number;
  /** Host peers should use; default bindHost. */
  readonly advertiseHost?: string;
  readonly meta?: NodeMeta;
  readonly profile?: Profile;
  readonly tuning?: Partial<GossipTuning>;
  /** Encryption keys, primary first; none = plaintext cluster. Keys after the first get the grace below. */
  readonly keys?: readonly Uint8Array[];
  /** How long a key is still accepted once it is no longer the primary (default GOSSIP_KEY_GRACE_MS). */
  readonly keyGraceMs?: number;
  readonly logger?: Logger;
  /** Monotonic clock in ms (injected for tests); default wall-anchored performance.now. */
  readonly clock?: () => number;
  /** Uniform random numbers in [0,1); default a crypto-seeded generator. */
  readonly random?: () => number;
}

/** Transport counters (on top of the core's). */
export interface TransportCounters {
  udpPacketsSent: number;
  udpBytesSent: number;
  udpPacketsReceived: number;
  udpBytesReceived: number;
  tcpBytesSent: number;
  tcpBytesReceived: number;
  droppedOversize: number;
  droppedUnauthenticated: number;
  droppedMalformed: number;
  tcpRejected: number;
  /** TCP connections closed at once because the total or per-address cap was reached. */
  tcpCapped: number;
  /** Authenticated packets dropped as replays (repeated, too old, or from a sender's past epoch). */
  droppedReplayed: number;
  sendErrors: number;
}

/** Everything counted, for metrics endpoints. */
export interface GossipMetrics extends TransportCounters, CoreCounters {
  awareness: number;
  members: number;
  eventsDropped: number;
}

/** Largest datagram accepted (our packets are ≤ packetBudgetBytes + crypto overhead). */
export const MAX_UDP_BYTES = 2048;
/** Largest TCP frame accepted (a push-pull with a few thousand members). */
export const MAX_TCP_FRAME_BYTES = 4 * 1024 * 1024;
/** Largest TCP hello (the first frame: an envelope and a size, sealed). */
export const MAX_TCP_HELLO_BYTES = 1024;
/** Time a connection gets to deliver its hello; honest peers send it with the connect. */
export const TCP_HELLO_TIMEOUT_MS = 2000;
/**
 * Concurrent inbound gossip TCP connections at most, in total and per source address. A member
 * needs one at a time per push-pull or fallback probe; a flood from one address leaves room for the rest.
 */
export const MAX_TCP_CONNECTIONS = 128;
export const MAX_TCP_CONNECTIONS_PER_ADDRESS = 8;

/** Log lines about dropped packets per minute at most (the counters count them all). */
const DROP_WARNINGS_PER_MINUTE = 20;

/** One gossip member on real sockets. */
export class GossipNode {
  /** Address peers use ("host:port"). */
  readonly addr: string;
  /** Settles when the node has stopped. */
  readonly closed: Promise<void>;
  /** Installed encryption keys (undefined for a plaintext cluster). */
  readonly keyring: Keyring | undefined;

  private readonly core: GossipCore;
  private readonly udp: UdpSocket;
  private readonly tcp: Server;
  private readonly log: Logger;
  private readonly clock: () => number;
  private readonly events = new EventStream();
  private readonly counters: TransportCounters = {
    udpPacketsSent: 0, udpBytesSent: 0, udpPacketsReceived: 0, udpBytesReceived: 0, tcpBytesSent: 0, tcpBytesReceived: 0,
    droppedOversize: 0, droppedUnauthenticated: 0, droppedMalformed: 0, tcpRejected: 0, tcpCapped: 0, droppedReplayed: 0, sendErrors: 0,
  };
  private readonly connections = new Set<Socket>();
  private readonly connectionsPerAddress = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerDue: number | undefined;
  private stopped = false;
  private resolveClosed: () => void = () => undefined;
  private readonly pendingPushPull = new Map<number, (ok: boolean) => void>();
  private readonly sealer: PacketSealer;
  private readonly replayGuard = new ReplayGuard();
  private readonly dropLog = new Map<string, { since: number; lines: number }>();
  private readonly keyGraceMs: number;

  private constructor(options: GossipNodeOptions, udp: UdpSocket, tcp: Server, port: number) {
    this.udp = udp;
    this.tcp = tcp;
    // Monotonic, but anchored to the wall clock at process start: members on NTP-synced hosts agree
    // on probe round numbers (see the probe schedule in probe.ts).
    this.clock = options.clock ?? (() => performance.timeOrigin + performance.now());
    this.log = options.logger === undefined ? silentLogger() : componentLogger(options.logger, "gossip", { node: options.name });
    const host = options.advertiseHost ?? options.bindHost ?? "127.0.0.1";
    this.addr = `${host}:${port}`;
    this.keyring = options.keys !== undefined && options.keys.length > 0
      ? new Keyring(options.keys[0] as Uint8Array, options.keys.slice(1))
      : undefined;
    this.keyGraceMs = options.keyGraceMs ?? GOSSIP_KEY_GRACE_MS;
    if (options.keys !== undefined) this.keyring?.sync(options.keys, this.clock(), this.keyGraceMs);
    this.core = new GossipCore(
      { name: options.name, addr: this.addr, meta: options.meta, profile: options.profile, tuning: options.tuning },
      options.random ?? new Prng(randomInt(0, 2 ** 31)).fn(),
    );
    // The epoch is the wall clock at start, so a restarted member's packets are newer than its old ones.
    this.sealer = new PacketSealer(options.name, Date.now());
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    udp.on("message", (msg, rinfo) => this.onDatagram(msg, `${rinfo.address}:${rinfo.port}`));
    udp.on("error", (err) => this.log.warn({ err: errorMessage(err) }, "gossip udp socket error"));
    tcp.on("connection", (socket) => this.onConnection(socket));
    tcp.on("error", (err) => this.log.warn({ err: errorMessage(err) }, "gossip tcp listener error"));
  }

  /** Binds the sockets and starts the protocol. */
  static async start(options: GossipNodeOptions): Promise<GossipNode> {
    const host = options.bindHost ?? "0.0.0.0";
    const tcp = createServer();
    await new Promise<void>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen({ host, port: options.bindPort, exclusive: true }, () => {
        tcp.off("error", reject);
        resolve();
      });
    });
    const address = tcp.address();
    const port = typeof address === "object" && address !== null ? address.port : options.bindPort;
    const udp = createSocket({ type: "udp4" });
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once("error", reject);
        udp.bind({ address: host, port, exclusive: true }, () => {
          udp.off("error", reject);
          resolve();
        });
      });
    } catch (err) {
      tcp.close();
      throw err;
    }
    const node = new GossipNode(options, udp, tcp, port);
    node.core.start(node.clock());
    node.pump();
    return node;
  }

  /** This member's name. */
  get name(): string {
    return this.core.name;
  }

  /** Push-pulls with each seed address; resolves with how many answered. */
  async join(addrs: readonly string[]): Promise<number> {
    const ids = this.core.join(this.clock(), addrs);
    const results = ids.map((id) => new Promise<boolean>((resolve) => this.pendingPushPull.set(id, resolve)));
    this.pump();
    return (await Promise.all(results)).filter(Boolean).length;
  }

  /** Every known member (ourselves included), with its status. */
  members(): Member[] {
    return this.core.membersView();
  }

  /** A new subscription to membership and user-message events. */
  subscribe(signal?: AbortSignal): AsyncIterable<GossipEvent> {
    return this.events.subscribe(signal);
  }

  /** Replaces our metadata (role, addresses, labels) and spreads it. */
  updateMeta(meta: NodeMeta): void {
    this.core.updateMeta(meta);
    this.pump();
  }

  /** Spreads an application message to every member. */
  sendUserMessage(payload: Uint8Array): void {
    this.core.sendUserMessage(payload);
    this.pump();
  }

  /**
   * Adopts the cluster's current key list (sending key first, from the managers): the first key is
   * used at once, the others are accepted until their grace ends. No-op for a plaintext node.
   */
  setKeys(keys: readonly Uint8Array[]): void {
    if (this.keyring === undefined || this.stopped) return;
    if (this.keyring.sync(keys, this.clock(), this.keyGraceMs)) this.log.info({ keys: keys.length, graceMs: this.keyGraceMs }, "gossip key rotated: sending with the new key");
    this.expireKeys();
  }

  /** Counters and gauges. */
  metrics(): GossipMetrics {
    const live = this.core.membersView().filter((m) => m.status === "alive" || m.status === "suspect").length;
    return { ...this.counters, ...this.core.counters, awareness: this.core.awarenessScore, members: live, eventsDropped: this.events.dropped };
  }

  /** Announces a graceful leave and waits (up to `timeoutMs`) until the news has been sent. */
  async leave(timeoutMs = 2000): Promise<void> {
    if (this.stopped) return;
    this.core.leave(this.clock());
    this.pump();
    const deadline = Date.now() + timeoutMs;
    while (this.core.pendingBroadcasts > 0 && Date.now() < deadline && !this.stopped) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Graceful stop: leave, then close the sockets. */
  async close(): Promise<void> {
    await this.leave();
    this.destroy();
    await this.closed;
  }

  /** Immediate stop: sockets closed, no goodbye. */
  destroy(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const socket of this.connections) socket.destroy();
    for (const resolve of this.pendingPushPull.values()) resolve(false);
    this.pendingPushPull.clear();
    this.events.end();
    let open = 2;
    const done = (): void => {
      if (--open === 0) this.resolveClosed();
    };
    this.udp.close(done);
    this.tcp.close(done);
  }

  // ---- input paths --------------------------------------------------------------------------

  private onDatagram(msg: Buffer, from: string): void {
    if (this.stopped) return;
    this.counters.udpPacketsReceived++;
    this.counters.udpBytesReceived += msg.length;
    if (msg.length > MAX_UDP_BYTES) {
      this.counters.droppedOversize++;
      return;
    }
    const packet = this.openFrame(msg);
    if (packet === undefined) return;
    this.core.handlePacket(this.clock(), from, packet);
    this.pump();
  }

  private onConnection(socket: Socket): void {
    socket.on("error", () => undefined);
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const source = socket.remoteAddress ?? "";
    const fromSource = this.connectionsPerAddress.get(source) ?? 0;
    if (this.connections.size >= MAX_TCP_CONNECTIONS || fromSource >= MAX_TCP_CONNECTIONS_PER_ADDRESS) {
      // Closed, not refused: a refusal would tell the peer's prober that this process is gone.
      this.counters.tcpCapped++;
      this.warnDrop("tcp-capped", { source, open: this.connections.size, fromSource });
      socket.destroy();
      return;
    }
    this.connections.add(socket);
    this.connectionsPerAddress.set(source, fromSource + 1);
    socket.once("close", () => {
      this.connections.delete(socket);
      const left = (this.connectionsPerAddress.get(source) ?? 1) - 1;
      if (left <= 0) this.connectionsPerAddress.delete(source);
      else this.connectionsPerAddress.set(source, left);
    });
    this.serveConnection(socket).catch(() => {
      this.counters.tcpRejected++;
      socket.destroy();
    });
  }

  /** Hello (small, authenticated, quick) → request (up to the size the hello announced) → reply. */
  private async serveConnection(socket: Socket): Promise<void> {
    const reader = new FrameReader(socket);
    const helloBytes = await reader.next(MAX_TCP_HELLO_BYTES, Math.min(TCP_HELLO_TIMEOUT_MS, this.core.tuning.tcpTimeoutMs));
    this.counters.tcpBytesReceived += helloBytes.length + 4;
    const hello = this.openFrame(helloBytes);
    if (hello === undefined || hello.nextFrameBytes < 1 || hello.nextFrameBytes > MAX_TCP_FRAME_BYTES || hello.messages.length > 0) {
      throw new Error("gossip tcp: no valid hello");
    }
    const request = await reader.next(hello.nextFrameBytes, this.core.tuning.tcpTimeoutMs);
    this.counters.tcpBytesReceived += request.length + 4;
    const packet = this.openFrame(request);
    if (packet === undefined || this.stopped) throw new Error("gossip tcp: request refused");
    const now = this.clock();
    const isPing = packet.messages.some((m) => m.body === "ping");
    const reply = isPing ? this.core.handleTcpPing(now, packet) : this.core.handlePushPullRequest(now, packet);
    this.pump();
    if (reply === undefined) {
      socket.destroy();
      return;
    }
    const bytes = this.sealFrame(reply);
    this.counters.tcpBytesSent += bytes.length + 4;
    socket.end(frame(bytes));
  }

  /** Decrypts (when keyed) and decodes; counts and returns undefined on any failure. */
  private openFrame(bytes: Buffer): Packet__Output | undefined {
    let plain: Uint8Array = bytes;
    if (this.keyring !== undefined) {
      this.expireKeys();
      const opened = this.keyring.decrypt(bytes);
      if (opened === undefined) {
        this.counters.droppedUnauthenticated++;
        this.warnDrop("unauthenticated", {});
        return undefined;
      }
      plain = opened;
    }
    const decoded = decodePacket(plain);
    if (!decoded.ok) {
      this.counters.droppedMalformed++;
      return undefined;
    }
    const verdict = this.replayGuard.check(decoded.packet);
    if (verdict !== "accepted") {
      this.counters.droppedReplayed++;
      this.warnDrop("replayed", { sender: decoded.packet.sender, epoch: decoded.packet.epoch, seq: decoded.packet.seq, verdict });
      return undefined;
    }
    return decoded.packet;
  }

  /** Drops keys whose grace ended (checked before every decryption, so expiry is exact). */
  private expireKeys(): void {
    const removed = this.keyring?.expire(this.clock()) ?? 0;
    if (removed > 0) this.log.info({ removed, keys: this.keyring?.list().length }, "gossip key retired: packets sealed with it are refused from now on");
  }

  /**
   * Logs a dropped packet an attacker may have sent — at most DROP_WARNINGS_PER_MINUTE lines a minute
   * per reason, so a flood cannot flood the log too (nor hide another reason); the counters count every drop.
   */
  private warnDrop(reason: "unauthenticated" | "replayed" | "tcp-capped", detail: Record<string, unknown>): void {
    const now = Date.now();
    let budget = this.dropLog.get(reason);
    if (budget === undefined || now - budget.since >= 60_000) this.dropLog.set(reason, (budget = { since: now, lines: 0 }));
    if (budget.lines >= DROP_WARNINGS_PER_MINUTE) return;
    budget.lines++;
    const { droppedUnauthenticated, droppedReplayed, tcpRejected, tcpCapped } = this.counters;
    this.log.warn({ reason, ...detail, droppedUnauthenticated, droppedReplayed, tcpRejected, tcpCapped }, "gossip packet dropped");
  }

  private sealFrame(packet: Packet): Uint8Array {
    const bytes = encodePacket(this.sealer.stamp(packet));
    return this.keyring === undefined ? bytes : this.keyring.encrypt(bytes);
  }

  // ---- output paths -------------------------------------------------------------------------

  /** Runs due timers, performs every output, and re-arms the wake-up timer. */
  private pump(): void {
    if (this.stopped) return;
    this.core.tick(this.clock());
    for (const out of this.core.drain()) this.perform(out);
    const due = this.core.nextDeadline();
    if (due === this.timerDue) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerDue = due;
    if (due === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = undefined;
      this.pump();
    }, Math.max(0, due - this.clock()));
  }

  private perform(out: CoreOutput): void {
    switch (out.type) {
      case "event":
        if (out.event.type !== "user") {
          this.log.info({ event: out.event.type, member: out.event.member.name, incarnation: out.event.member.incarnation }, "gossip membership change");
        }
        this.events.publish(out.event);
        return;
      case "udp": {
        const bytes = this.sealFrame(out.packet);
        const i = out.to.lastIndexOf(":");
        this.counters.udpPacketsSent++;
        this.counters.udpBytesSent += bytes.length;
        if (bytes.length > MAX_UDP_BYTES) {
          this.counters.sendErrors++;
          return;
        }
        try {
          this.udp.send(bytes, Number(out.to.slice(i + 1)), out.to.slice(0, i), (err) => {
            if (err !== null) this.counters.sendErrors++;
          });
        } catch {
          this.counters.sendErrors++; // unroutable address: the core validates, this is the last guard
        }
        return;
      }
      case "tcp-ping":
      case "push-pull": {
        const payload = this.sealFrame(out.type === "push-pull" ? out.request : out.packet);
        const hello = this.sealFrame({ messages: [], nextFrameBytes: payload.length });
        this.counters.tcpBytesSent += hello.length + payload.length + 8;
        const timeout = Math.max(1, out.deadline - this.clock());
        exchange(out.to, hello, payload, MAX_TCP_FRAME_BYTES, timeout).then(
          (reply) => this.onTcpReply(out, reply, false),
          (err: unknown) => this.onTcpReply(out, undefined, (err as { code?: unknown } | null)?.code === "ECONNREFUSED"),
        );
        return;
      }
    }
  }

  private onTcpReply(out: Extract<CoreOutput, { type: "tcp-ping" | "push-pull" }>, reply: Buffer | undefined, refused: boolean): void {
    if (this.stopped) return;
    if (reply !== undefined) this.counters.tcpBytesReceived += reply.length + 4;
    const packet = reply === undefined ? undefined : this.openFrame(reply);
    const now = this.clock();
    if (out.type === "push-pull") {
      this.core.handlePushPullResponse(now, out.id, packet);
      const resolve = this.pendingPushPull.get(out.id);
      this.pendingPushPull.delete(out.id);
      resolve?.(packet !== undefined);
    } else {
      const acked = packet?.messages.some((m) => m.body === "ack" && m.ack?.seqNo === out.id) ?? false;
      this.core.handleTcpPingResult(now, out.id, acked ? "acked" : refused ? "refused" : "failed");
    }
    this.pump();
  }
}

/** Overhead an encrypted datagram adds (for callers sizing user messages). */
export const ENCRYPTED_DATAGRAM_OVERHEAD = ENCRYPTION_OVERHEAD;
