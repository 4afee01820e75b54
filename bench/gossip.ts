/**
 * `npm run bench:gossip` — SWIM gossip membership.
 *
 * (a) Simulator (the real core, virtual time, LAN profile), N = 10/100/1000: time until every member
 *     sees a killed node dead (p50/p99), false positives per node-hour at 5% uniform loss, bytes/s
 *     per node (UDP measured + TCP push-pull amortized over its scaled interval), join convergence.
 * (b) Loopback, side by side and alternating: 10 `serf agent` processes (Debian serf, memberlist
 *     inside, `-profile lan`) vs 10 of our member processes (LAN profile); kill -9 one; time until
 *     each of the other 9 reports it failed/dead; bytes/s per node counted by iptables on lo for both.
 * Result: bench/results/gossip.json, ratio = ours / serf detection p99 (lower is better).
 * Env: GOSSIP_BENCH_RUNS (loopback runs per side, default 6), GOSSIP_BENCH_QUICK=1 (smaller run),
 * GOSSIP_BENCH_ONLY=sim|loopback (one half only; no result file is written then).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Simulator } from "../src/gossip/sim/simulator.js";
import { LAN_TUNING } from "../src/gossip/config.js";
import { mean, printTable, quantile, writeResult } from "./lib/results.js";

const QUICK = process.env.GOSSIP_BENCH_QUICK === "1";
const ONLY = process.env.GOSSIP_BENCH_ONLY; // "sim" or "loopback" while developing
const RUNS = Number(process.env.GOSSIP_BENCH_RUNS ?? (QUICK ? 2 : 6));
const MEMBER_PROCESS = fileURLToPath(new URL("../src/gossip/testing/member-process.ts", import.meta.url));
const PORT = 17946;
const CHAIN = "SWARM-BENCH-GOSSIP";

// ---- (a) simulator ------------------------------------------------------------------------------

interface SimFigures {
  n: number;
  detectP50Ms: number;
  detectP99Ms: number;
  detectTrials: number;
  falsePositivesPerNodeHour: number;
  fpNodeHours: number;
  suspicionsPerNodeHour: number;
  bytesPerSecPerNode: number;
  udpBytesPerSecPerNode: number;
  tcpBytesPerSecPerNode: number;
  joinP50Ms: number;
  joinP99Ms: number;
  joinTrials: number;
}

function simulate(n: number, trials: number, fpSimMs: number, seed: number): SimFigures {
  // Detection and join trials in one converged cluster: kill, wait until every live member agrees, repeat.
  const deadAt = new Map<string, Set<string>>();
  const sim = new Simulator({
    seed,
    onEvent: (node, e) => {
      if (e.type !== "dead") return;
      const seen = deadAt.get(e.member.name) ?? new Set<string>();
      seen.add(node);
      deadAt.set(e.member.name, seen);
    },
  });
  const nodes = sim.addConvergedCluster(n);
  // Bytes: the first staggered push-pull round (one exchange per member) happens inside the first
  // push-pull interval; UDP is measured over a quiet window after it.
  sim.runFor(LAN_TUNING.pushPullIntervalMs);
  const tcpRound = nodes.reduce((a, x) => a + x.tcpBytesSent, 0) / n;
  const ppMultiplier = n <= 32 ? 1 : Math.ceil(Math.log2(n) - Math.log2(32)) + 1;
  const udpStart = nodes.reduce((a, x) => a + x.bytesSent - x.tcpBytesSent, 0);
  const windowMs = 20_000;
  sim.runFor(windowMs);
  const udpBytesPerSec = (nodes.reduce((a, x) => a + x.bytesSent - x.tcpBytesSent, 0) - udpStart) / n / (windowMs / 1000);
  const tcpBytesPerSec = tcpRound / ((LAN_TUNING.pushPullIntervalMs * ppMultiplier) / 1000);

  const detect: number[] = [];
  for (let t = 0; t < trials; t++) {
    const victim = `n${(t * 7 + 3) % n}`;
    const killedAt = sim.now;
    sim.kill(victim);
    const live = sim.allNodes().filter((x) => x.running).map((x) => x.name);
    const done = sim.runUntil(() => (deadAt.get(victim)?.size ?? 0) >= live.length, 180_000);
    detect.push(done ? sim.now - killedAt : Number.POSITIVE_INFINITY);
    // Bring the victim back (same name, new address) so the cluster keeps N members.
    deadAt.delete(victim);
    sim.restart(victim, [live[0] as string]);
    sim.runUntil(() => live.every((o) => sim.node(o).core.member(victim)?.status === "alive"), 60_000);
    sim.runFor(1_000 + 137 * t);
  }
  const join: number[] = [];
  for (let t = 0; t < trials; t++) {
    const name = `joiner${t}`;
    const live = sim.allNodes().filter((x) => x.running).map((x) => x.name);
    const startedAt = sim.now;
    sim.addNode(name, { join: [live[t % live.length] as string] });
    const done = sim.runUntil(() => live.every((o) => sim.node(o).core.member(name)?.status === "alive"), 60_000);
    join.push(done ? sim.now - startedAt : Number.POSITIVE_INFINITY);
    sim.runFor(2_000);
  }

  // False positives: a fresh cluster at 5% loss for a long simulated time; every dead is false.
  let falseDeaths = 0;
  let suspicions = 0;
  const lossy = new Simulator({
    seed: seed + 1,
    loss: 0.05,
    onEvent: (_node, e) => {
      if (e.type === "dead") falseDeaths++;
      if (e.type === "suspect") suspicions++;
    },
  });
  lossy.addConvergedCluster(n);
  lossy.runFor(fpSimMs);
  const nodeHours = (n * fpSimMs) / 3600_000;
  return {
    n,
    detectP50Ms: quantile(detect, 0.5),
    detectP99Ms: quantile(detect, 0.99),
    detectTrials: trials,
    falsePositivesPerNodeHour: falseDeaths / nodeHours,
    fpNodeHours: nodeHours,
    suspicionsPerNodeHour: suspicions / n / nodeHours,
    bytesPerSecPerNode: udpBytesPerSec + tcpBytesPerSec,
    udpBytesPerSecPerNode: udpBytesPerSec,
    tcpBytesPerSecPerNode: tcpBytesPerSec,
    joinP50Ms: quantile(join, 0.5),
    joinP99Ms: quantile(join, 0.99),
    joinTrials: trials,
  };
}

// ---- (b) loopback: serf vs ours -----------------------------------------------------------------

interface LoopbackRun {
  readonly system: "serf" | "ours";
  readonly detectMs: number[];
  readonly allMs: number;
  readonly bytesPerSecPerNode: number;
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function ensureSerf(): void {
  try {
    sh("serf", ["version"]);
  } catch {
    console.log("installing serf (Debian package)…");
    execFileSync("apt-get", ["install", "-y", "-qq", "serf"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  }
}

/** iptables byte counters on lo for gossip traffic to 127.0.{1,6}.0/24 port 17946 (UDP, TCP both ways). */
function setupCounters(): void {
  teardownCounters();
  sh("iptables", ["-N", CHAIN]);
  for (const net of ["127.0.1.0/24", "127.0.6.0/24"]) {
    sh("iptables", ["-A", CHAIN, "-d", net, "-p", "udp", "--dport", String(PORT)]);
    sh("iptables", ["-A", CHAIN, "-d", net, "-p", "tcp", "--dport", String(PORT)]);
    sh("iptables", ["-A", CHAIN, "-d", net, "-p", "tcp", "--sport", String(PORT)]);
  }
  sh("iptables", ["-I", "INPUT", "-i", "lo", "-m", "comment", "--comment", "swarm-bench-gossip", "-j", CHAIN]);
}

function teardownCounters(): void {
  try {
    sh("iptables", ["-D", "INPUT", "-i", "lo", "-m", "comment", "--comment", "swarm-bench-gossip", "-j", CHAIN]);
  } catch { /* not there */ }
  try {
    sh("iptables", ["-F", CHAIN]);
    sh("iptables", ["-X", CHAIN]);
  } catch { /* not there */ }
}

function readCounter(net: string): number {
  const out = sh("iptables", ["-L", CHAIN, "-v", "-x", "-n"]);
  let bytes = 0;
  for (const line of out.split("\n")) {
    const cols = line.trim().split(/\s+/);
    if (cols.length >= 9 && cols.includes(net)) bytes += Number(cols[1]);
  }
  return bytes;
}

function zeroCounters(): void {
  sh("iptables", ["-Z", CHAIN]);
}

interface Member {
  readonly name: string;
  readonly proc: ChildProcess;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function runCluster(system: "serf" | "ours", run: number, bytesWindowMs: number): Promise<LoopbackRun> {
  const net = system === "serf" ? 1 : 6; // 127.0.2.x is etcd's in PEERS.md
  const members: Member[] = [];
  const joined = new Map<string, Set<string>>(); // observer → members seen alive/joined
  const failedAt = new Map<string, number>(); // observer → when it reported the victim failed
  const victim = system === "serf" ? "s10" : "o10";
  const onLine = (observer: string, line: string): void => {
    const now = Date.now();
    if (system === "serf") {
      const join = /EventMemberJoin: (\S+)/.exec(line);
      if (join?.[1] !== undefined) (joined.get(observer) ?? joined.set(observer, new Set()).get(observer))?.add(join[1]);
      if (line.includes(`EventMemberFailed: ${victim} `) && !failedAt.has(observer)) failedAt.set(observer, now);
    } else {
      if (!line.startsWith("{")) return;
      const e = JSON.parse(line) as { type: string; member?: string };
      if (e.type === "join" && e.member !== undefined) (joined.get(observer) ?? joined.set(observer, new Set()).get(observer))?.add(e.member);
      if (e.type === "dead" && e.member === victim && !failedAt.has(observer)) failedAt.set(observer, now);
    }
  };
  const start = (i: number): Member => {
    const name = system === "serf" ? `s${i}` : `o${i}`;
    const host = `127.0.${net}.${i}`;
    const seed = `127.0.${net}.1:${PORT}`;
    const proc = system === "serf"
      ? spawn("serf", ["agent", "-node", name, "-bind", `${host}:${PORT}`, "-rpc-addr", `${host}:17373`, "-profile", "lan",
        ...(i > 1 ? ["-join", seed] : [])], { stdio: ["ignore", "pipe", "pipe"] })
      : spawn(process.execPath, ["--import", "tsx", MEMBER_PROCESS, JSON.stringify({
        name, bindHost: host, bindPort: PORT, profile: "lan", seeds: i > 1 ? [seed] : [],
      })], { stdio: ["ignore", "pipe", "pipe"] });
    joined.set(name, new Set([name]));
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on("line", (l) => onLine(name, l));
    createInterface({ input: proc.stderr as NodeJS.ReadableStream }).on("line", (l) => onLine(name, l));
    return { name, proc };
  };
  try {
    members.push(start(1));
    await new Promise((r) => setTimeout(r, system === "serf" ? 500 : 1500));
    for (let i = 2; i <= 10; i++) members.push(start(i));
    await until(() => members.every((m) => (joined.get(m.name)?.size ?? 0) >= 10), 60_000, `${system} run ${run}: all 10 to see each other`);
    await new Promise((r) => setTimeout(r, 2_000));
    zeroCounters();
    await new Promise((r) => setTimeout(r, bytesWindowMs));
    const bytesPerSecPerNode = readCounter(`127.0.${net}.0/24`) / 10 / (bytesWindowMs / 1000);
    const target = members.find((m) => m.name === victim) as Member;
    const killedAt = Date.now();
    target.proc.kill("SIGKILL");
    const observers = members.filter((m) => m !== target).map((m) => m.name);
    await until(() => observers.every((o) => failedAt.has(o)), 90_000, `${system} run ${run}: all 9 to report ${victim} failed`);
    const detectMs = observers.map((o) => (failedAt.get(o) as number) - killedAt);
    return { system, detectMs, allMs: Math.max(...detectMs), bytesPerSecPerNode };
  } finally {
    for (const m of members) if (m.proc.exitCode === null && m.proc.signalCode === null) m.proc.kill("SIGKILL");
    await Promise.all(members.map((m) => new Promise<void>((r) => (m.proc.exitCode !== null || m.proc.signalCode !== null ? r() : m.proc.once("exit", () => r())))));
  }
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  console.log("(a) simulator, LAN profile");
  const simCases: [number, number, number][] = QUICK
    ? [[10, 10, 3600_000], [100, 5, 600_000], [1000, 2, 60_000]]
    : [[10, 40, 4 * 3600_000], [100, 15, 1800_000], [1000, 4, 180_000]];
  const sims: SimFigures[] = [];
  for (const [n, trials, fpMs] of ONLY === "loopback" ? [] : simCases) {
    const started = Date.now();
    sims.push(simulate(n, trials, fpMs, 1000 + n));
    console.log(`  N=${n} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  printTable([
    ["N", "detect p50 ms", "detect p99 ms", "FP/node-h @5%", "node-h", "suspicions/node-h", "bytes/s/node", "udp", "tcp", "join p50 ms", "join p99 ms"],
    ...sims.map((s) => [s.n, s.detectP50Ms, s.detectP99Ms, s.falsePositivesPerNodeHour, s.fpNodeHours, s.suspicionsPerNodeHour,
      s.bytesPerSecPerNode, s.udpBytesPerSecPerNode, s.tcpBytesPerSecPerNode, s.joinP50Ms, s.joinP99Ms]),
  ]);

  console.log(`(b) loopback, 10 members, LAN profile, kill -9 one; ${RUNS} runs per side, alternating`);
  if (ONLY === "sim") return;
  ensureSerf();
  setupCounters();
  const runs: LoopbackRun[] = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      for (const system of r % 2 === 0 ? (["serf", "ours"] as const) : (["ours", "serf"] as const)) {
        const result = await runCluster(system, r, QUICK ? 10_000 : 30_000);
        runs.push(result);
        console.log(`  ${system} run ${r}: all 9 saw it after ${result.allMs} ms; bytes/s/node ${result.bytesPerSecPerNode.toFixed(0)}`);
      }
    }
  } finally {
    teardownCounters();
  }
  const pool = (s: "serf" | "ours"): number[] => runs.filter((r) => r.system === s).flatMap((r) => r.detectMs);
  const all = (s: "serf" | "ours"): number[] => runs.filter((r) => r.system === s).map((r) => r.allMs);
  const bytes = (s: "serf" | "ours"): number => mean(runs.filter((r) => r.system === s).map((r) => r.bytesPerSecPerNode));
  const ours = quantile(pool("ours"), 0.99);
  const serf = quantile(pool("serf"), 0.99);
  printTable([
    ["system", "detect p50 ms", "detect p90 ms", "detect p99 ms", "all-9 p50 ms", "all-9 max ms", "bytes/s/node"],
    ...(["serf", "ours"] as const).map((s) => [s, quantile(pool(s), 0.5), quantile(pool(s), 0.9), quantile(pool(s), 0.99), quantile(all(s), 0.5), Math.max(...all(s)), bytes(s)]),
  ]);
  if (ONLY === "loopback") return;
  const path = writeResult({
    name: "gossip",
    unit: "ms (detection p99, loopback, 10 members, LAN)",
    ours,
    peer: serf,
    peerName: `serf ${sh("serf", ["version"]).split("\n")[0]?.replace("Serf ", "") ?? ""} (memberlist, -profile lan)`,
    ratio: ours / serf,
    runs: RUNS,
    details: {
      loopback: {
        oursDetectP50Ms: quantile(pool("ours"), 0.5), serfDetectP50Ms: quantile(pool("serf"), 0.5),
        oursDetectP90Ms: quantile(pool("ours"), 0.9), serfDetectP90Ms: quantile(pool("serf"), 0.9),
        oursDetectMs: pool("ours"), serfDetectMs: pool("serf"),
        oursAllMs: all("ours"), serfAllMs: all("serf"),
        oursBytesPerSecPerNode: bytes("ours"), serfBytesPerSecPerNode: bytes("serf"),
        bytesRatio: bytes("ours") / bytes("serf"),
        bytesMethod: "iptables INPUT on lo, UDP+TCP to/from port 17946, IP headers included",
      },
      simulator: sims,
      goals: { ratioAtMost: 1.0, falsePositivesAt5PercentLoss: 0, join1000AtMostMs: 2500 },
    },
  });
  console.log(`ratio ours/serf detection p99 = ${(ours / serf).toFixed(3)}; bytes ours/serf = ${(bytes("ours") / bytes("serf")).toFixed(3)}; wrote ${path}`);
}

await main();
