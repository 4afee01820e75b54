/**
 * Length-prefixed frames over TCP for push-pull and fallback probes: [u32 big-endian length][frame].
 * One request frame and one reply frame per connection.
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

/** Connects to host:port, sends one frame and returns the reply frame. */
export async function exchange(addr: string, payload: Uint8Array, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const i = addr.lastIndexOf(":");
  const socket = connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)) });
  socket.on("error", () => undefined); // failures surface through readFrame's rejection
  try {
    const reply = readFrame(socket, maxBytes, timeoutMs);
    socket.write(frame(payload));
    return await reply;
  } finally {
    socket.destroy();
  }
}
