/**
 * One server stream kept open to the leader: the node's assignment, network-map and log-subscription
 * streams all use it. It dials a manager (the last leader a manager pointed to, else the known managers
 * in turn), hands each message to the connection, and after an end or error dials again: at once (50 ms)
 * when the error named the leader, else the next manager after 500 ms. A stream that must answer at once
 * (the leader sends the complete state first) and stays silent — dialled while the managers were still
 * electing — is abandoned and dialled again.
 */
import type { ClientReadableStream } from "@grpc/grpc-js";
import { errorMessage } from "../lib/errors.js";
import { RemoteCallError } from "../rpc/grpc.js";
import type { Logger } from "../lib/logger.js";
import { leaderAddrOf } from "../rpc/leader.js";

/** One dialled stream and what to do with it. */
export interface LeaderConnection<M> {
  readonly stream: ClientReadableStream<M>;
  readonly onMessage: (m: M) => void;
  /** Releases what the connection holds (its client channel, side streams); called once, when it ended. */
  readonly close: () => void;
}

/** Options of {@link LeaderStream}. */
export interface LeaderStreamOptions<M> {
  /** Names the stream in logs ("assignment stream"). */
  readonly what: string;
  /** Manager API addresses, best first. */
  readonly managers: () => string[];
  readonly open: (addr: string) => LeaderConnection<M>;
  /** A stream without a first message after this long is dialled again; unset: a silent stream is fine. */
  readonly firstMessageTimeoutMs?: number;
  readonly logger: Logger;
}

/** See the module comment. */
export class LeaderStream<M> {
  private current: ClientReadableStream<M> | undefined;
  private preferred: string | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(private readonly o: LeaderStreamOptions<M>) {}

  /** The manager to talk to now: the leader last pointed to, else the next known manager. */
  target(): string | undefined {
    if (this.preferred !== undefined) return this.preferred;
    const list = this.o.managers();
    return list[this.attempt % Math.max(1, list.length)];
  }

  /** Remembers the leader an error of another call named (the next dial goes there). */
  redirect(err: unknown): void {
    const leader = leaderAddrOf(err);
    if (leader !== undefined) this.preferred = leader;
  }

  /** Opens the stream (and keeps reopening it until {@link stop}). */
  start(): void {
    this.connect();
  }

  /** Cancels the stream; no redial. Safe twice. */
  stop(): void {
    this.stopped = true;
    this.current?.cancel();
  }

  private connect(): void {
    if (this.stopped) return;
    const addr = this.target();
    if (addr === undefined) {
      setTimeout(() => this.connect(), 1000).unref();
      return;
    }
    const conn = this.o.open(addr);
    const stream = conn.stream;
    this.current = stream;
    let answered = false;
    const silent =
      this.o.firstMessageTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            if (answered || this.current !== stream) return;
            this.o.logger.debug({ manager: addr }, `${this.o.what} silent; dialling again`);
            stream.cancel();
          }, this.o.firstMessageTimeoutMs).unref();
    stream.on("data", (m: M) => {
      answered = true;
      if (silent !== undefined) clearTimeout(silent);
      this.attempt = 0;
      conn.onMessage(m);
    });
    const retry = (err?: unknown): void => {
      if (this.current !== stream) return;
      this.current = undefined;
      if (silent !== undefined) clearTimeout(silent);
      conn.close();
      if (this.stopped) return;
      const leader = err === undefined ? undefined : leaderAddrOf(err instanceof RemoteCallError ? err : new RemoteCallError(err as never));
      this.preferred = leader;
      if (leader === undefined) this.attempt++;
      this.o.logger.debug({ manager: addr, err: err === undefined ? undefined : errorMessage(err), next: leader }, `${this.o.what} ended; reconnecting`);
      setTimeout(() => this.connect(), leader === undefined ? 500 : 50).unref();
    };
    stream.on("error", (err) => retry(err));
    stream.on("end", () => retry());
  }
}
