/**
 * Attacks on the leader's dispatcher (cluster port 2377): a removed node's session (Heartbeat hands out
 * the gossip keys; Assignments is the node's task session), and a worker's heartbeat whose address would
 * inject arguments into `bridge fdb append … dst` on every node.
 */
import type { ClientReadableStream, ServiceError } from "@grpc/grpc-js";
import type { HeartbeatResponse__Output } from "../../src/gen/swarm/dispatcher/HeartbeatResponse.js";
import { callUnary } from "../../src/rpc/grpc.js";
import { protos } from "../../src/rpc/services.js";
import { ATTACK_CHANNEL_OPTIONS, callerCredentials } from "../lib/attack-clients.js";
import type { Attack, AttackContext, AttackOutcome, Identity } from "../lib/attacks.js";
import { swarmctlOk } from "../lib/swarmctl.js";
import { answered, ATTACK_TIMEOUT_MS, callLeaderAs, nodeIdOf } from "./revoke.js";

const CLUSTER_PORT = 2377;

function dispatcherClient(addr: string, creds: ReturnType<typeof callerCredentials>) {
  return new protos.dispatcher.Dispatcher(addr, creds, ATTACK_CHANNEL_OPTIONS);
}

/** Heartbeat as `identity`; refused only if the leader answered with an error (so with no gossip key). */
async function heartbeatAs(ctx: AttackContext, identity: Identity, addr: string): Promise<{ err: ServiceError | undefined; keys: number }> {
  const leader = await ctx.leader();
  const client = dispatcherClient(`${ctx.c.host(leader).ip}:${CLUSTER_PORT}`, callerCredentials({ kind: "identity", identity }));
  try {
    const res = await callUnary<HeartbeatResponse__Output>((md, o, cb) => client.Heartbeat({ addr, hostname: "attacker" }, md, o, cb), 10_000);
    return { err: undefined, keys: res.gossipKeys.length };
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    return { err: (cause ?? err) as ServiceError, keys: 0 };
  } finally {
    client.close();
  }
}

/** Opens the Assignments stream (the node's session) as `identity`: the first message or the error. */
async function assignmentsAs(ctx: AttackContext, identity: Identity): Promise<AttackOutcome> {
  const leader = await ctx.leader();
  const client = dispatcherClient(`${ctx.c.host(leader).ip}:${CLUSTER_PORT}`, callerCredentials({ kind: "identity", identity }));
  try {
    const stream = client.Assignments({}) as ClientReadableStream<{ type: string; updateTasks: unknown[] }>;
    return await new Promise<AttackOutcome>((resolve) => {
      const timer = setTimeout(() => {
        stream.cancel();
        resolve({ refused: false, detail: "the stream stayed open for 10 s without an error" });
      }, 10_000);
      stream.once("data", (m: { type: string; updateTasks: unknown[] }) => {
        clearTimeout(timer);
        stream.cancel();
        resolve({ refused: false, detail: `Assignments answered: ${m.type} with ${m.updateTasks.length} tasks` });
      });
      stream.once("error", (err: ServiceError) => {
        clearTimeout(timer);
        resolve({ refused: true, detail: `${err.code}: ${err.details}` });
      });
    });
  } finally {
    client.close();
  }
}

/** The address the store holds for a node, read through a manager. */
async function nodeAddr(ctx: AttackContext, manager: string, ref: string): Promise<string> {
  const [node] = JSON.parse(await swarmctlOk(ctx.c, manager, "node", "inspect", "--raw", ref)) as { status?: { addr?: string } }[];
  return node?.status?.addr ?? "";
}

async function removedHeartbeat(ctx: AttackContext): Promise<AttackOutcome> {
  const identity = ctx.identity(ctx.roles.removed, "as-manager");
  const { err, keys } = await heartbeatAs(ctx, identity, `${ctx.c.host(ctx.roles.removed).ip}:${CLUSTER_PORT}`);
  return { refused: err !== undefined && keys === 0, detail: `node ${nodeIdOf(identity)}: ${answered(err, `Heartbeat answered with ${keys} gossip key(s)`)}` };
}

async function injectedAddr(ctx: AttackContext): Promise<AttackOutcome> {
  const host = ctx.roles.worker;
  const leader = await ctx.leader();
  const before = await nodeAddr(ctx, leader, host);
  const { err } = await heartbeatAs(ctx, ctx.identity(host, "now"), "10.0.0.1 dev lo");
  await new Promise((r) => setTimeout(r, 1_000)); // a write that got through has committed by now
  const after = await nodeAddr(ctx, leader, host);
  const unchanged = before === after && before !== "";
  return { refused: err !== undefined && unchanged, detail: `${answered(err, "Heartbeat accepted")}; ${host}'s address ${JSON.stringify(before)} → ${JSON.stringify(after)}` };
}

export const attacks: Attack[] = [
  { area: "dispatcher", timeoutMs: ATTACK_TIMEOUT_MS, name: "Heartbeat with the removed h6's saved manager certificate (gossip key)", run: removedHeartbeat },
  { area: "dispatcher", timeoutMs: ATTACK_TIMEOUT_MS, name: "Assignments session with the removed h6's saved manager certificate", run: (ctx) => assignmentsAs(ctx, ctx.identity(ctx.roles.removed, "as-manager")) },
  { area: "dispatcher", timeoutMs: ATTACK_TIMEOUT_MS, name: 'Heartbeat from the worker h5 with addr "10.0.0.1 dev lo" (argv injection)', run: injectedAddr },
  {
    area: "dispatcher",
    timeoutMs: ATTACK_TIMEOUT_MS,
    name: "UpdateTaskStatus with the removed h6's saved manager certificate",
    run: async (ctx) => {
      const identity = ctx.identity(ctx.roles.removed, "as-manager");
      const { err } = await callLeaderAs(ctx, identity, dispatcherClient, "UpdateTaskStatus", { updates: [] });
      return { refused: err !== undefined, detail: `node ${nodeIdOf(identity)}: ${answered(err, "UpdateTaskStatus accepted")}` };
    },
  },
];
