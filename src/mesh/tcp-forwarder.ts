/**
 * Forwards one accepted TCP connection to one backend: connect with retry, optional PROXY header,
 * then relay bytes both ways with backpressure and half-close.
 *
 * The client socket arrives paused (`pauseOnConnect`), so nothing is read from it until a backend
 * accepted: a refused or timed-out backend costs a retry on the next one, never a lost byte.
 */
import { connect, type Socket } from "node:net";
import type { Logger } from "../lib/logger.js";
import type { BackendCounters } from "./metrics.js";
import { encodeProxyV1, encodeProxyV2 } from "./proxy-protocol.js";
import type { Route, RouteBackend } from "./table.js";

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
}

/** Takes ownership of `client` (paused) and forwards it; never throws. */
export function forwardTcp(client: Socket, ctx: TcpForwardContext): void {
  client.setNoDelay(true);
  const failed = new Set<string>();
  let attempts = 0;
  const accepted = Date.now();
  const onEarlyClientError = (): void => {
    client.destroy();
  };
  client.on("error", onEarlyClientError);

  const attempt = (): void => {
    if (client.destroyed) return;
    const backend = attempts < ctx.maxConnectAttempts ? ctx.pick(failed) : undefined;
    if (backend === undefined) {
      if (attempts > 0) ctx.logger.warn({ route: ctx.route.key, attempts, ms: Date.now() - accepted }, "connection reset: every backend tried failed to connect");
      else ctx.logger.debug({ route: ctx.route.key }, "no backend for connection");
      client.resetAndDestroy();
      return;
    }
    attempts++;
    const counters = ctx.counters(backend);
    counters.active++;
    const tried = Date.now();
    const upstream = connect({ host: backend.addr, port: backend.port, allowHalfOpen: true, noDelay: true });
    const timer = setTimeout(() => {
      upstream.destroy(Object.assign(new Error(`connect to ${backend.addr}:${backend.port} timed out`), { code: "ETIMEDOUT" }));
    }, ctx.connectTimeoutMs);
    const onConnectError = (err: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      counters.active--;
      counters.failures++;
      failed.add(backend.id);
      ctx.onConnectFailure(backend);
      ctx.logger.info({ route: ctx.route.key, backend: backend.id, addr: backend.addr, code: err.code, ms: Date.now() - tried, attempt: attempts }, "backend connect failed, trying the next one");
      attempt();
    };
    upstream.once("error", onConnectError);
    upstream.once("connect", () => {
      clearTimeout(timer);
      upstream.off("error", onConnectError);
      client.off("error", onEarlyClientError);
      ctx.onConnected(backend);
      if (client.destroyed) {
        upstream.destroy();
        counters.active--;
        return;
      }
      counters.total++;
      const pp = ctx.route.port.proxyProtocol ?? "none";
      if (pp !== "none") {
        const endpoints = {
          sourceAddress: client.remoteAddress,
          sourcePort: client.remotePort,
          destinationAddress: client.localAddress,
          destinationPort: client.localPort,
        };
        upstream.write(pp === "v1" ? encodeProxyV1(endpoints) : encodeProxyV2(endpoints, "tcp"));
      }
      relay(client, upstream, counters, () => {
        counters.active--;
      });
    });
  };
  attempt();
}

/** Relays bytes both ways until both sockets closed, then calls `done` once. */
function relay(client: Socket, upstream: Socket, counters: BackendCounters, done: () => void): void {
  let open = 2;
  const closed = (): void => {
    if (--open === 0) done();
  };
  client.on("data", (chunk: Buffer) => {
    counters.bytesIn += chunk.length;
    if (!upstream.write(chunk)) client.pause();
  });
  upstream.on("data", (chunk: Buffer) => {
    counters.bytesOut += chunk.length;
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
