/** Cluster addresses ("host:port"): the default port and the ports derived from it, and their validation. */
import { isIP, isIPv4 } from "node:net";
import { ErrorCode, SwarmError, ValidationError } from "./errors.js";

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

/**
 * Checks a node address reported over the network (join, heartbeat): an IPv4 address or a bracketed
 * IPv6 literal, optionally with a port ("10.0.0.4", "10.0.0.4:2377", "[fd00::4]:2377"). Anything else
 * is refused with a {@link ValidationError} naming `field`: the address ends up, split on spaces, in
 * the argv of `bridge fdb append … dst` on every node, so "10.0.0.1 dev lo" must never get through.
 */
export function validateNodeAddr(field: string, addr: string): void {
  const bad = (why: string): ValidationError => new ValidationError(field, `${JSON.stringify(addr.length > 80 ? `${addr.slice(0, 80)}…` : addr)} ${why}`);
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$/.exec(addr);
  if (m === null) throw bad("is not an IP address or IP:port");
  const [, v6, v4, port] = m;
  if (v4 !== undefined && !isIPv4(v4)) throw bad("is not an IP address or IP:port");
  if (v6 !== undefined && isIP(v6) !== 6) throw bad("is not an IP address or IP:port");
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw bad(`has port ${port}, not in 1-65535`);
}
