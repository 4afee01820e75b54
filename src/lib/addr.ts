/** Cluster addresses ("host:port"): the default port and the ports derived from it. */
import { ErrorCode, SwarmError } from "./errors.js";

/** The default cluster (API) port, as Docker's 2377. */
export const DEFAULT_CLUSTER_PORT = 2377;

/** "host" → "host:2377"; "host:port" unchanged. */
export function withPort(addr: string, port = DEFAULT_CLUSTER_PORT): string {
  return /:\d+$/.test(addr) ? addr : `${addr}:${port}`;
}

/** "host:port" with the port shifted by `delta` (the Raft port is the API port + 1). */
export function shiftPort(addr: string, delta: number): string {
  const i = addr.lastIndexOf(":");
  const port = Number(addr.slice(i + 1));
  if (i < 0 || !Number.isInteger(port)) throw new SwarmError(ErrorCode.InvalidArgument, `address "${addr}" has no port`);
  return `${addr.slice(0, i)}:${port + delta}`;
}

/**
 * The listen and advertise addresses of `init`/`join`: the listen address gets the default port; the
 * advertise address (required) gets the listen port unless it names one.
 */
export function resolveClusterAddrs(listen: string, advertise: string): { listenAddr: string; advertiseAddr: string } {
  const listenAddr = withPort(listen);
  const port = Number(listenAddr.slice(listenAddr.lastIndexOf(":") + 1));
  if (advertise === "") throw new SwarmError(ErrorCode.InvalidArgument, "advertise address: required (--advertise-addr), e.g. the IP other nodes reach this host at");
  return { listenAddr, advertiseAddr: withPort(advertise, port) };
}
