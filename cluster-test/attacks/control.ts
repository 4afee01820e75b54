/**
 * Attacks on the control API of a manager's cluster port (2377): writes by callers that are not current
 * managers. Each tries `CreateService` of a service that would bind-mount the host's `/` on every node.
 */
import { protos } from "../../src/rpc/services.js";
import { ATTACK_CHANNEL_OPTIONS, callerCredentials, selfSignedIdentity, unaryError, type Caller } from "../lib/attack-clients.js";
import type { Attack, AttackContext, AttackOutcome } from "../lib/attacks.js";

const CLUSTER_PORT = 2377;

const evilSpec = {
  annotations: { name: "evil" },
  task: { container: { image: "demo/web:1", mounts: [{ type: "BIND", source: "/", target: "/host" }] } },
  mode: { global: {} },
};

/** Calls CreateService on the leader as `caller`; refused when the call fails. */
async function createAs(ctx: AttackContext, caller: Caller): Promise<AttackOutcome> {
  const leader = await ctx.leader();
  const client = new protos.control.Control(`${ctx.c.host(leader).ip}:${CLUSTER_PORT}`, callerCredentials(caller), ATTACK_CHANNEL_OPTIONS);
  try {
    const err = await unaryError(client, "CreateService", { spec: evilSpec });
    return { refused: err !== undefined, detail: err === undefined ? "CreateService succeeded" : `${err.code}: ${err.details}` };
  } finally {
    client.close();
  }
}

export const attacks: Attack[] = [
  { area: "control", name: "CreateService with no client certificate", run: (ctx) => createAs(ctx, { kind: "none", ca: ctx.identity("h1", "now").ca }) },
  { area: "control", name: "CreateService with a worker's certificate", run: (ctx) => createAs(ctx, { kind: "identity", identity: ctx.identity(ctx.roles.worker, "now") }) },
  { area: "control", name: "CreateService with a self-signed OU=swarm-manager certificate", run: async (ctx) => createAs(ctx, { kind: "self-signed", identity: await selfSignedIdentity("manager") }) },
];
