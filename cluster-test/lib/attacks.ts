/**
 * Attacks as data (issue [10]). Each file under `cluster-test/attacks/` exports `attacks: Attack[]`;
 * `cluster-test/security.test.ts` brings up one cluster with every kind of caller an attacker could be
 * (see {@link AttackRoles}), runs each attack against it, and asserts the attack was refused **and** that
 * the cluster's state did not change. It prints `attacks tried: N, refused: N, state changed: N`.
 *
 * An attack performs the real thing (a gRPC call with a stolen certificate, a spoofed datagram, an image
 * with a booby-trapped PATH) and reports what the target answered; it never decides "refused" from
 * anything but the target's own reaction.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Cluster } from "./cluster.js";
import { swarmctlOk } from "./swarmctl.js";

/** A node's TLS identity as it sits in its data dir (PEM). */
export interface Identity {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Which host plays which part; every name is a harness host (`h1`…). */
export interface AttackRoles {
  /** Current managers; the first one was the leader when the cluster formed. */
  readonly managers: readonly string[];
  /** Was a manager, then `node demote`d: still runs, now a worker. */
  readonly demoted: string;
  /** Has only ever been a worker. */
  readonly worker: string;
  /** Was a manager, demoted, left and `node rm`ed: its daemon is stopped. */
  readonly removed: string;
}

/** What an attack gets to work with. */
export interface AttackContext {
  readonly c: Cluster;
  readonly roles: AttackRoles;
  /** The published port of the service `web` that runs in the cluster (2 replicas, image demo/web:1). */
  readonly webPort: number;
  /** The published UDP port of the service `echo` (2 replicas, image demo/udp-echo:1: answers each datagram with its bytes). */
  readonly echoUdpPort: number;
  /** The identity a host had when it was a manager (saved before it was demoted/removed), or its current one. */
  identity(host: string, when?: "as-manager" | "now"): Identity;
  /** The host that is Raft leader now. */
  leader(): Promise<string>;
  /** The last `lines` lines of a host's swarmd log. */
  log(host: string, lines?: number): string;
}

/** What the target did with the attack. */
export interface AttackOutcome {
  /** True when the target refused (an error, a closed connection, a dropped packet with no effect). */
  readonly refused: boolean;
  /** What was seen, for the report: the error text, the log line, the figure. */
  readonly detail: string;
}

/** One attack. */
export interface Attack {
  /** The area it belongs to (raft, control, dispatcher, gossip, mesh, image, local, runtime). */
  readonly area: string;
  readonly name: string;
  /** Time the attack may take (default 60 s). */
  readonly timeoutMs?: number;
  run(ctx: AttackContext): Promise<AttackOutcome>;
}

/** Reads a host's current TLS identity from its data dir. */
export function readIdentity(dataDir: string): Identity {
  const dir = join(dataDir, "certificates");
  return { ca: readFileSync(join(dir, "ca.crt")), cert: readFileSync(join(dir, "node.crt")), key: readFileSync(join(dir, "node.key")) };
}

/** `obj[key]` with the key matched case-insensitively (proto-shaped `spec` or Docker-shaped `Spec`). */
function field(obj: unknown, key: string): unknown {
  if (typeof obj !== "object" || obj === null) return undefined;
  const k = Object.keys(obj).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : (obj as Record<string, unknown>)[k];
}

/**
 * The cluster's state as an attack could change it: every node's id, role, spec, Raft id and address, and
 * every service's id and spec, read through `manager` with `swarmctl … inspect`. Two snapshots are equal
 * when nothing was written (heartbeats and task states are left out: they change on their own).
 */
export async function stateSnapshot(c: Cluster, manager: string): Promise<string> {
  const list = async (kind: string): Promise<unknown[]> => {
    const ids = (await swarmctlOk(c, manager, kind, "ls", "-q")).split("\n").map((l) => l.trim()).filter((l) => l !== "");
    return ids.length === 0 ? [] : (JSON.parse(await swarmctlOk(c, manager, kind, "inspect", "--raw", ...ids)) as unknown[]);
  };
  const nodes = (await list("node")).map((n) => {
    const ms = field(n, "managerStatus");
    return { id: field(n, "id"), role: field(n, "role"), spec: field(n, "spec"), raftId: field(ms, "raftId"), addr: field(ms, "addr") };
  });
  const services = (await list("service")).map((s) => ({ id: field(s, "id"), spec: field(s, "spec") }));
  const byId = (a: { id: unknown }, b: { id: unknown }): number => String(a.id).localeCompare(String(b.id));
  return JSON.stringify({ nodes: nodes.sort(byId), services: services.sort(byId) }, null, 1);
}

/** Where attack files live and how they are found. */
export const ATTACKS_DIR = new URL("../attacks/", import.meta.url);
