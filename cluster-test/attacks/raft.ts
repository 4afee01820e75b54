/**
 * Attacks on a manager's Raft port (cluster port + 1) of the current leader, with bare
 * `swarm.raft.Raft/Send` streams: callers that are not members, a member's certificate with
 * implausible or oversized messages, and an entry no replica can decode. Each reports the status the
 * leader answered (or, for the undecodable entry, what every manager logged).
 */
import type { Message } from "../../src/gen/swarm/raft/Message.js";
import { encodeConfChange } from "../../src/raft/core/confchange.js";
import { parseNodeCertificate } from "../../src/ca/certs.js";
import { MAX_RAFT_MESSAGE_BYTES } from "../../src/raft/transport/transport.js";
import { sendRaw, type SendOutcome } from "../../src/raft/server/testing/raw-peer.js";
import { ATTACK_CHANNEL_OPTIONS, callerCredentials, selfSignedIdentity, type Caller } from "../lib/attack-clients.js";
import type { Attack, AttackContext, AttackOutcome, Identity } from "../lib/attacks.js";
import { swarmctlOk } from "../lib/swarmctl.js";

const RAFT_PORT = 2378;
/** A Raft id no member has (the issue's "unknown id"). */
const STRANGER = 999_999;

/** The leader's host and Raft id. */
async function leaderOf(ctx: AttackContext): Promise<{ host: string; raftId: number }> {
  const host = await ctx.leader();
  return { host, raftId: await raftIdOf(ctx, host) };
}

/** A host's Raft id, as the store holds it (managerStatus.raftId of the node its certificate names). */
async function raftIdOf(ctx: AttackContext, host: string): Promise<number> {
  const nodeId = parseNodeCertificate(ctx.identity(host, "now").cert.toString()).nodeId;
  const [node] = JSON.parse(await swarmctlOk(ctx.c, ctx.roles.managers[0]!, "node", "inspect", "--raw", nodeId)) as Record<string, Record<string, unknown> | undefined>[];
  const ms = node?.managerStatus ?? node?.ManagerStatus;
  const raftId = Number(ms?.raftId ?? ms?.RaftId ?? ms?.raft_id ?? 0);
  if (!(raftId > 0)) throw new Error(`${host} (node ${nodeId}) has no raft id in the store`);
  return raftId;
}

/** A current manager other than the leader (h2 unless h2 leads), with its Raft id. */
async function memberOtherThan(ctx: AttackContext, leader: string): Promise<{ host: string; raftId: number; identity: Identity }> {
  const host = ctx.roles.managers.find((h) => h !== leader && h === "h2") ?? ctx.roles.managers.find((h) => h !== leader)!;
  return { host, raftId: await raftIdOf(ctx, host), identity: ctx.identity(host, "now") };
}

async function sendToLeader(ctx: AttackContext, caller: Caller, build: (leader: number) => Message[], timeoutMs?: number): Promise<{ out: SendOutcome; leader: string }> {
  const { host, raftId } = await leaderOf(ctx);
  const out = await sendRaw(`${ctx.c.host(host).ip}:${RAFT_PORT}`, callerCredentials(caller), build(raftId), { channel: ATTACK_CHANNEL_OPTIONS, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  return { out, leader: host };
}

const answered = (r: { out: SendOutcome; leader: string }): AttackOutcome => ({ refused: !r.out.ok, detail: `${r.leader} answered ${r.out.code}: ${r.out.details || "(no details)"}` });

/** The issue's attack: a heartbeat of term 2^40 from an unknown id (it used to depose the leader). */
const stealHeartbeat = (from: number) => (to: number): Message[] => [{ type: "MSG_HEARTBEAT", from, to, term: 2 ** 40, commit: 0 }];
const normalProp = (from: number) => (to: number): Message[] => [{ type: "MSG_PROP", from, to, entries: [{ type: "ENTRY_NORMAL", data: Buffer.from("forged") }] }];
const addVoterProp = (from: number) => (to: number): Message[] => [
  { type: "MSG_PROP", from, to, entries: [{ type: "ENTRY_CONF_CHANGE", data: encodeConfChange({ type: "CONF_ADD_VOTER", nodeId: from, context: Buffer.from("10.0.0.66:2378") }) }] },
];

/** Skip lines a manager logged: "… skipped undecodable committed entry at index N". */
function skippedIndexes(ctx: AttackContext, host: string): Set<number> {
  const found = new Set<number>();
  for (const m of ctx.log(host, 2000).matchAll(/skipped undecodable committed entry at index (\d+)/g)) found.add(Number(m[1]));
  return found;
}

async function undecodableEntry(ctx: AttackContext): Promise<AttackOutcome> {
  const leader = await ctx.leader();
  const member = await memberOtherThan(ctx, leader);
  const before = new Map(ctx.roles.managers.map((h) => [h, skippedIndexes(ctx, h)]));
  const r = await sendToLeader(ctx, { kind: "identity", identity: member.identity }, (to) => [
    { type: "MSG_PROP", from: member.raftId, to, entries: [{ type: "ENTRY_NORMAL", data: Buffer.from([0xff, 0x00, 0x01]) }] },
  ]);
  // Refused means: committed, and skipped by every manager (logged with its index); the cluster is still led.
  const deadline = Date.now() + 20_000;
  let fresh = new Map<string, number[]>();
  while (Date.now() < deadline) {
    fresh = new Map(ctx.roles.managers.map((h) => [h, [...skippedIndexes(ctx, h)].filter((i) => !before.get(h)!.has(i))]));
    const indexes = new Set([...fresh.values()].flat());
    if ([...fresh.values()].every((l) => l.length > 0) && indexes.size === 1) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  const indexes = new Set([...fresh.values()].flat());
  const everyone = [...fresh.values()].every((l) => l.length > 0) && indexes.size === 1;
  const ledBy = await ctx.leader();
  const seen = [...fresh].map(([h, l]) => `${h}: ${l.length === 0 ? "no skip logged" : `skipped index ${l.join(",")}`}`).join("; ");
  return { refused: everyone, detail: `as ${member.host} (raft id ${member.raftId}) → ${r.leader} answered ${r.out.code}; ${seen}; leader now ${ledBy}` };
}

export const attacks: Attack[] = [
  { area: "raft", name: "Send a term-2^40 heartbeat with no client certificate", run: async (ctx) => answered(await sendToLeader(ctx, { kind: "none", ca: ctx.identity("h1", "now").ca }, stealHeartbeat(STRANGER))) },
  { area: "raft", name: "Send a term-2^40 heartbeat with a worker's certificate", run: async (ctx) => answered(await sendToLeader(ctx, { kind: "identity", identity: ctx.identity(ctx.roles.worker, "now") }, stealHeartbeat(STRANGER))) },
  {
    area: "raft",
    name: "Send a term-2^40 heartbeat with a self-signed OU=swarm-manager certificate",
    run: async (ctx) => answered(await sendToLeader(ctx, { kind: "self-signed", identity: await selfSignedIdentity("manager") }, stealHeartbeat(STRANGER))),
  },
  {
    area: "raft",
    name: "MSG_PROP (a forged write) with the removed node's saved manager certificate",
    run: async (ctx) => answered(await sendToLeader(ctx, { kind: "identity", identity: ctx.identity(ctx.roles.removed, "as-manager") }, normalProp(STRANGER))),
  },
  {
    area: "raft",
    name: "MSG_PROP (a forged write) with the demoted h4's saved manager certificate",
    run: async (ctx) => answered(await sendToLeader(ctx, { kind: "identity", identity: ctx.identity(ctx.roles.demoted, "as-manager") }, normalProp(STRANGER))),
  },
  {
    area: "raft",
    name: "MSG_PROP of a config change (add itself as a voter) with the removed node's saved manager certificate",
    run: async (ctx) => answered(await sendToLeader(ctx, { kind: "identity", identity: ctx.identity(ctx.roles.removed, "as-manager") }, addVoterProp(STRANGER))),
  },
  {
    area: "raft",
    name: "a member's certificate speaking as another member (h2's cert, from = the third manager)",
    run: async (ctx) => {
      const leader = await ctx.leader();
      const member = await memberOtherThan(ctx, leader);
      const third = ctx.roles.managers.find((h) => h !== leader && h !== member.host)!;
      return answered(await sendToLeader(ctx, { kind: "identity", identity: member.identity }, stealHeartbeat(await raftIdOf(ctx, third))));
    },
  },
  {
    area: "raft",
    name: "a member's own heartbeat with a term of 2^60",
    run: async (ctx) => {
      const member = await memberOtherThan(ctx, await ctx.leader());
      return answered(await sendToLeader(ctx, { kind: "identity", identity: member.identity }, (to) => [{ type: "MSG_HEARTBEAT", from: member.raftId, to, term: 2 ** 60 }]));
    },
  },
  {
    area: "raft",
    name: `a member's MSG_PROP over the ${MAX_RAFT_MESSAGE_BYTES / 1024 / 1024} MiB message limit`,
    timeoutMs: 120_000,
    run: async (ctx) => {
      const member = await memberOtherThan(ctx, await ctx.leader());
      const big = Buffer.alloc(MAX_RAFT_MESSAGE_BYTES + 1024, 0x61);
      return answered(await sendToLeader(ctx, { kind: "identity", identity: member.identity }, (to) => [{ type: "MSG_PROP", from: member.raftId, to, entries: [{ type: "ENTRY_NORMAL", data: big }] }], 60_000));
    },
  },
  { area: "raft", name: "a member proposes an entry no replica can decode (cluster stays up, every manager logs the skip)", timeoutMs: 120_000, run: undecodableEntry },
];
