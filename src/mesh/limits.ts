/**
 * How much of the host the routing mesh may take (issue [10]): caps per published port and per
 * source IP, and a file-descriptor budget that leaves the control plane its share.
 *
 * Why: swarmd's Raft, gRPC, gossip and the mesh share one process and one RLIMIT_NOFILE. Before
 * these caps a flood of UDP datagrams with spoofed source addresses opened one socket per source
 * and exhausted the descriptors, and then Raft could not accept a connection; TCP had no cap either.
 * The budget counts what the mesh holds *anywhere*: a TCP connection counts 2 descriptors whether
 * this process or a native relay copies its bytes (a relay inherits the same limit), a UDP flow 1.
 *
 * {@link MeshLedger} is pure (no sockets, no clock); the engine asks it before it opens anything.
 */
import { readFileSync } from "node:fs";
import { ValidationError } from "../lib/errors.js";

/** Descriptors one TCP connection holds (client + backend socket). */
export const FDS_PER_TCP = 2;
/** Descriptors one UDP flow holds (its socket to the backend). */
export const FDS_PER_UDP = 1;
/** The least the control plane keeps, whatever the limit: Raft, gRPC, the store, logs, gossip. */
export const CONTROL_PLANE_RESERVE_MIN = 1024;
/** Used when RLIMIT_NOFILE cannot be read (not Linux). */
const FALLBACK_NOFILE = 1024;

/** User-facing limits; every field has a default (see {@link resolveMeshLimits}). */
export interface MeshLimitOptions {
  /** Descriptors the mesh may hold in all; default {@link fdBudgetFor}(RLIMIT_NOFILE). */
  readonly fdBudget?: number;
  /** Open TCP connections per published port; default 4096. */
  readonly tcpPerPort?: number;
  /** Open TCP connections per client IP (per port); default 512. */
  readonly tcpPerSource?: number;
  /** UDP flows per published port; at the cap the least recently used flow is evicted. Default 4096. */
  readonly udpPerPort?: number;
  /** UDP flows per client IP (per port); beyond it new flows of that IP are dropped. Default 256. */
  readonly udpPerSource?: number;
  /** A TCP connection with no byte either way for this long is reset; default 900 s (IPVS's). */
  readonly tcpIdleTimeoutMs?: number;
}

/** {@link MeshLimitOptions} with defaults applied and checked. */
export interface MeshLimits {
  readonly fdBudget: number;
  readonly tcpPerPort: number;
  readonly tcpPerSource: number;
  readonly udpPerPort: number;
  readonly udpPerSource: number;
  readonly tcpIdleTimeoutMs: number;
}

/**
 * The mesh's share of a process limit of `nofile` descriptors: what is left after the control
 * plane's reserve of a quarter of the limit, at least {@link CONTROL_PLANE_RESERVE_MIN}.
 * 20000 → 15000; 1024 → 0 (too small to share: the mesh then serves nothing rather than starve Raft).
 */
export function fdBudgetFor(nofile: number): number {
  if (!Number.isFinite(nofile)) return 1 << 20; // "unlimited": the kernel's nr_open bounds it anyway
  const reserve = Math.max(CONTROL_PLANE_RESERVE_MIN, Math.ceil(nofile / 4));
  return Math.max(0, Math.floor(nofile) - reserve);
}

/** The soft "Max open files" of a /proc/<pid>/limits text; Infinity for "unlimited". */
export function parseNofile(limitsText: string): number {
  const line = limitsText.split("\n").find((l) => l.startsWith("Max open files"));
  const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
  if (soft === "unlimited") return Infinity;
  const n = Number(soft);
  if (soft === undefined || !Number.isInteger(n) || n < 0) {
    throw new ValidationError("limits.Max open files", `${JSON.stringify(line ?? null)} has no soft limit`);
  }
  return n;
}

/** This process's soft RLIMIT_NOFILE (Node raises it to the hard limit at start). */
export function processNofile(): number {
  try {
    return parseNofile(readFileSync("/proc/self/limits", "utf8"));
  } catch {
    return FALLBACK_NOFILE;
  }
}

/** Applies defaults and checks every field. */
export function resolveMeshLimits(o: MeshLimitOptions = {}, nofile: () => number = processNofile): MeshLimits {
  const limits: MeshLimits = {
    fdBudget: o.fdBudget ?? fdBudgetFor(nofile()),
    tcpPerPort: o.tcpPerPort ?? 4096,
    tcpPerSource: o.tcpPerSource ?? 512,
    udpPerPort: o.udpPerPort ?? 4096,
    udpPerSource: o.udpPerSource ?? 256,
    tcpIdleTimeoutMs: o.tcpIdleTimeoutMs ?? 900_000,
  };
  for (const [field, v] of Object.entries(limits) as [keyof MeshLimits, number][]) {
    const min = field === "fdBudget" ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < min) throw new ValidationError(`mesh.${field}`, `${String(v)} is not a whole number ≥ ${min}`);
  }
  return limits;
}

/** Why the ledger refused: the cap that was reached and its value. */
export interface Refusal {
  readonly refused: "port" | "source" | "budget";
  readonly limit: number;
}

/** What to do with a new UDP flow: open it, open it after evicting the port's least recently used flow, or drop it. */
export type UdpVerdict = "admit" | "evict-oldest" | Refusal;

/**
 * Counts what the mesh holds, per port, per (port, source IP) and in descriptors, and says whether
 * a new TCP connection or UDP flow may open. Callers `add` what they opened and `remove` it once.
 */
export class MeshLedger {
  private fds = 0;
  private readonly perPort = new Map<string, number>();
  private readonly perSource = new Map<string, number>();

  constructor(readonly limits: MeshLimits) {}

  /** Descriptors held now (counted, not read from /proc). */
  get fdsHeld(): number {
    return this.fds;
  }

  /** Connections/flows open on `port` (a listener key such as `tcp/8080`). */
  openOn(port: string): number {
    return this.perPort.get(port) ?? 0;
  }

  /** May a new TCP connection from `source` open on `port`? Undefined = yes. */
  tcpVerdict(port: string, source: string): Refusal | undefined {
    const { tcpPerPort, tcpPerSource, fdBudget } = this.limits;
    if (this.openOn(port) >= tcpPerPort) return { refused: "port", limit: tcpPerPort };
    if ((this.perSource.get(sourceKey(port, source)) ?? 0) >= tcpPerSource) return { refused: "source", limit: tcpPerSource };
    if (this.fds + FDS_PER_TCP > fdBudget) return { refused: "budget", limit: fdBudget };
    return undefined;
  }

  /**
   * May a new UDP flow from `source` open on `port`? At the port cap or the budget the port's least
   * recently used flow makes room, so a fresh client still gets through a spoofed-source flood
   * (the flood's flows are each used once); a source over its own cap is dropped instead, so one
   * address cannot evict everyone else's flows faster than they are used.
   */
  udpVerdict(port: string, source: string): UdpVerdict {
    const { udpPerPort, udpPerSource, fdBudget } = this.limits;
    if ((this.perSource.get(sourceKey(port, source)) ?? 0) >= udpPerSource) return { refused: "source", limit: udpPerSource };
    const open = this.openOn(port);
    if (open >= udpPerPort) return "evict-oldest";
    if (this.fds + FDS_PER_UDP > fdBudget) return open > 0 ? "evict-oldest" : { refused: "budget", limit: fdBudget };
    return "admit";
  }

  /** Records an opened connection (`fds` = {@link FDS_PER_TCP}) or flow ({@link FDS_PER_UDP}). */
  add(port: string, source: string, fds: number): void {
    this.fds += fds;
    bump(this.perPort, port, 1);
    bump(this.perSource, sourceKey(port, source), 1);
  }

  /** Records a closed one; call exactly once per {@link add}. */
  remove(port: string, source: string, fds: number): void {
    this.fds -= fds;
    bump(this.perPort, port, -1);
    bump(this.perSource, sourceKey(port, source), -1);
  }
}

function sourceKey(port: string, source: string): string {
  return `${port}|${source}`;
}

function bump(m: Map<string, number>, key: string, by: number): void {
  const n = (m.get(key) ?? 0) + by;
  if (n <= 0) m.delete(key);
  else m.set(key, n);
}
