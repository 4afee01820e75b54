/**
 * Raft peer transport over gRPC (`swarm.raft.Raft/Send`, a client stream of MessageBatch).
 *
 * Outgoing: one long-lived client stream per peer; messages are queued per peer (peer-queue.ts) and
 * written at the end of each send() call as one batch per peer, so a Ready's messages travel together. The stream's
 * own flow control is respected (a write that returns false pauses that peer until 'drain'); when the
 * queue is full or the stream fails, messages are dropped and `onUnreachable(peer)` is called so the core
 * throttles that follower. A failed stream is re-opened on the next send after a short backoff.
 * Snapshots (MSG_SNAP) go on their own short stream whose response tells `onSnapshotStatus` whether the
 * peer received it. Messages (snapshots included) are bounded by `maxMessageBytes`.
 *
 * Incoming: each batch is checked before it reaches the core — `checkSender` binds every message's
 * `from` to the caller's certificate, bounds.ts refuses implausible terms and indexes — and a refused batch ends the stream with its gRPC status
 * (logged, rate-limited); accepted batches go to `onMessages` in order.
 */
import * as grpc from "@grpc/grpc-js";
import type { Message__Output } from "../../gen/swarm/raft/Message.js";
import type { MessageBatch__Output } from "../../gen/swarm/raft/MessageBatch.js";
import type { ProtoGrpcType } from "../../gen/raft.js";
import type { RaftClient } from "../../gen/swarm/raft/Raft.js";
import type { SendResponse } from "../../gen/swarm/raft/SendResponse.js";
import { loadProto } from "../../lib/proto.js";
import { type Logger, silentLogger } from "../../lib/logger.js";
import { SwarmError, ErrorCode } from "../../lib/errors.js";
import { PeerQueue, type PeerQueueLimits } from "./peer-queue.js";
import { RefusalLog } from "./refusal-log.js";
import { implausibleField } from "./bounds.js";
import { callerIdentity, type CallerIdentity } from "../../ca/tls.js";

/**
 * Largest Raft message accepted or sent by default. Snapshots travel in one message, so this bounds
 * the state a joiner can receive (the applier warns when a snapshot outgrows it); a larger message is
 * refused with RESOURCE_EXHAUSTED from its 5-byte length prefix, before its body is buffered.
 */
export const MAX_RAFT_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Options of {@link RaftTransport.start}. */
export interface TransportOptions {
  /** This member's id (stamped nowhere; used in logs). */
  readonly id: number;
  /** Address to listen on, "host:port" (port 0 picks one). */
  readonly listen: string;
  /** Peer id → "host:port". */
  readonly peers: ReadonlyMap<number, string>;
  /** Messages received from peers, in arrival order. */
  readonly onMessages: (messages: Message__Output[]) => void;
  /** A message to `peer` was dropped (queue full or connection down). */
  readonly onUnreachable: (peer: number) => void;
  /** A snapshot sent to `peer` was (ok) or was not delivered. */
  readonly onSnapshotStatus: (peer: number, ok: boolean) => void;
  /**
   * Why `caller` (undefined: no verified certificate) may not send a message from raft id `from`, or
   * null to let it through. Unset: every sender is accepted (plaintext test clusters only).
   */
  readonly checkSender?: (caller: CallerIdentity | undefined, from: number) => string | null;
  readonly serverCredentials?: grpc.ServerCredentials;
  readonly channelCredentials?: grpc.ChannelCredentials;
  readonly queueLimits?: Partial<PeerQueueLimits>;
  /** Wait this long before re-opening a failed stream (default 100 ms). */
  readonly reconnectDelayMs?: number;
  /** Largest message sent or received (default {@link MAX_RAFT_MESSAGE_BYTES}). */
  readonly maxMessageBytes?: number;
  readonly logger?: Logger;
}

/** A transport failure (bind error, unknown peer). */
export class TransportError extends SwarmError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.Unavailable, `raft transport: ${message}`, { cause });
  }
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.initial_reconnect_backoff_ms": 100,
  "grpc.max_reconnect_backoff_ms": 1000,
  "grpc.keepalive_time_ms": 10_000,
  "grpc.keepalive_timeout_ms": 5_000,
};

let cachedProto: ProtoGrpcType | null = null;
function raftProto(): ProtoGrpcType {
  cachedProto ??= loadProto<ProtoGrpcType>("raft.proto");
  return cachedProto;
}

class Peer {
  readonly queue: PeerQueue;
  private client: RaftClient;
  private stream: grpc.ClientWritableStream<MessageBatch__Output> | null = null;
  private blocked = false;
  private downUntil = 0;
  private closed = false;

  constructor(
    readonly id: number,
    readonly addr: string,
    private readonly t: RaftTransport,
  ) {
    this.queue = new PeerQueue(t.limits);
    this.client = new (raftProto().swarm.raft.Raft)(addr, t.channelCredentials, {
      ...CHANNEL_OPTIONS,
      "grpc.max_send_message_length": t.maxMessageBytes,
      "grpc.max_receive_message_length": t.maxMessageBytes,
    });
  }

  send(m: Message__Output): void {
    if (this.closed) return;
    if (m.type === "MSG_SNAP") {
      this.sendSnapshot(m);
      return;
    }
    if (Date.now() < this.downUntil || !this.queue.push(m)) {
      this.t.reportUnreachable(this.id);
    }
  }

  /** Writes what is queued now (one batch per call unless the stream pushes back). */
  flushNow(): void {
    if (!this.blocked && this.queue.length > 0) this.flush();
  }

  private openStream(): grpc.ClientWritableStream<MessageBatch__Output> {
    const stream = this.client.send((err: grpc.ServiceError | null) => {
      if (this.stream === stream) this.failed(err ?? new Error("stream ended"));
    });
    stream.on("error", () => undefined);
    this.stream = stream;
    return this.stream;
  }

  private failed(err: unknown): void {
    this.stream = null;
    this.blocked = false;
    const dropped = this.queue.clear();
    this.downUntil = Date.now() + this.t.reconnectDelayMs;
    this.t.log.debug({ peer: this.id, err: String(err), dropped }, "raft transport: stream to peer failed");
    if (!this.closed) this.t.reportUnreachable(this.id);
  }

  private flush(): void {
    if (this.closed) return;
    const stream = this.stream ?? this.openStream();
    while (!this.blocked && this.queue.length > 0) {
      const batch = this.queue.takeBatch();
      const ok = stream.write({ messages: batch });
      if (!ok) {
        this.blocked = true;
        stream.once("drain", () => {
          if (this.stream !== stream) return;
          this.blocked = false;
          this.flush();
        });
      }
    }
  }

  private sendSnapshot(m: Message__Output): void {
    const stream = this.client.send({ deadline: Date.now() + 120_000 }, (err: grpc.ServiceError | null, _res?: SendResponse) => {
      if (err !== null) this.t.log.warn({ peer: this.id, err: err.message }, "raft transport: snapshot not delivered");
      this.t.snapshotStatus(this.id, err === null);
    });
    stream.on("error", () => undefined);
    stream.write({ messages: [m] });
    stream.end();
  }

  /** True when the channel to this peer is connected; otherwise starts connecting and returns false. */
  ready(): boolean {
    if (this.closed) return false;
    return this.client.getChannel().getConnectivityState(true) === grpc.connectivityState.READY;
  }

  close(): void {
    this.closed = true;
    this.queue.clear();
    this.stream?.end();
    this.stream = null;
    this.client.close();
  }
}

/** The gRPC transport of one Raft member. */
export class RaftTransport {
  /** Resolved queue limits. */
  readonly limits: PeerQueueLimits;
  readonly channelCredentials: grpc.ChannelCredentials;
  readonly reconnectDelayMs: number;
  readonly maxMessageBytes: number;
  readonly log: Logger;
  private readonly refusals: RefusalLog;
  private readonly peers = new Map<number, Peer>();
  private readonly server: grpc.Server;
  private readonly opts: TransportOptions;
  private closing: Promise<void> | null = null;
  /** The port actually bound. */
  port = 0;

  private constructor(opts: TransportOptions) {
    this.opts = opts;
    this.log = opts.logger ?? silentLogger();
    this.refusals = new RefusalLog(this.log);
    this.limits = { maxMessages: 4096, maxBytes: 64 * 1024 * 1024, maxBatchBytes: 4 * 1024 * 1024, ...opts.queueLimits };
    this.channelCredentials = opts.channelCredentials ?? grpc.credentials.createInsecure();
    this.reconnectDelayMs = opts.reconnectDelayMs ?? 100;
    this.maxMessageBytes = opts.maxMessageBytes ?? MAX_RAFT_MESSAGE_BYTES;
    this.server = new grpc.Server({
      "grpc.max_receive_message_length": this.maxMessageBytes,
      "grpc.max_send_message_length": this.maxMessageBytes,
    });
    this.server.addService(raftProto().swarm.raft.Raft.service, {
      Send: (call: grpc.ServerReadableStream<MessageBatch__Output, SendResponse>, callback: grpc.sendUnaryData<SendResponse>) => {
        const caller = verifiedCaller(call);
        let refused = false;
        call.on("data", (batch: MessageBatch__Output) => {
          if (refused) return;
          const refusal = this.refusal(caller, batch.messages);
          if (refusal !== null) {
            // The whole stream ends: a peer that lies once is not trusted for the rest of it.
            refused = true;
            this.refusals.refused(caller?.nodeId ?? call.getPeer(), { peer: call.getPeer(), code: grpc.status[refusal.code], reason: refusal.details }, "raft transport: refused a peer");
            callback(refusal);
            return;
          }
          try {
            this.opts.onMessages(batch.messages);
          } catch (err) {
            this.log.error({ err }, "raft transport: message handler threw");
          }
        });
        call.on("end", () => {
          if (!refused) callback(null, {});
        });
        call.on("error", () => undefined);
      },
    });
    for (const [id, addr] of opts.peers) if (id !== opts.id) this.peers.set(id, new Peer(id, addr, this));
  }

  /** Why a batch must not reach the core (the status to end the stream with), or null. */
  private refusal(caller: CallerIdentity | undefined, messages: readonly Message__Output[]): { code: grpc.status; details: string } | null {
    const check = this.opts.checkSender;
    let lastFrom = -1;
    for (const m of messages) {
      // Identity first: a caller that may not speak learns nothing about what else we check.
      if (check !== undefined && m.from !== lastFrom) {
        const why = check(caller, m.from);
        if (why !== null) return { code: caller === undefined ? grpc.status.UNAUTHENTICATED : grpc.status.PERMISSION_DENIED, details: `raft: ${why}` };
        lastFrom = m.from; // a batch normally comes from one sender: check it once
      }
      const implausible = implausibleField(m);
      if (implausible !== null) return { code: grpc.status.INVALID_ARGUMENT, details: `raft: ${m.type} from ${m.from}: ${implausible}` };
    }
    return null;
  }

  /** Binds the server and returns a running transport. */
  static async start(opts: TransportOptions): Promise<RaftTransport> {
    const t = new RaftTransport(opts);
    const creds = opts.serverCredentials ?? grpc.ServerCredentials.createInsecure();
    t.port = await new Promise<number>((resolve, reject) => {
      t.server.bindAsync(opts.listen, creds, (err, port) => (err ? reject(new TransportError(`cannot listen on ${opts.listen}: ${err.message}`, err)) : resolve(port)));
    });
    return t;
  }

  /** Queues messages for their peers (`to`); messages to unknown peers are dropped and reported. */
  send(messages: readonly Message__Output[]): void {
    const touched = new Set<Peer>();
    for (const m of messages) {
      const peer = this.peers.get(m.to);
      if (peer === undefined) {
        this.log.debug({ to: m.to, type: m.type }, "raft transport: no address for peer");
        if (m.type === "MSG_SNAP") this.opts.onSnapshotStatus(m.to, false);
        continue;
      }
      peer.send(m);
      touched.add(peer);
    }
    // Everything handed over in one call (one Ready) leaves now, as one batch per peer.
    for (const peer of touched) peer.flushNow();
  }

  /** Adds (or re-addresses) a peer. */
  addPeer(id: number, addr: string): void {
    if (id === this.opts.id) return;
    const old = this.peers.get(id);
    if (old?.addr === addr) return;
    old?.close();
    this.peers.set(id, new Peer(id, addr, this));
  }

  /** Forgets a peer (after it was removed from the cluster). */
  removePeer(id: number): void {
    this.peers.get(id)?.close();
    this.peers.delete(id);
  }

  /**
   * True when the connection to `id` is up. A member uses it to hold proposals instead of forwarding
   * them to a leader that just died (its connection drops at once), so they go to the next leader.
   */
  peerReady(id: number): boolean {
    return this.peers.get(id)?.ready() ?? false;
  }

  /** Peer ids with an address. */
  peerIds(): number[] {
    return [...this.peers.keys()];
  }

  /** @internal */
  reportUnreachable(id: number): void {
    this.opts.onUnreachable(id);
  }

  /** @internal */
  snapshotStatus(id: number, ok: boolean): void {
    this.opts.onSnapshotStatus(id, ok);
  }

  /** Stops sending and receiving. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const p of this.peers.values()) p.close();
      this.peers.clear();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.server.forceShutdown();
          resolve();
        }, 1000);
        this.server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    })();
    return this.closing;
  }
}

/** The caller's verified identity; undefined without a certificate or with one naming no known role. */
function verifiedCaller(call: grpc.ServerReadableStream<MessageBatch__Output, SendResponse>): CallerIdentity | undefined {
  try {
    return callerIdentity(call);
  } catch {
    return undefined;
  }
}
