/**
 * Length-prefixed frames over TCP for push-pull and fallback probes: [u32 big-endian length][frame].
 * A connection carries a hello (a small sealed frame announcing the request's size), one request
 * frame, and one reply frame. The listener reads the hello with a tight size limit and timeout and
 * only then accepts a large request, so a peer without the key cannot make it buffer megabytes.
 */
import { connect, type Socket } from "node:net";
import { SwarmError } from "../lib/errors.js";

/** Error codes of TCP exchanges. */
export const TcpErrorCode = {
  Timeout: "GOSSIP_TCP_TIMEOUT",
  FrameTooLarge: "GOSSIP_TCP_FRAME_TOO_LARGE",
  Closed: "GOSSIP_TCP_CLOSED",
} as const;

/** A TCP exchange failed. */
export class TcpExchangeError extends SwarmError {}

/** Encodes one frame. */
export function frame(payload: Uint8Array): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length, 0);
  return Buffer.concat([header, payload]);
}

/** Reads exactly one frame from `socket` (rejects on timeout, oversize or early close). */
export function readFrame(socket: Socket, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let have = 0;
    let want = -1;
    const finish = (err: Error | undefined, value?: Buffer): void => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
      socket.off("error", onError);
      if (err !== undefined) reject(err);
      else resolve(value as Buffer);
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      have += chunk.length;
      if (want < 0 && have >= 4) {
        want = Buffer.concat(chunks).readUInt32BE(0);
        if (want > maxBytes) {
          finish(new TcpExchangeError(TcpErrorCode.FrameTooLarge, `tcp frame: ${want} bytes exceed the limit of ${maxBytes}`));
          return;
        }
      }
      if (want >= 0 && have >= 4 + want) finish(undefined, Buffer.concat(chunks).subarray(4, 4 + want));
    };
    const onEnd = (): void => finish(new TcpExchangeError(TcpErrorCode.Closed, "tcp frame: connection closed before a full frame"));
    const onError = (err: Error): void => finish(err);
    const timer = setTimeout(
      () => finish(new TcpExchangeError(TcpErrorCode.Timeout, `tcp frame: no full frame within ${timeoutMs} ms`)),
      Math.max(1, timeoutMs),
    );
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.once("error", onError);
  });
}

/**
 * Reads successive frames from one socket, keeping bytes that arrive ahead of the frame being read.
 * While no read is pending, or the pending frame is small, at most `limit + 4 + READ_AHEAD_BYTES`
 * bytes are held: beyond that the socket is paused (TCP flow control holds the sender back).
 */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);
  private pending: { max: number; resolve: (b: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  private failure: Error | undefined;
  private limit = 0;

  constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.settle();
      if (this.buffered.length > this.limit + 4 + READ_AHEAD_BYTES) socket.pause();
    });
    const closed = (): void => this.fail(new TcpExchangeError(TcpErrorCode.Closed, "tcp frame: connection closed before a full frame"));
    socket.once("end", closed);
    socket.once("close", closed);
    socket.once("error", (err: Error) => this.fail(err));
  }

  /** The next frame of at most `maxBytes`; rejects on timeout, oversize or close. One read at a time. */
  next(maxBytes: number, timeoutMs: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure !== undefined) {
        reject(this.failure);
        return;
      }
      const timer = setTimeout(
        () => this.fail(new TcpExchangeError(TcpErrorCode.Timeout, `tcp frame: no full frame within ${timeoutMs} ms`)),
        Math.max(1, timeoutMs),
      );
      this.pending = { max: maxBytes, resolve, reject, timer };
      this.limit = maxBytes;
      this.settle();
      if (this.pending !== undefined && this.socket.isPaused() && this.buffered.length <= maxBytes + 4) this.socket.resume();
    });
  }

  private settle(): void {
    const p = this.pending;
    if (p === undefined || this.buffered.length < 4) return;
    const want = this.buffered.readUInt32BE(0);
    if (want > p.max) {
      this.fail(new TcpExchangeError(TcpErrorCode.FrameTooLarge, `tcp frame: ${want} bytes exceed the limit of ${p.max}`));
      return;
    }
    if (this.buffered.length < 4 + want) return;
    const body = this.buffered.subarray(4, 4 + want);
    this.buffered = this.buffered.subarray(4 + want);
    this.pending = undefined;
    this.limit = 0;
    clearTimeout(p.timer);
    p.resolve(body);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const p = this.pending;
    this.pending = undefined;
    if (p === undefined) return;
    clearTimeout(p.timer);
    p.reject(err);
  }
}

/** Bytes a FrameReader holds beyond the frame it waits for before pausing the socket. */
const READ_AHEAD_BYTES = 64 * 1024;

/** Connects to host:port, sends the hello and the request frame, and returns the reply frame. */
export async function exchange(addr: string, hello: Uint8Array, payload: Uint8Array, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const i = addr.lastIndexOf(":");
  const socket = connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)) });
  socket.on("error", () => undefined); // failures surface through readFrame's rejection
  try {
    const reply = readFrame(socket, maxBytes, timeoutMs);
    socket.write(Buffer.concat([frame(hello), frame(payload)]));
    return await reply;
  } finally {
    socket.destroy();
  }
}
