/**
 * `npm run bench:mesh`: HTTP req/s and latency through our routing mesh vs HAProxy 2.6 (TCP mode,
 * roundrobin) to the same two Node HTTP backends on loopback, vs direct to one backend.
 * wrk (Debian) drives each target in turn, alternating for several rounds so all see the same load.
 * Writes bench/results/mesh.json: ratio = ours / HAProxy req/s (goal ≥ 0.8); details hold p50/p99
 * per target and the added p99 vs direct (goal ≤ 2 ms).
 *
 * Env: ROUNDS (5), SECONDS per run (6), CONNECTIONS (64), MESH_RELAYS (native relay processes of
 * the headline mesh; default: what swarmd runs on this machine, `defaultMeshRelays()`, one per
 * core; 0 = the bytes are copied in the mesh's Node process), MESH_VARIANTS (other relay counts
 * measured for comparison; default "0,1" minus the headline), CLOSE=1 (every request on a new
 * connection: wrk sends `Connection: close`).
 */
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { defaultMeshRelays, Mesh } from "../src/mesh/index.js";
import { median, printTable, writeResult } from "./lib/results.js";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 6);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 64);
/** The headline variant: swarmd's relay count on this machine, unless MESH_RELAYS says. */
const HEADLINE = process.env.MESH_RELAYS ?? String(defaultMeshRelays());
const CLOSE = process.env.CLOSE === "1";
/** A variant: a relay count. */
const VARIANTS = (process.env.MESH_VARIANTS ?? "0,1")
  .split(",")
  .map((s) => s.trim())
  .filter((s) => s !== "" && s !== HEADLINE);

const BACKENDS = [
  { addr: "127.0.3.1", port: 18081 },
  { addr: "127.0.3.2", port: 18081 },
];
const HAPROXY = { addr: "127.0.3.10", port: 18080 };
const MESH_BASE_ADDR = 11; // 127.0.3.11, .12, … one per mesh variant
const MESH_PORT = 18080;

/** One wrk run's figures. */
interface WrkResult {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly requests: number;
}

/** A measured run: wrk's figures plus the proxy processes' CPU per request. */
interface RunResult extends WrkResult {
  /** CPU time (user+system) of the target's processes per request, in microseconds. */
  readonly cpuUsPerReq: number;
}

const CLOCK_TICKS = 100;

/** CPU seconds (user + system, all threads) of a process so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Parses wrk's `--latency` output. */
export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const lat = (pct: string): number => {
    const m = new RegExp(`^\\s+${pct}%\\s+([\\d.]+)(us|ms|s)\\s*$`, "m").exec(out);
    if (m?.[1] === undefined) return Number.NaN;
    const v = Number(m[1]);
    return m[2] === "us" ? v / 1000 : m[2] === "s" ? v * 1000 : v;
  };
  const errLine = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const errors = (errLine ? errLine.slice(1).reduce((n, x) => n + Number(x), 0) : 0) + non2xx;
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? Number.NaN);
  return { rps, p50Ms: lat("50"), p99Ms: lat("99"), errors, requests };
}

function ensureTool(bin: string, pkg: string): void {
  if (spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0) return;
  console.log(`${bin} not found: installing Debian's ${pkg}`);
  execFileSync("apt-get", ["install", "-y", pkg], { stdio: "inherit" });
}

const BACKEND_SCRIPT = `
import http from "node:http";
const [host, port] = process.argv.slice(1);
http.createServer((req, res) => { res.setHeader("content-type", "text/plain"); res.end("hello from " + host + "\\n"); })
  .listen(Number(port), host, () => console.log("ready"));
process.on("disconnect", () => process.exit(0)); // dies with the bench
`;

function startBackend(addr: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", BACKEND_SCRIPT, addr, String(port)], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.once("data", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`backend ${addr}:${port} exited ${String(code)}`)));
  });
}

function startHaproxy(dir: string): Promise<ChildProcess> {
  const cfg = join(dir, "haproxy.cfg");
  writeFileSync(
    cfg,
    [
      "global",
      "  maxconn 4096",
      "defaults",
      "  mode tcp",
      "  timeout connect 5s",
      "  timeout client 60s",
      "  timeout server 60s",
      "frontend fe",
      `  bind ${HAPROXY.addr}:${HAPROXY.port}`,
      "  default_backend be",
      "backend be",
      "  balance roundrobin",
      ...BACKENDS.map((b, i) => `  server s${i + 1} ${b.addr}:${b.port}`),
      "",
    ].join("\n"),
  );
  // -db: stay in the foreground so we own the process and can stop it.
  const child = spawn("haproxy", ["-db", "-f", cfg], { stdio: ["ignore", "inherit", "inherit"] });
  return waitForPort(HAPROXY.addr, HAPROXY.port).then(() => child);
}

async function waitForPort(addr: string, port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await wrk(addr, port, 1, 1);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function wrk(addr: string, port: number, seconds: number, connections: number): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "wrk",
      ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", ...(CLOSE ? ["-H", "Connection: close"] : []), `http://${addr}:${port}/`],
      { encoding: "utf8" },
      (err, stdout) => {
        if (err) return reject(new Error(`wrk against ${addr}:${port} failed: ${err.message}`));
        const r = parseWrk(stdout);
        if (!Number.isFinite(r.rps) || r.rps === 0) return reject(new Error(`wrk against ${addr}:${port}: no requests\n${stdout}`));
        resolve(r);
      },
    );
  });
}

async function main(): Promise<void> {
  ensureTool("haproxy", "haproxy");
  ensureTool("wrk", "wrk");
  const dir = mkdtempSync(join(tmpdir(), "swarm-bench-mesh-"));
  const children: ChildProcess[] = [];
  const meshes: Mesh[] = [];
  try {
    for (const b of BACKENDS) children.push(await startBackend(b.addr, b.port));
    children.push(await startHaproxy(dir));
    const variants = [HEADLINE, ...VARIANTS];
    const pidOf = (c: ChildProcess | undefined): number => c?.pid ?? 0;
    const targets: { name: string; addr: string; port: number; pids: number[] }[] = [
      { name: "direct", addr: BACKENDS[0]?.addr ?? "", port: BACKENDS[0]?.port ?? 0, pids: [pidOf(children[0])] },
      { name: "haproxy", ...HAPROXY, pids: [pidOf(children[2])] },
    ];
    for (const [i, variant] of variants.entries()) {
      const addr = `127.0.3.${MESH_BASE_ADDR + i}`;
      const relays = Number(variant);
      if (!/^\d+$/.test(variant)) throw new Error(`MESH_RELAYS/MESH_VARIANTS: ${variant} is not a relay count`);
      const mesh = new Mesh({ bindAddress: addr, relays });
      meshes.push(mesh);
      await mesh.setService("bench", {
        ports: [{ published: MESH_PORT, target: 18081, protocol: "tcp", mode: "ingress" }],
        backends: BACKENDS.map((b, k) => ({ id: `b${k}`, taskId: `t${k}`, nodeId: "n1", addr: b.addr, port: b.port })),
      });
      // This process hosts every variant's mesh (it accepts, chooses backends and, with 0 relays,
      // copies the bytes); the idle ones cost next to nothing.
      const pids = [process.pid, ...mesh.relayPids()];
      targets.push({ name: `mesh-r${variant}`, addr, port: MESH_PORT, pids });
    }
    for (const t of targets) await waitForPort(t.addr, t.port);
    // Warm-up: JIT, connection setup, HAProxy's threads.
    for (const t of targets) await wrk(t.addr, t.port, 2, CONNECTIONS);

    const runs = new Map<string, RunResult[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const t of targets) {
        const cpu0 = t.pids.reduce((n, p) => n + cpuSeconds(p), 0);
        const w = await wrk(t.addr, t.port, SECONDS, CONNECTIONS);
        const cpu1 = t.pids.reduce((n, p) => n + cpuSeconds(p), 0);
        const res: RunResult = { ...w, cpuUsPerReq: ((cpu1 - cpu0) / w.requests) * 1e6 };
        runs.get(t.name)?.push(res);
        console.log(
          `round ${r + 1}/${ROUNDS} ${t.name.padEnd(10)} ${res.rps.toFixed(0)} req/s  p50 ${res.p50Ms.toFixed(2)} ms  ` +
            `p99 ${res.p99Ms.toFixed(2)} ms  cpu ${res.cpuUsPerReq.toFixed(1)} us/req  errors ${res.errors}  load ${loadavg()[0]?.toFixed(1) ?? "?"}`,
        );
      }
    }

    const summary = (name: string): { rps: number; p50Ms: number; p99Ms: number; cpuUsPerReq: number; errors: number } => {
      const xs = runs.get(name) ?? [];
      return {
        rps: median(xs.map((x) => x.rps)),
        p50Ms: median(xs.map((x) => x.p50Ms)),
        p99Ms: median(xs.map((x) => x.p99Ms)),
        cpuUsPerReq: median(xs.map((x) => x.cpuUsPerReq)),
        errors: xs.reduce((n, x) => n + x.errors, 0),
      };
    };
    const direct = summary("direct");
    const haproxy = summary("haproxy");
    const headline = summary(`mesh-r${HEADLINE}`);
    const rows: (string | number)[][] = [
      ["target", "req/s (median)", "ratio vs haproxy", "p50 ms", "p99 ms", "added p99 ms", "cpu us/req", "errors"],
    ];
    for (const t of targets) {
      const s = summary(t.name);
      rows.push([t.name, Math.round(s.rps), s.rps / haproxy.rps, s.p50Ms, s.p99Ms, s.p99Ms - direct.p99Ms, s.cpuUsPerReq, s.errors]);
    }
    printTable(rows);
    const ratio = headline.rps / haproxy.rps;
    const addedP99 = headline.p99Ms - direct.p99Ms;
    const path = writeResult({
      name: "mesh",
      unit: "req/s",
      ours: headline.rps,
      peer: haproxy.rps,
      peerName: "haproxy 2.6 (mode tcp, roundrobin)",
      ratio,
      runs: ROUNDS,
      details: {
        wrk: { threads: 1, connections: CONNECTIONS, seconds: SECONDS, connectionClose: CLOSE },
        headline: `mesh-r${HEADLINE}`,
        headlineIs: "swarmd's relay count on this machine, defaultMeshRelays() (MESH_RELAYS overrides)",
        direct,
        haproxy,
        ours: headline,
        addedP99MsVsDirect: addedP99,
        haproxyAddedP99MsVsDirect: haproxy.p99Ms - direct.p99Ms,
        variants: Object.fromEntries(targets.map((t) => [t.name, { ...summary(t.name), runs: runs.get(t.name) }])),
        goals: { ratio: ">= 0.8", addedP99Ms: "<= 2", metRatio: ratio >= 0.8, metAddedP99: addedP99 <= 2 },
        loadavg: loadavg(),
      },
    });
    console.log(`ratio ours/haproxy = ${ratio.toFixed(3)}; added p99 vs direct = ${addedP99.toFixed(2)} ms; wrote ${path}`);
  } finally {
    for (const m of meshes) await m.close();
    for (const c of children) c.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
