/**
 * Attacks on the gossip port (cluster port + 2, UDP and TCP) of every node, from the test process:
 * - a forged "dead" for a live node, sealed with the key the removed h6 knew (the previous key since
 *   `node rm` rotated it), sent after the grace — every node must refuse it and keep the node alive;
 * - a replayed datagram sealed with the current key (as a member or an eavesdropper would have it):
 *   the first copy is answered, the repeats are dropped and logged as replays;
 * - 2000 TCP connections that never send a hello: capped at once, membership unchanged, the mesh serves.
 * The keys come from a Heartbeat made with the worker h5's own certificate (what any member gets).
 */
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { randomInt } from "node:crypto";
import type { HeartbeatResponse__Output } from "../../src/gen/swarm/dispatcher/HeartbeatResponse.js";
import { protos } from "../../src/rpc/services.js";
import { decodePacket, encodePacket } from "../../src/gossip/codec.js";
import { PacketSealer } from "../../src/gossip/envelope.js";
import { Keyring } from "../../src/gossip/keyring.js";
import type { Packet } from "../../src/gen/swarm/gossip/Packet.js";
import { ATTACK_CHANNEL_OPTIONS, callerCredentials } from "../lib/attack-clients.js";
import type { Attack, AttackContext, AttackOutcome } from "../lib/attacks.js";
import { swarmctlOk } from "../lib/swarmctl.js";

const CLUSTER_PORT = 2377;
const GOSSIP_PORT = CLUSTER_PORT + 2;
const LOG_LINES = 50_000;

/** Live hosts (every role but the removed one). */
function liveHosts(ctx: AttackContext): string[] {
  return [...ctx.roles.managers, ctx.roles.demoted, ctx.roles.worker];
}

/** The cluster's gossip keys (sending key first), as the worker's own heartbeat returns them. */
async function gossipKeys(ctx: AttackContext): Promise<Buffer[]> {
  const leader = ctx.c.host(await ctx.leader());
  const worker = ctx.c.host(ctx.roles.worker);
  const client = new protos.dispatcher.Dispatcher(`${leader.ip}:${CLUSTER_PORT}`, callerCredentials({ kind: "identity", identity: ctx.identity(ctx.roles.worker, "now") }), ATTACK_CHANNEL_OPTIONS);
  try {
    const res = await new Promise<HeartbeatResponse__Output>((resolve, reject) =>
      client.Heartbeat({ addr: `${worker.ip}:${CLUSTER_PORT}`, hostname: ctx.roles.worker }, { deadline: new Date(Date.now() + 10_000) }, (err, r) => (err !== null || r === undefined ? reject(err ?? new Error("no response")) : resolve(r))),
    );
    return res.gossipKeys;
  } finally {
    client.close();
  }
}

/** A node's id (its gossip member name). */
async function nodeId(ctx: AttackContext, host: string): Promise<string> {
  const [node] = JSON.parse(await swarmctlOk(ctx.c, await ctx.leader(), "node", "inspect", "--raw", host)) as Record<string, unknown>[];
  const id = node?.id ?? node?.ID;
  if (typeof id !== "string" || id === "") throw new Error(`node inspect ${host}: no id`);
  return id;
}

/** The highest value of `"field":N` in a host's log (0 when absent): a counter the node logged. */
function loggedCounter(ctx: AttackContext, host: string, field: string): number {
  let max = 0;
  for (const m of ctx.log(host, LOG_LINES).matchAll(new RegExp(`"${field}":(\\d+)`, "g"))) max = Math.max(max, Number(m[1]));
  return max;
}

/** Lines of a host's log that report a membership change of `event` about `member` (any member when omitted). */
function membershipChanges(ctx: AttackContext, host: string, events: readonly string[], member?: string): number {
  return ctx.log(host, LOG_LINES).split("\n").filter((l) =>
    l.includes("gossip membership change") && events.some((e) => l.includes(`"event":"${e}"`)) && (member === undefined || l.includes(`"member":"${member}"`)),
  ).length;
}

/** Whether the published web service answers through h1's mesh, asked from the worker's host. */
async function webAnswers(ctx: AttackContext): Promise<boolean> {
  const r = await ctx.c.host(ctx.roles.worker).exec(["curl", "-s", "--max-time", "3", `http://${ctx.c.host("h1").ip}:${ctx.webPort}/`]);
  return r.code === 0 && /web v1/.test(r.stdout);
}

async function waitWeb(ctx: AttackContext): Promise<void> {
  await ctx.c.waitFor(() => webAnswers(ctx), (ok) => ok, { timeoutMs: 60_000, describe: "web answering through the mesh" });
}

function seal(key: Buffer, sealer: PacketSealer, packet: Packet): Buffer {
  return new Keyring(key).encrypt(encodePacket(sealer.stamp(packet)));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The removed node's key (the previous one) after the grace: a forged "dead" for a live worker. */
async function forgedDeadWithOldKey(ctx: AttackContext): Promise<AttackOutcome> {
  await waitWeb(ctx);
  const keys = await gossipKeys(ctx);
  const oldKey = keys[1];
  if (oldKey === undefined) return { refused: false, detail: `the cluster lists ${keys.length} gossip key(s): node rm did not rotate the key` };
  const live = liveHosts(ctx);
  // Every live node heard of the new key and its grace for the old one ended (it logs the retirement).
  await ctx.c.waitFor(() => live.filter((h) => !ctx.log(h, LOG_LINES).includes("gossip key retired")), (left) => left.length === 0, { timeoutMs: 90_000, describe: "every live node retired the old gossip key" });
  const victim = await nodeId(ctx, ctx.roles.worker);
  const removed = "removed-" + ctx.roles.removed;
  const before = new Map(live.map((h) => [h, { refused: loggedCounter(ctx, h, "droppedUnauthenticated"), dead: membershipChanges(ctx, h, ["dead", "suspect"], victim) }]));
  // Three accusers (corroboration would be met if it decrypted), a new incarnation, sent 5 times to each node.
  const sealer = new PacketSealer(removed, Date.now());
  const sock = createSocket("udp4");
  try {
    for (let i = 0; i < 5; i++) {
      for (const h of live) {
        for (const from of [removed, "accuser-2", "accuser-3"]) {
          sock.send(seal(oldKey, sealer, { messages: [{ dead: { incarnation: 1_000_000, node: victim, from } }] }), GOSSIP_PORT, ctx.c.host(h).ip);
        }
      }
      await sleep(200);
    }
  } finally {
    sock.close();
  }
  await sleep(8_000); // longer than the minimum suspicion timeout of a 5-member cluster
  const after = live.map((h) => ({ h, refused: loggedCounter(ctx, h, "droppedUnauthenticated") - (before.get(h)?.refused ?? 0), dead: membershipChanges(ctx, h, ["dead", "suspect"], victim) - (before.get(h)?.dead ?? 0) }));
  const web = await webAnswers(ctx);
  const refused = after.every((a) => a.refused > 0 && a.dead === 0) && web;
  return { refused, detail: `victim ${victim} (${ctx.roles.worker}); per node unauthenticated drops / suspect+dead events: ${after.map((a) => `${a.h} ${a.refused}/${a.dead}`).join(", ")}; web through the mesh: ${web ? "answers" : "DOWN"}` };
}

/** A ping sealed with the current key sent once (answered), then the same bytes 3 more times. */
async function replayedDatagram(ctx: AttackContext): Promise<AttackOutcome> {
  const [key] = await gossipKeys(ctx);
  if (key === undefined) return { refused: false, detail: "no gossip key" };
  const targetHost = ctx.roles.managers[1] ?? "h2";
  const target = await nodeId(ctx, targetHost);
  const seqNo = randomInt(1, 2 ** 31);
  const bytes = seal(key, new PacketSealer("eavesdropped-" + ctx.roles.worker, Date.now()), { messages: [{ ping: { seqNo, target, source: "x", sourceAddr: "" } }] });
  const replaysBefore = loggedCounter(ctx, targetHost, "droppedReplayed");
  const sock = createSocket("udp4");
  let acks = 0;
  sock.on("message", (msg) => {
    const plain = new Keyring(key).decrypt(msg);
    const d = plain === undefined ? undefined : decodePacket(plain);
    if (d?.ok === true && d.packet.messages.some((m) => m.body === "ack" && m.ack?.seqNo === seqNo)) acks++;
  });
  try {
    await new Promise<void>((resolve) => sock.bind(0, "0.0.0.0", resolve));
    const ip = ctx.c.host(targetHost).ip;
    sock.send(bytes, GOSSIP_PORT, ip);
    for (let i = 0; i < 30 && acks === 0; i++) await sleep(100);
    const first = acks;
    for (let i = 0; i < 3; i++) sock.send(bytes, GOSSIP_PORT, ip);
    await ctx.c.waitFor(() => loggedCounter(ctx, targetHost, "droppedReplayed"), (n) => n >= replaysBefore + 3, { timeoutMs: 10_000, describe: `${targetHost} logging 3 replays` }).catch(() => undefined);
    await sleep(1_000);
    const replays = loggedCounter(ctx, targetHost, "droppedReplayed") - replaysBefore;
    return {
      refused: first === 1 && acks === 1 && replays >= 3,
      detail: `first copy acked ${first} time(s); after 3 replays acks total ${acks}; ${targetHost} counted ${replays} replay(s) (droppedReplayed)`,
    };
  } finally {
    sock.close();
  }
}

/** 2000 TCP connections to one node's gossip port that never send a byte. */
async function connectionFlood(ctx: AttackContext): Promise<AttackOutcome> {
  await waitWeb(ctx);
  const live = liveHosts(ctx);
  const targetHost = ctx.roles.managers[1] ?? "h2";
  const ip = ctx.c.host(targetHost).ip;
  const changesBefore = live.map((h) => membershipChanges(ctx, h, ["dead", "suspect"]));
  const total = 2000;
  let closedFast = 0;
  let closedByTarget = 0;
  let failed = 0;
  const t0 = Date.now();
  const one = (): Promise<void> => new Promise((resolve) => {
    const s = connect({ host: ip, port: GOSSIP_PORT });
    let openedAt = 0;
    let gaveUp = false;
    s.on("error", () => undefined);
    s.once("connect", () => (openedAt = Date.now()));
    s.once("close", () => {
      if (openedAt === 0) failed++;
      else if (!gaveUp) closedByTarget++;
      if (openedAt !== 0 && Date.now() - openedAt < 1_000) closedFast++;
      resolve();
    });
    // The attacker never writes; it gives up after 5 s (well past the 2 s hello timeout).
    setTimeout(() => {
      gaveUp = true;
      s.destroy();
    }, 5_000).unref();
  });
  const running = new Set<Promise<void>>();
  for (let i = 0; i < total; i++) {
    const p = one().finally(() => running.delete(p));
    running.add(p);
    if (running.size >= 200) await Promise.race(running);
  }
  await Promise.all(running);
  const floodMs = Date.now() - t0;
  await sleep(3_000);
  const changes = live.map((h, i) => membershipChanges(ctx, h, ["dead", "suspect"]) - (changesBefore[i] ?? 0));
  const capped = loggedCounter(ctx, targetHost, "tcpCapped") > 0;
  const web = await webAnswers(ctx);
  // Every connection is closed by the target: over the cap at once, the few within it at the hello timeout.
  const refused = closedByTarget >= total - 10 && capped && changes.every((n) => n === 0) && web;
  return {
    refused,
    detail: `${total} connections in ${floodMs} ms: ${closedByTarget} closed by ${targetHost} (${closedFast} within 1 s of connect, as the client saw it), ${failed} never connected; cap logged: ${capped}; suspect/dead events per node: ${changes.join(",")}; web: ${web ? "answers" : "DOWN"}`,
  };
}

export const attacks: Attack[] = [
  { area: "gossip", name: "forged 'dead' for a live node with the removed h6's old key, after the grace", timeoutMs: 150_000, run: forgedDeadWithOldKey },
  { area: "gossip", name: "a datagram sealed with the current key, replayed", timeoutMs: 90_000, run: replayedDatagram },
  { area: "gossip", name: "2000 TCP connections to the gossip port that never send a hello", timeoutMs: 120_000, run: connectionFlood },
];
