/**
 * Revocation (issue [10], "Removing or demoting a node revokes nothing"): the manager certificates h4
 * and h6 held before they were demoted (h4) and demoted and removed (h6) are still signed by the cluster
 * CA and valid for 90 days. Each attack presents one on a manager-only RPC of the leader — CreateService
 * of a service that bind-mounts the host's `/`, or RaftMembership.Join (a learner gets a snapshot that
 * holds the CA key) — and counts as refused only when the leader answered with an error and, for Join,
 * never logged adding the node to Raft.
 */
import type { Client, ServiceError } from "@grpc/grpc-js";
import { parseNodeCertificate } from "../../src/ca/certs.js";
import { protos } from "../../src/rpc/services.js";
import { ATTACK_CHANNEL_OPTIONS, callerCredentials, unaryError } from "../lib/attack-clients.js";
import type { Attack, AttackContext, AttackOutcome, Identity } from "../lib/attacks.js";

const CLUSTER_PORT = 2377;

/**
 * Time each attack may take. The call itself takes well under a second; security.test.ts adds 30 s
 * for the state snapshots around it, which took 45-90 s each on a 2-core machine at load 27, so the
 * default 60 + 30 s timed out while the attack had already been refused.
 */
export const ATTACK_TIMEOUT_MS = 120_000;

/** A service that would mount every node's `/` into a container. */
const evilSpec = {
  annotations: { name: "evil-revoked" },
  task: { container: { image: "demo/web:1", mounts: [{ type: "BIND", source: "/", target: "/host" }] } },
  mode: { global: {} },
};

/** The node id a certificate names. */
export function nodeIdOf(identity: Identity): string {
  return parseNodeCertificate(identity.cert.toString()).nodeId;
}

/** Calls `method` on the leader's cluster port with `identity`; resolves with the error (undefined on success). */
export async function callLeaderAs(
  ctx: AttackContext,
  identity: Identity,
  make: (addr: string, creds: ReturnType<typeof callerCredentials>) => Client,
  method: string,
  request: unknown,
): Promise<{ leader: string; err: ServiceError | undefined }> {
  const leader = await ctx.leader();
  const client = make(`${ctx.c.host(leader).ip}:${CLUSTER_PORT}`, callerCredentials({ kind: "identity", identity }));
  try {
    return { leader, err: await unaryError(client, method, request) };
  } finally {
    client.close();
  }
}

/** What the target answered, for the report. */
export function answered(err: ServiceError | undefined, success: string): string {
  return err === undefined ? success : `${err.code}: ${err.details}`;
}

/** The time (ms) of a swarmd JSON log line (pino's `time`), or -1. */
function loggedAt(line: string): number {
  try {
    const t = (JSON.parse(line) as { time?: unknown }).time;
    return typeof t === "number" ? t : -1;
  } catch {
    return -1;
  }
}

async function createServiceAs(ctx: AttackContext, host: string): Promise<AttackOutcome> {
  const identity = ctx.identity(host, "as-manager");
  const { err } = await callLeaderAs(ctx, identity, (a, c) => new protos.control.Control(a, c, ATTACK_CHANNEL_OPTIONS), "CreateService", { spec: evilSpec });
  return { refused: err !== undefined, detail: `${host}'s saved manager certificate (node ${nodeIdOf(identity)}): ${answered(err, "CreateService succeeded")}` };
}

async function joinAs(ctx: AttackContext, host: string): Promise<AttackOutcome> {
  const identity = ctx.identity(host, "as-manager");
  const nodeId = nodeIdOf(identity);
  const ip = ctx.c.host(host).ip;
  const request = { raftId: 4242, raftAddr: `${ip}:${CLUSTER_PORT + 1}`, apiAddr: `${ip}:${CLUSTER_PORT}` };
  const since = Date.now();
  const { leader, err } = await callLeaderAs(ctx, identity, (a, c) => new protos.membership.RaftMembership(a, c, ATTACK_CHANNEL_OPTIONS), "Join", request);
  // The leader logs before it adds a learner: a refusal that still reached Raft is not a refusal. Only
  // lines from this call count (h4 and h6 were added once, legitimately, when they joined as managers).
  const added = ctx.log(leader, 2000).split("\n").some((l) => l.includes("adding manager to raft as a learner") && l.includes(nodeId) && loggedAt(l) >= since);
  return { refused: err !== undefined && !added, detail: `${host}'s saved manager certificate (node ${nodeId}): ${answered(err, "Join succeeded")}${added ? "; the leader added it to raft" : ""}` };
}

export const attacks: Attack[] = [
  { area: "revoke", timeoutMs: ATTACK_TIMEOUT_MS, name: "CreateService with the demoted h4's saved manager certificate", run: (ctx) => createServiceAs(ctx, ctx.roles.demoted) },
  { area: "revoke", timeoutMs: ATTACK_TIMEOUT_MS, name: "RaftMembership.Join with the demoted h4's saved manager certificate", run: (ctx) => joinAs(ctx, ctx.roles.demoted) },
  { area: "revoke", timeoutMs: ATTACK_TIMEOUT_MS, name: "CreateService with the removed h6's saved manager certificate", run: (ctx) => createServiceAs(ctx, ctx.roles.removed) },
  { area: "revoke", timeoutMs: ATTACK_TIMEOUT_MS, name: "RaftMembership.Join with the removed h6's saved manager certificate", run: (ctx) => joinAs(ctx, ctx.roles.removed) },
];
