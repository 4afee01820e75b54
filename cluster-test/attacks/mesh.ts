/**
 * Attacks on the routing mesh's published ports (issue [10]): floods that used to take swarmd's file
 * descriptors, which Raft and gRPC share. The target is the leader's mesh. Refused means: swarmd's
 * descriptors stayed under the mesh's budget (src/mesh/limits.ts, from its own RLIMIT_NOFILE), the
 * control plane answered during the flood, and a fresh real client was served.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fdBudgetFor, parseNofile } from "../../src/mesh/limits.js";
import type { Attack, AttackContext, AttackOutcome } from "../lib/attacks.js";

// Sends COUNT UDP datagrams to DST:PORT with forged source addresses (raw socket, IP_HDRINCL via
// IPPROTO_RAW): source N_ADDRS addresses from FIRST up, a new source port each round, so every
// datagram is a new flow for the mesh. The kernel fills in the IP checksum; UDP's is optional (0).
const SPOOF_FLOOD_PY = `
import socket, struct, sys
dst, port, count, first, n_addrs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
base = struct.unpack("!I", socket.inet_aton(first))[0]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
d = socket.inet_aton(dst)
payload = b"spoofed"
sent = 0
for i in range(count):
    src = struct.pack("!I", base + i % n_addrs)
    sport = 1024 + (i // n_addrs) % 64000
    udp = struct.pack("!HHHH", sport, port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, socket.IPPROTO_UDP, 0, src, d)
    try:
        s.sendto(ip + udp, (dst, 0))
        sent += 1
    except OSError:
        pass
print(sent)
`;

// A real UDP client: sends to host:port every 300 ms until a reply (prints it) or 20 tries (exit 2).
const UDP_ASK_RETRYING = `
const s = require("node:dgram").createSocket("udp4");
const [host, port, text] = process.argv.slice(1);
let tries = 0;
const send = () => { if (++tries > 20) { console.error("no UDP answer in 20 tries"); process.exit(2); } s.send(text, Number(port), host); };
s.on("message", (m) => { console.log(m.toString() + " (try " + tries + ")"); process.exit(0); });
send(); setInterval(send, 300);
`;

// Opens TOTAL TCP connections to host:port (at most 1000 connecting at once) and leaves them idle;
// when every attempt settled and 2 s passed, writes {attempted, connected, open} to OUT, holds the
// open ones HOLD_MS more, then exits.
const TCP_HOLD = `
const net = require("node:net"), fs = require("node:fs");
const [host, port, total, out, holdMs] = process.argv.slice(1);
const socks = []; let started = 0, settled = 0, connected = 0, errors = {};
const next = () => { while (started < Number(total) && started - settled < 1000) one(); if (settled === Number(total)) finish(); };
function one() {
  started++;
  const s = net.connect({ host, port: Number(port) });
  let done = false; const settle = () => { if (!done) { done = true; settled++; setImmediate(next); } };
  s.on("connect", () => { connected++; socks.push(s); settle(); });
  s.on("error", (e) => { errors[e.code] = (errors[e.code] || 0) + 1; settle(); });
}
let finished = false;
function finish() {
  if (finished) return; finished = true;
  setTimeout(() => {
    const open = socks.filter((s) => !s.destroyed).length;
    fs.writeFileSync(out, JSON.stringify({ attempted: started, connected, open, errors }));
    setTimeout(() => process.exit(0), Number(holdMs));
  }, 2000);
}
next();
`;

/** swarmd's pid on `host` (the harness starts it with nsenter, which execs: same pid). */
function swarmdPid(ctx: AttackContext, host: string): number {
  return ctx.c.proc(host, "swarmd").pid;
}

/** Open descriptors of `pid` and of its children (the mesh's native relays hold TCP connections). */
function fdsOf(pid: number): number {
  const count = (p: number): number => {
    try {
      return readdirSync(`/proc/${p}/fd`).length;
    } catch {
      return 0; // gone meanwhile
    }
  };
  let children: number[] = [];
  try {
    children = readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter((x) => x !== "").map(Number));
  } catch {
    children = [];
  }
  return count(pid) + children.reduce((n, c) => n + count(c), 0);
}

/** Samples `pid`'s descriptors every 50 ms until stopped; `max` is the most seen. */
function sampleFds(pid: number): { stop(): { baseline: number; max: number } } {
  const baseline = fdsOf(pid);
  let max = baseline;
  const timer = setInterval(() => (max = Math.max(max, fdsOf(pid))), 50);
  return {
    stop: () => {
      clearInterval(timer);
      max = Math.max(max, fdsOf(pid));
      return { baseline, max };
    },
  };
}

/** swarmd's RLIMIT_NOFILE and the mesh's share of it, as the daemon computes it. */
function budgetOf(pid: number): { nofile: number; budget: number } {
  const nofile = parseNofile(readFileSync(`/proc/${pid}/limits`, "utf8"));
  return { nofile, budget: fdBudgetFor(nofile) };
}

/** CPU milliseconds `pid` has used (utime + stime from /proc/<pid>/stat; 100 ticks per second on Linux). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** `swarmctl node ls` on the leader; its wall time, or the failure. */
async function controlPlane(ctx: AttackContext, leader: string): Promise<{ ok: boolean; ms: number; why: string }> {
  const r = await ctx.c.host(leader).swarmctl("node", "ls");
  return { ok: r.code === 0 && / Leader/.test(r.stdout), ms: Math.round(r.durationMs), why: r.code === 0 ? "" : r.stderr.trim().slice(0, 200) };
}

async function udpAsk(ctx: AttackContext, from: string, target: string, text: string): Promise<{ ok: boolean; out: string }> {
  const h = ctx.c.host(from);
  const r = await h.exec([h.node, "-e", UDP_ASK_RETRYING, target, String(ctx.echoUdpPort), text], { timeoutMs: 15_000 });
  return { ok: r.code === 0 && r.stdout.includes(text), out: (r.stdout + r.stderr).trim() };
}

async function curl(ctx: AttackContext, from: string, target: string): Promise<{ ok: boolean; out: string }> {
  const r = await ctx.c.host(from).exec(["curl", "-sS", "-m", "10", `http://${target}:${ctx.webPort}/`], { timeoutMs: 15_000 });
  return { ok: r.code === 0 && /web v1/.test(r.stdout), out: (r.stdout + r.stderr).trim() };
}

/**
 * Spoofed sources: 100 addresses of 172.30.0.0/24, which no test host or overlay uses. Off-link, as
 * for a flood from the internet: the target's replies to them fail at its `unreachable` default route
 * at once (they never leave its netns). On-link unassigned sources would park every reply in ARP
 * queues — see design/mesh.md, Limits. A host whose rp_filter drops these never shows the mesh the
 * flood: the attack then fails (it requires the mesh's eviction warning), it does not pass vacuously.
 */
const SPOOF_FIRST = "172.30.0.1";
const SPOOF_COUNT = 100;

async function spoofedUdpFlood(ctx: AttackContext): Promise<AttackOutcome> {
  const leader = await ctx.leader();
  const target = ctx.c.host(leader).ip;
  const attacker = ctx.c.host(ctx.roles.worker);
  const client = ctx.roles.demoted;
  const ready = await udpAsk(ctx, client, target, "ready");
  if (!ready.ok) return { refused: false, detail: `echo service not reachable before the attack: ${ready.out}` };
  const pid = swarmdPid(ctx, leader);
  const { nofile, budget } = budgetOf(pid);
  const cpBefore = await controlPlane(ctx, leader);
  const cpu0 = cpuMsOf(pid);
  const t0 = Date.now();
  const fds = sampleFds(pid);
  const [first, count] = [SPOOF_FIRST, SPOOF_COUNT];
  const flood = attacker.exec(["python3", "-c", SPOOF_FLOOD_PY, target, String(ctx.echoUdpPort), "200000", first, String(count)], { timeoutMs: 120_000 });
  await new Promise((r) => setTimeout(r, 500));
  const [during, cpDuring] = await Promise.all([udpAsk(ctx, client, target, "during-flood"), controlPlane(ctx, leader)]);
  const f = await flood;
  const floodCpu = `swarmd used ${cpuMsOf(pid) - cpu0} ms of CPU in the ${Date.now() - t0} ms of the flood`;
  const after = await udpAsk(ctx, client, target, "after-flood");
  const cpAfter = await controlPlane(ctx, leader);
  const { baseline, max } = fds.stop();
  const warned = /udp flows at a cap/.test(ctx.log(leader, 400));
  const sent = Number(f.stdout.trim());
  const detail =
    `${sent} spoofed datagrams from ${count} forged sources sent by ${ctx.roles.worker} to ${leader}:${ctx.echoUdpPort}` +
    ` (flooder ${f.code === 0 ? "ok" : `failed: ${f.stderr.trim().slice(0, 200)}`}); swarmd+relays fds: ${baseline} before, max ${max}` +
    ` (+${max - baseline}; mesh budget ${budget} of RLIMIT_NOFILE ${nofile}); eviction logged: ${warned};` +
    ` ${floodCpu}; node ls on ${leader} before: ${cpBefore.ok ? `ok in ${cpBefore.ms} ms` : `FAILED ${cpBefore.why}`}, during: ${cpDuring.ok ? `ok in ${cpDuring.ms} ms` : `FAILED ${cpDuring.why}`}, after: ${cpAfter.ok ? `ok in ${cpAfter.ms} ms` : `FAILED ${cpAfter.why}`};` +
    ` fresh client ${client}: during "${during.out}", after "${after.out}"`;
  const refused = f.code === 0 && sent >= 190_000 && warned && max - baseline <= budget && max < nofile && cpDuring.ok && cpAfter.ok && during.ok && after.ok;
  return { refused, detail };
}

async function idleTcpFlood(ctx: AttackContext): Promise<AttackOutcome> {
  const leader = await ctx.leader();
  const target = ctx.c.host(leader).ip;
  const attacker = ctx.c.host(ctx.roles.worker);
  const client = ctx.roles.demoted;
  const pid = swarmdPid(ctx, leader);
  const { nofile, budget } = budgetOf(pid);
  const out = join(tmpdir(), `swarm-mesh-attack-${process.pid}.json`);
  rmSync(out, { force: true });
  // 50k connections from one address need more than the default ephemeral range (28k); it is widened
  // in the attacker's own netns. Refused connections close, so the attacker holds at most the cap
  // plus the 1000 it keeps connecting: its own descriptor limit (raised to its hard limit) suffices.
  const range = (await attacker.execOk(["cat", "/proc/sys/net/ipv4/ip_local_port_range"])).trim().split(/\s+/).join(" ");
  const fds = sampleFds(pid);
  try {
    const hold = attacker.exec(
      ["sh", "-c", `echo "1024 65535" > /proc/sys/net/ipv4/ip_local_port_range && ulimit -n "$(ulimit -Hn)" && exec "$0" -e "$1" "$2" "$3" "$4" "$5" "$6"`, attacker.node, TCP_HOLD, target, String(ctx.webPort), "50000", out, "15000"],
      { timeoutMs: 150_000 },
    );
    const deadline = Date.now() + 120_000;
    while (!existsSync(out) && Date.now() < deadline) {
      const early = await Promise.race([hold, new Promise<undefined>((r) => setTimeout(() => r(undefined), 250))]);
      if (early !== undefined) break;
    }
    if (!existsSync(out)) {
      const r = await hold;
      return { refused: false, detail: `the attacker did not report (exit ${String(r.code)}): ${r.stderr.trim().slice(0, 300)}` };
    }
    const held = JSON.parse(readFileSync(out, "utf8")) as { attempted: number; connected: number; open: number; errors: Record<string, number> };
    // While the attacker holds its connections open:
    const [cp, fresh] = await Promise.all([controlPlane(ctx, leader), curl(ctx, client, target)]);
    const { baseline, max } = fds.stop();
    await hold;
    const warned = /tcp connections refused at a cap/.test(ctx.log(leader, 400));
    const detail =
      `${held.attempted} TCP connections from ${ctx.roles.worker} to ${leader}:${ctx.webPort}: ${held.connected} accepted by the kernel, ${held.open} still open after 2 s` +
      ` (errors ${JSON.stringify(held.errors)}); refusals logged: ${warned}; swarmd+relays fds: ${baseline} before, max ${max} (+${max - baseline};` +
      ` mesh budget ${budget} of RLIMIT_NOFILE ${nofile}); node ls on ${leader}: ${cp.ok ? `ok in ${cp.ms} ms` : `FAILED ${cp.why}`}; fresh curl from ${client}: "${fresh.out.slice(0, 80)}"`;
    const refused = held.attempted === 50_000 && held.open <= 4096 && max - baseline <= budget && max < nofile && cp.ok && fresh.ok;
    return { refused, detail };
  } finally {
    fds.stop();
    rmSync(out, { force: true });
    await attacker.exec(["sh", "-c", `echo "${range}" > /proc/sys/net/ipv4/ip_local_port_range`]);
  }
}

export const attacks: Attack[] = [
  { area: "mesh", name: "200k UDP datagrams from spoofed sources at the echo service's published port", timeoutMs: 180_000, run: spoofedUdpFlood },
  { area: "mesh", name: "50k idle TCP connections to the web service's published port", timeoutMs: 200_000, run: idleTcpFlood },
];
