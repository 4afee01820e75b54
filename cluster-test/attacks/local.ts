/**
 * Attacks on what a node keeps locally (issue [10]): its control socket, its data dir, and the log lines it
 * may publish. A local non-root user calls the socket; the worker's real certificate publishes a log line
 * for a task that runs on another node, into a live `service logs -f` subscription; and every file of
 * every host's data dir is stat'ed for group/other bits.
 */
import { status, type ClientReadableStream, type ClientWritableStream, type ServiceError } from "@grpc/grpc-js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dataDirModes } from "../../src/daemon/testing/data-dir-modes.js";
import type { PublishLogsMessage } from "../../src/gen/swarm/logs/PublishLogsMessage.js";
import type { SubscribeLogsMessage__Output } from "../../src/gen/swarm/logs/SubscribeLogsMessage.js";
import type { SubscriptionMessage__Output } from "../../src/gen/swarm/logs/SubscriptionMessage.js";
import type { Task__Output } from "../../src/gen/swarm/api/Task.js";
import { protos } from "../../src/rpc/services.js";
import { ATTACK_CHANNEL_OPTIONS, callerCredentials } from "../lib/attack-clients.js";
import type { Attack, AttackContext, AttackOutcome } from "../lib/attacks.js";
import { swarmctlOk } from "../lib/swarmctl.js";

const CLUSTER_PORT = 2377;
const NOBODY = "65534";

/**
 * On `host`, as uid/gid 65534 with no groups: a bare connect(2) to the daemon's socket (the kernel's answer,
 * EACCES when refused) and `swarmctl service rm web` (must fail; its first stderr line is reported).
 */
async function socketAsNobody(ctx: AttackContext, host: string): Promise<AttackOutcome> {
  const h = ctx.c.host(host);
  const asNobody = ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", h.node];
  const script = `require("net").connect(${JSON.stringify(h.socketPath)}).on("connect", function () { console.log("connected"); this.destroy(); }).on("error", (e) => console.log(e.code));`;
  const raw = (await h.execOk([...asNobody, "-e", script])).trim();
  let cli: string;
  let cliFailed: boolean;
  try {
    const r = await h.exec([...asNobody, ctx.c.state.binaries.swarmctl, "service", "rm", "web"], { timeoutMs: 40_000 });
    cliFailed = r.code !== 0;
    cli = `swarmctl exit ${r.code}: ${(r.stderr.trim().split("\n")[0] ?? "").slice(0, 160)}`;
  } catch (err) {
    cliFailed = true; // killed at the timeout: it never got an answer from the daemon
    cli = `swarmctl got no answer in 40 s (${err instanceof Error ? err.message.slice(0, 60) : String(err)})`;
  }
  return { refused: raw === "EACCES" && cliFailed, detail: `connect(2) as uid ${NOBODY}: ${raw}; ${cli}` };
}

/** Resolves with the first value of a stream, or undefined after `ms`. */
function first<T>(stream: ClientReadableStream<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    stream.once("data", (v: T) => (clearTimeout(timer), resolve(v)));
  });
}

/**
 * As the worker (its real certificate): take a live follow subscription of service `web` from the leader
 * (ListenSubscriptions), then publish a line for a `web` task of another node into it. Refused when the
 * broker ends the stream with PERMISSION_DENIED and neither the live subscriber nor `service logs` saw it.
 */
async function forgedLogLine(ctx: AttackContext): Promise<AttackOutcome> {
  const leader = await ctx.leader();
  const addr = `${ctx.c.host(leader).ip}:${CLUSTER_PORT}`;
  const manager = callerCredentials({ kind: "identity", identity: ctx.identity(ctx.roles.managers[0] ?? "h1", "now") });
  const worker = callerCredentials({ kind: "identity", identity: ctx.identity(ctx.roles.worker, "now") });
  const workerNode = (JSON.parse(readFileSync(join(ctx.c.hostState(ctx.roles.worker).dataDir, "state.json"), "utf8")) as { nodeId: string }).nodeId;
  const control = new protos.control.Control(addr, manager, ATTACK_CHANNEL_OPTIONS);
  const logs = new protos.logs.Logs(addr, manager, ATTACK_CHANNEL_OPTIONS);
  const broker = new protos.logs.LogBroker(addr, worker, ATTACK_CHANNEL_OPTIONS);
  const marker = `forged-by-${ctx.roles.worker}-${Date.now()}`;
  try {
    const services = await new Promise<{ id: string }[]>((resolve, reject) => control.ListServices({ filters: { names: ["web"] } }, (err, r) => (err ? reject(err) : resolve(r?.services ?? []))));
    const tasks = await new Promise<Task__Output[]>((resolve, reject) => control.ListTasks({ filters: { serviceIds: services.map((s) => s.id) } }, (err, r) => (err ? reject(err) : resolve(r?.tasks ?? []))));
    const victim = tasks.find((t) => t.nodeId !== "" && t.nodeId !== workerNode);
    if (victim === undefined) throw new Error(`no web task on a node other than ${ctx.roles.worker} (${tasks.length} tasks)`);

    const seen: string[] = [];
    const follow = logs.subscribeLogs({ selector: { serviceIds: [victim.serviceId], taskIds: [] }, options: { follow: true, tail: 0, sinceMs: 0 } });
    follow.on("data", (m: SubscribeLogsMessage__Output) => seen.push(...m.messages.map((l) => l.data.toString())));
    follow.on("error", () => undefined);
    const listen: ClientReadableStream<SubscriptionMessage__Output> = broker.listenSubscriptions({});
    listen.on("error", () => undefined);
    const sub = await first(listen, 10_000);
    if (sub === undefined) throw new Error("the worker's ListenSubscriptions got no subscription within 10 s");

    let publish!: ClientWritableStream<PublishLogsMessage>;
    const ended = new Promise<ServiceError | undefined>((resolve) => {
      publish = broker.publishLogs((err) => resolve(err ?? undefined));
    });
    publish.write({ subscriptionId: sub.id, messages: [{ context: { taskId: victim.id }, timeMs: Date.now(), stream: "STDOUT", data: Buffer.from(`${marker}\n`) }] });
    publish.end();
    const err = await ended;
    await new Promise((r) => setTimeout(r, 1000)); // a line let through reaches the subscriber well within this
    follow.cancel();
    listen.cancel();
    const logged = await swarmctlOk(ctx.c, leader, "service", "logs", "web");
    const leaked = seen.some((l) => l.includes(marker)) || logged.includes(marker);
    const refused = err?.code === status.PERMISSION_DENIED && !leaked;
    return { refused, detail: `${err === undefined ? "publish OK" : `${err.code}: ${err.details}`}; marker in the live stream or \`service logs\`: ${leaked}` };
  } finally {
    control.close();
    logs.close();
    broker.close();
  }
}

/** Stats every file under every host's data dir; refused when none grants group or others anything. */
function dataDirsAtRest(ctx: AttackContext): AttackOutcome {
  let checked = 0;
  let containerFiles = 0;
  const wide: string[] = [];
  for (const h of ctx.c.hosts) {
    const r = dataDirModes(ctx.c.hostState(h.name).dataDir);
    checked += r.checked.length;
    containerFiles += r.containerFiles;
    wide.push(...r.wide.map((w) => `${h.name}:${w}`));
  }
  return { refused: wide.length === 0 && checked > 0, detail: `${checked} paths on ${ctx.c.hosts.length} hosts checked (${containerFiles} container files behind 0700 dirs); group/other access: ${wide.length === 0 ? "none" : wide.slice(0, 5).join(", ")}` };
}

export const attacks: Attack[] = [
  { area: "local", name: "a non-root user calls a manager's local socket", timeoutMs: 100_000, run: (ctx) => socketAsNobody(ctx, ctx.roles.managers[0] ?? "h1") },
  { area: "local", name: "a non-root user calls a worker's local socket", timeoutMs: 100_000, run: (ctx) => socketAsNobody(ctx, ctx.roles.worker) },
  { area: "local", name: "the worker publishes a log line for another node's task", run: forgedLogLine },
  { area: "local", name: "data dirs at rest: any file with group/other access", run: async (ctx) => dataDirsAtRest(ctx) },
];
