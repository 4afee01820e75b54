/**
 * Forwards one accepted TCP connection to one backend: connect with retry, optional PROXY header,
 * then relay bytes both ways with backpressure and half-close — through a {@link TcpPath}: the
 * native relay's (native-relay.ts) or this process's ({@link nodeTcpPath}).
 *
 * The client socket arrives paused (`pauseOnConnect`), so nothing is read from it until a backend
 * accepted: a refused or timed-out backend costs a retry on the next one, never a lost byte.
 */
import { connect, type Socket } from "node:net";
import type { Logger } from "../lib/logger.js";
import type { BackendCounters } from "./metrics.js";
import { encodeProxyV1, encodeProxyV2 } from "./proxy-protocol.js";
import type { Route, RouteBackend } from "./table.js";

/** What a path reports about one connect: `failed`, or `connected` and later `closed`. */
export interface TcpPathEvents {
  /** The connect failed (refused, timed out: `code` is the errno name); the client is still there. */
  failed(code: string): void;
  /** The backend accepted; bytes flow both ways. */
  connected(): void;
  /**
   * Both sides closed, after `connected` (bytes in = client to backend, without the header); or
   * the connection was lost while connecting (the native relay died).
   */
  closed(bytesIn: number, bytesOut: number): void;
}

/** How one client connection reaches its backend and gets its bytes copied. */
export interface TcpPath {
  /** Connects to `backend`, sends `header` first, then relays; answers through `events`. */
  connect(backend: RouteBackend, header: Buffer | undefined, timeoutMs: number, events: TcpPathEvents): void;
  /** No backend is left: resets the client. */
  reset(): void;
  /** The client went away before a backend accepted. */
  readonly gone: boolean;
}

/** What the forwarder needs from its engine. */
export interface TcpForwardContext {
  readonly route: Route;
  /** Chooses a backend not in `exclude`; undefined when none is left. */
  pick(exclude: ReadonlySet<string>): RouteBackend | undefined;
  counters(backend: RouteBackend): BackendCounters;
  /** A connect to `backend` failed (refused, timeout): the engine may cool it down. */
  onConnectFailure(backend: RouteBackend): void;
  /** A connect to `backend` succeeded. */
  onConnected(backend: RouteBackend): void;
  readonly maxConnectAttempts: number;
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
  /** Called once when the connection is over (relayed and closed, reset, or the client left). */
  onDone(): void;
}

/** Takes ownership of `client` (paused) and forwards it through `path`; never throws. */
export function forwardTcp(client: Socket, path: TcpPath, ctx: TcpForwardContext): void {
  let over = false;
  const done = (): void => {
    if (over) return;
    over = true;
    ctx.onDone();
  };
  const failed = new Set<string>();
  let attempts = 0;
  const accepted = Date.now();
  const pp = ctx.route.port.proxyProtocol ?? "none";
  const endpoints = {
    sourceAddress: client.remoteAddress,
    sourcePort: client.remotePort,
    destinationAddress: client.localAddress,
    destinationPort: client.localPort,
  };
  const header = pp === "none" ? undefined : pp === "v1" ? encodeProxyV1(endpoints) : encodeProxyV2(endpoints, "tcp");

  const attempt = (): void => {
    if (path.gone) return done();
    const backend = attempts < ctx.maxConnectAttempts ? ctx.pick(failed) : undefined;
    if (backend === undefined) {
      if (attempts > 0) ctx.logger.warn({ route: ctx.route.key, attempts, ms: Date.now() - accepted }, "connection reset: every backend tried failed to connect");
      else ctx.logger.debug({ route: ctx.route.key }, "no backend for connection");
      path.reset();
      return done();
    }
    attempts++;
    const counters = ctx.counters(backend);
    counters.active++;
    const tried = Date.now();
    path.connect(backend, header, ctx.connectTimeoutMs, {
      failed: (code) => {
        counters.active--;
        counters.failures++;
        failed.add(backend.id);
        ctx.onConnectFailure(backend);
        ctx.logger.info({ route: ctx.route.key, backend: backend.id, addr: backend.addr, code, ms: Date.now() - tried, attempt: attempts }, "backend connect failed, trying the next one");
        attempt();
      },
      connected: () => {
        ctx.onConnected(backend);
        counters.total++;
      },
      closed: (bytesIn, bytesOut) => {
        counters.active--;
        counters.bytesIn += bytesIn;
        counters.bytesOut += bytesOut;
        done();
      },
    });
  };
  attempt();
}

/**
 * A path that connects and relays in this process; a relayed connection with no byte either way for
 * `idleTimeoutMs` (0 = never) is reset on both sides.
 */
export function nodeTcpPath(client: Socket, idleTimeoutMs = 0): TcpPath {
  client.setNoDelay(true);
  const onEarlyClientError = (): void => {
    client.destroy();
  };
  client.on("error", onEarlyClientError);
  return {
    get gone() {
      return client.destroyed;
    },
    reset: () => client.resetAndDestroy(),
    connect(backend, header, timeoutMs, events) {
      const upstream = connect({ host: backend.addr, port: backend.port, allowHalfOpen: true, noDelay: true });
      const timer = setTimeout(() => {
        upstream.destroy(Object.assign(new Error(`connect to ${backend.addr}:${backend.port} timed out`), { code: "ETIMEDOUT" }));
      }, timeoutMs);
      const onConnectError = (err: NodeJS.ErrnoException): void => {
        clearTimeout(timer);
        events.failed(err.code ?? err.message);
      };
      upstream.once("error", onConnectError);
      upstream.once("connect", () => {
        clearTimeout(timer);
        upstream.off("error", onConnectError);
        client.off("error", onEarlyClientError);
        events.connected();
        if (client.destroyed) {
          upstream.destroy();
          events.closed(0, 0);
          return;
        }
        if (header !== undefined) upstream.write(header);
        relay(client, upstream, events);
        // Every byte either way passes through the client socket (read from it or written to it),
        // so its inactivity timer is the connection's.
        if (idleTimeoutMs > 0) {
          client.setTimeout(idleTimeoutMs, () => {
            client.resetAndDestroy();
            upstream.resetAndDestroy();
          });
        }
      });
    },
  };
}

/** Relays bytes both ways until both sockets closed, then reports `closed` once. */
function relay(client: Socket, upstream: Socket, events: TcpPathEvents): void {
  let open = 2;
  let bytesIn = 0;
  let bytesOut = 0;
  const closed = (): void => {
    if (--open === 0) events.closed(bytesIn, bytesOut);
  };
  client.on("data", (chunk: Buffer) => {
    bytesIn += chunk.length;
    if (!upstream.write(chunk)) client.pause();
  });
  upstream.on("data", (chunk: Buffer) => {
    bytesOut += chunk.length;
    if (!client.write(chunk)) upstream.pause();
  });
  upstream.on("drain", () => client.resume());
  client.on("drain", () => upstream.resume());
  // Half-close: a FIN from one side becomes a FIN to the other; the opposite direction keeps flowing.
  client.on("end", () => upstream.end());
  upstream.on("end", () => client.end());
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
  client.on("close", (hadError) => {
    if (hadError) upstream.destroy();
    closed();
  });
  upstream.on("close", (hadError) => {
    if (hadError) client.destroy();
    closed();
  });
  client.resume();
}
