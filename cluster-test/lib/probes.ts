/**
 * Small network probes that run inside hosts with the harness's own Node (no extra tools): a TCP server
 * that answers with its hostname, a TCP connect probe, and a UDP sink/blaster pair that measures loss.
 * Each is `node -e <program> args…`; probes print one JSON line on stdout.
 */
import type { Host } from "./host.js";
import type { ProcRecord } from "./state.js";
import { waitFor } from "./wait.js";

const TCP_SERVER = `
const net = require("node:net"), os = require("node:os");
const port = Number(process.argv[1]);
net.createServer((s) => { s.on("error", () => {}); s.end(os.hostname() + "\\n"); }).listen(port, "0.0.0.0", () => console.log("listening " + port));
`;

const TCP_PROBE = `
const net = require("node:net");
const timeoutMs = Number(process.argv[1]);
const targets = process.argv.slice(2);
Promise.all(targets.map((t) => new Promise((resolve) => {
  const [host, port] = [t.slice(0, t.lastIndexOf(":")).replace(/^\\[|\\]$/g, ""), Number(t.slice(t.lastIndexOf(":") + 1))];
  const started = performance.now(); let data = "";
  const done = (r) => { clearTimeout(timer); s.destroy(); resolve({ target: t, ms: Math.round(performance.now() - started), ...r }); };
  const s = net.connect(port, host);
  const timer = setTimeout(() => done({ ok: false, code: "TIMEOUT" }), timeoutMs);
  s.on("data", (d) => { data += d; });
  s.on("end", () => done({ ok: true, data: data.trim() }));
  s.on("error", (e) => done({ ok: false, code: e.code }));
}))).then((r) => console.log(JSON.stringify(r)));
`;

// Sink: counts distinct datagrams per sender address; answers "count?" with a JSON object {ip: n}.
const UDP_SINK = `
const dgram = require("node:dgram");
const seen = new Map(); const sock = dgram.createSocket("udp4");
sock.on("message", (m, r) => {
  const s = m.toString();
  if (s === "count?") { sock.send(JSON.stringify(Object.fromEntries([...seen].map(([k, v]) => [k, v.size]))), r.port, r.address); return; }
  if (!seen.has(r.address)) seen.set(r.address, new Set());
  seen.get(r.address).add(s);
});
sock.bind(Number(process.argv[1]), "0.0.0.0", () => console.log("listening " + process.argv[1]));
`;

// Blaster: sends <count> distinct datagrams, paced so that no socket buffer overflows, then exits.
const UDP_BLAST = `
const dgram = require("node:dgram");
const [host, port, count] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const sock = dgram.createSocket("udp4");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let errors = 0, firstError = null;
(async () => {
  for (let i = 0; i < count; i++) {
    await new Promise((r) => sock.send("d" + i, port, host, (e) => { if (e) { errors++; firstError ??= e.code; } r(); }));
    if (i % 20 === 19) await sleep(2);
  }
  console.log(JSON.stringify({ sent: count, errors, firstError }));
  sock.close();
})();
`;

// Query: asks the sink on this host (loopback, never through a fault) for its counts.
const UDP_QUERY = `
const dgram = require("node:dgram");
const sock = dgram.createSocket("udp4");
sock.on("message", (m) => { console.log(m.toString()); process.exit(0); });
sock.bind(0, "127.0.0.1", () => { sock.send("count?", Number(process.argv[1]), "127.0.0.1"); });
setTimeout(() => { console.error("no answer from the sink on port " + process.argv[1]); process.exit(2); }, 3000);
`;

/** Result of one TCP connect attempt. */
export type TcpProbeResult =
  | { readonly target: string; readonly ms: number; readonly ok: true; readonly data: string }
  | { readonly target: string; readonly ms: number; readonly ok: false; readonly code: string };

/** What a UDP blaster reports: datagrams handed to the kernel, and send errors (e.g. EHOSTUNREACH). */
export interface UdpBlastResult {
  readonly sent: number;
  readonly errors: number;
  readonly firstError: string | null;
}

function nodeArgv(host: Host, program: string, args: readonly (string | number)[]): string[] {
  return [host.node, "-e", program, ...args.map(String)];
}

function parseJsonLine<T>(stdout: string, what: string): T {
  const line = stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as T;
  } catch (err) {
    throw new Error(`${what}: cannot parse probe output ${JSON.stringify(stdout)}`, { cause: err });
  }
}

/** Starts a TCP server on `port` in `host` that answers every connection with the hostname. */
export async function serveTcpHostname(host: Host, port: number, name = `tcp${port}`): Promise<ProcRecord> {
  const record = await host.start(nodeArgv(host, TCP_SERVER, [port]), { name });
  await waitForListening(host, name, port);
  return record;
}

/** Waits until a probe server started as process `name` logged `listening <port>` (after a start or restart). */
export async function waitForListening(host: Host, name: string, port: number): Promise<void> {
  await waitFor(() => host.tail(name, 1), (t) => t.trim().endsWith(`listening ${port}`), {
    timeoutMs: 10_000,
    describe: `${host.name}/${name} to listen on ${port}`,
  });
}

/** Connects from `host` to every `ip:port` (or `[ipv6]:port`) target in parallel; one result per target. */
export async function probeTcp(host: Host, targets: readonly string[], timeoutMs = 1_000): Promise<TcpProbeResult[]> {
  const r = await host.exec(nodeArgv(host, TCP_PROBE, [timeoutMs, ...targets]), { timeoutMs: timeoutMs + 10_000 });
  if (r.code !== 0) throw new Error(`tcp probe in ${host.name} exited ${r.code}: ${r.stderr}`);
  return parseJsonLine<TcpProbeResult[]>(r.stdout, `tcp probe in ${host.name}`);
}

/** Starts a UDP sink on `port` in `host` and waits until it listens (pair it with {@link blastUdp}). */
export async function serveUdpSink(host: Host, port: number, name = `udp${port}`): Promise<ProcRecord> {
  const record = await host.start(nodeArgv(host, UDP_SINK, [port]), { name });
  await waitForListening(host, name, port);
  return record;
}

/** Sends `count` distinct, paced datagrams from `host` to `ip:port`. */
export async function blastUdp(host: Host, ip: string, port: number, count: number): Promise<UdpBlastResult> {
  const r = await host.exec(nodeArgv(host, UDP_BLAST, [ip, port, count]), { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`udp blast in ${host.name} exited ${r.code}: ${r.stderr}`);
  return parseJsonLine<UdpBlastResult>(r.stdout, `udp blast in ${host.name}`);
}

/** Distinct datagrams the sink on `host:port` received, per sender IP (queried over the host's loopback). */
export async function udpReceived(host: Host, port: number): Promise<Record<string, number>> {
  const r = await host.exec(nodeArgv(host, UDP_QUERY, [port]), { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`udp query in ${host.name} exited ${r.code}: ${r.stderr}`);
  return parseJsonLine<Record<string, number>>(r.stdout, `udp query in ${host.name}`);
}
