/**
 * Real loopback servers and clients for the mesh's socket tests and benchmark: echo backends that
 * count their connections and keep the raw bytes they received, a UDP echo, and small clients.
 */
import { createSocket, type Socket as DgramSocket } from "node:dgram";
import { connect, createServer, type Server, type Socket } from "node:net";

/** A TCP echo backend on loopback. */
export interface EchoBackend {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  connections: number;
  /** Connections open now. */
  open: number;
  /** Raw bytes received, per connection in accept order. */
  readonly received: Buffer[][];
  readonly sockets: Set<Socket>;
  close(): Promise<void>;
}

/**
 * Starts an echo backend: every byte is sent back; on the client's FIN it writes `bye:<name>` and
 * ends (so half-close is observable).
 */
export async function startEchoBackend(name: string, host = "127.0.0.1", port = 0): Promise<EchoBackend> {
  const server: Server = createServer({ allowHalfOpen: true });
  const b: EchoBackend = {
    name,
    host,
    port: 0,
    connections: 0,
    open: 0,
    received: [],
    sockets: new Set(),
    close: () => closeServer(server, b.sockets),
  };
  server.on("connection", (s) => {
    b.connections++;
    b.open++;
    b.sockets.add(s);
    const chunks: Buffer[] = [];
    b.received.push(chunks);
    s.on("data", (d: Buffer) => {
      chunks.push(d);
      s.write(d);
    });
    s.on("end", () => s.end(`bye:${name}`));
    s.on("error", () => undefined);
    s.on("close", () => {
      b.open--;
      b.sockets.delete(s);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const addr = server.address();
  Object.assign(b, { port: typeof addr === "object" && addr !== null ? addr.port : 0 });
  return b;
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A port on `host` that nothing listens on right now (bound, then released). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const addr = server.address();
  await new Promise((r) => server.close(r));
  if (typeof addr !== "object" || addr === null) throw new Error("freePort: no address");
  return addr.port;
}

/** A UDP echo backend: replies `<name>:<payload>` and keeps the raw datagrams it got. */
export interface UdpEchoBackend {
  readonly name: string;
  readonly port: number;
  readonly received: Buffer[];
  readonly socket: DgramSocket;
  close(): void;
}

/** Starts a UDP echo backend on loopback. */
export async function startUdpEchoBackend(name: string, host = "127.0.0.1"): Promise<UdpEchoBackend> {
  const socket = createSocket("udp4");
  const received: Buffer[] = [];
  socket.on("message", (msg, rinfo) => {
    received.push(msg);
    socket.send(Buffer.concat([Buffer.from(`${name}:`), msg]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return { name, port: socket.address().port, received, socket, close: () => socket.close() };
}

/** Connects, waits for the connection, returns the socket. */
export async function connectTcp(port: number, host = "127.0.0.1"): Promise<Socket> {
  const s = connect({ port, host, allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    s.once("connect", resolve);
    s.once("error", reject);
  });
  return s;
}

/** Reads from `s` until `predicate(received)` holds or the deadline passes (then rejects, showing what came). */
export function readUntil(s: Socket, predicate: (got: string) => boolean, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = "";
    const done = (err?: Error): void => {
      clearTimeout(timer);
      s.off("data", onData);
      s.off("end", onEnd);
      if (err) reject(err);
      else resolve(got);
    };
    const onData = (d: Buffer): void => {
      got += d.toString("latin1");
      if (predicate(got)) done();
    };
    const onEnd = (): void => done(predicate(got) ? undefined : new Error(`connection ended; got ${JSON.stringify(got)}`));
    const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs} ms; got ${JSON.stringify(got)}`)), timeoutMs);
    s.on("data", onData);
    s.on("end", onEnd);
  });
}

/** Sends `text`, waits for the echo, closes: one short request through the mesh. */
export async function roundTrip(port: number, text: string, host = "127.0.0.1"): Promise<string> {
  const s = await connectTcp(port, host);
  try {
    s.write(text);
    return await readUntil(s, (g) => g.includes(text));
  } finally {
    s.destroy();
  }
}

/** Sends one datagram and waits for one reply. */
export async function udpRequest(port: number, payload: string, host = "127.0.0.1", timeoutMs = 3000): Promise<string> {
  const s = createSocket("udp4");
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`udp: no reply from ${host}:${port} in ${timeoutMs} ms`)), timeoutMs);
      s.once("message", (m) => {
        clearTimeout(timer);
        resolve(m.toString());
      });
      s.send(payload, port, host);
    });
  } finally {
    s.close();
  }
}

/** Polls `cond` until true or the deadline; rejects with `what` and the last value seen. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, cond: (v: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!cond(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms; last seen ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 10));
    last = await probe();
  }
  return last;
}
