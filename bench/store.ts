/**
 * `npm run bench:store` — what the API layers cost: object writes/s through the control API of 3
 * manager processes (mTLS on every hop: client → manager, manager ↔ manager Raft) versus the raw Raft
 * KV of bench:raft (3 member processes, plain gRPC), both on loopback with fsync, driven by the same
 * load generator (bench/lib/load.ts) at 1 and 256 concurrent clients spread over the 3 members, in
 * alternating windows. A store write is `UpdateNode` of the client's own node object (a 256-byte
 * label; optimistic concurrency: the version of the previous response is sent), which is validated,
 * becomes a store transaction, is proposed through Raft (forwarded to the leader by followers) and
 * answered once the local store applied it. Ratio = store / raw writes/s at 256 clients.
 *
 * Env: STORE_BENCH_RUNS (windows per system and client count, default 3), STORE_BENCH_SECONDS (default 4).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ControlClient } from "../src/gen/swarm/control/Control.js";
import type { UpdateNodeResponse__Output } from "../src/gen/swarm/control/UpdateNodeResponse.js";
import type { GetNodeResponse__Output } from "../src/gen/swarm/control/GetNodeResponse.js";
import { callUnary } from "../src/rpc/grpc.js";
import { createNodeKeyAndCsr, createRootCA, signNodeCertificate } from "../src/ca/certs.js";
import { managerChannelCredentials, MANAGER_TARGET_OPTIONS, TlsIdentityProvider } from "../src/ca/tls.js";

import { KvClusterHarness } from "../src/raft/kv/testing/cluster-harness.js";
import { runLoad, type LoadResult, type LoadTarget } from "./lib/load.js";
import { median, printTable, quantile, writeResult } from "./lib/results.js";
import { protos } from "../src/rpc/services.js";

const RUNS = Number(process.env.STORE_BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.STORE_BENCH_SECONDS ?? 4);
const VALUE = Buffer.alloc(256, 0x61);
const MAX_CLIENTS = 256;
const MEMBER_SCRIPT = fileURLToPath(new URL("./store-member.ts", import.meta.url));

async function freePortPair(host: string): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.on("error", reject);
      s.listen(0, host, () => {
        const a = s.address();
        s.close(() => resolve(typeof a === "object" && a !== null ? a.port : 0));
      });
    });
    const nextFree = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once("error", () => resolve(false));
      s.listen(port + 1, host, () => s.close(() => resolve(true)));
    });
    if (nextFree) return port;
  }
}

function startMember(args: string[]): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ["--import", "tsx", MEMBER_SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, SWARM_LOG_LEVEL: "warn" } });
  let err = "";
  proc.stderr?.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`store member ${args.join(" ")} not ready after 60 s: ${err}`)), 60_000);
    proc.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) {
        clearTimeout(timer);
        resolve(proc);
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`store member exited ${code}: ${err}`));
    });
  });
}

async function startStore(dir: string): Promise<LoadTarget> {
  const ca = await createRootCA();
  const certs = join(dir, "certs");
  mkdirSync(certs, { recursive: true });
  writeFileSync(join(certs, "ca.crt"), ca.certPem);
  writeFileSync(join(certs, "ca.key"), ca.keyPem);
  const issue = async (name: string, nodeId: string) => {
    const k = await createNodeKeyAndCsr();
    const certPem = await signNodeCertificate(ca, k.csrPem, { nodeId, role: "manager", clusterId: "bench-cluster" });
    writeFileSync(join(certs, `${name}.crt`), certPem);
    writeFileSync(join(certs, `${name}.key`), k.keyPem);
    return new TlsIdentityProvider({ caCertPem: ca.certPem, certPem, keyPem: k.keyPem });
  };
  for (const i of [0, 1, 2]) await issue(`m${i}`, `m${i}`);
  const clientTls = await issue("client", "bench-client");
  const apis: string[] = [];
  for (const i of [1, 2, 3]) apis.push(`127.0.6.${i}:${await freePortPair(`127.0.6.${i}`)}`);
  const procs: ChildProcess[] = [];
  for (const [i, api] of apis.entries()) {
    const args = ["--index", String(i), "--dir", join(dir, `m${i}`), "--api", api, "--certs", certs, ...(i === 0 ? ["--objects", String(MAX_CLIENTS)] : ["--join", apis[0]!])];
    procs.push(await startMember(args));
  }
  const clients: ControlClient[] = apis.map((a) => new protos.control.Control(a, managerChannelCredentials(clientTls), MANAGER_TARGET_OPTIONS));
  const versions = new Map<number, number>();
  return {
    name: "store via control API (mTLS)",
    put: async (member, _key, value, timeoutMs, client) => {
      const c = clients[member]!;
      const nodeId = `bench-${client}`;
      let version = versions.get(client);
      if (version === undefined) {
        version = (await callUnary<GetNodeResponse__Output>((md, o, cb) => c.GetNode({ nodeId }, md, o, cb), timeoutMs)).node!.meta!.version;
      }
      const spec = { annotations: { name: "", labels: { v: value.toString("latin1") } }, availability: "ACTIVE" as const, desiredRole: "WORKER" as const };
      try {
        const res = await callUnary<UpdateNodeResponse__Output>((md, o, cb) => c.UpdateNode({ nodeId, nodeVersion: version, spec }, md, o, cb), timeoutMs);
        versions.set(client, res.node!.meta!.version);
      } catch (err) {
        versions.delete(client); // re-read on the next write
        throw err;
      }
    },
    stop: async () => {
      for (const c of clients) c.close();
      await Promise.all(procs.map((p) => new Promise<void>((resolve) => (p.exitCode !== null ? resolve() : (p.once("exit", () => resolve()), p.kill("SIGTERM"))))));
    },
  };
}

async function startRaw(dir: string): Promise<LoadTarget> {
  const h = await KvClusterHarness.start({ size: 3, baseDir: dir, subnet: 4 });
  return {
    name: "raw raft KV",
    put: async (member, key, value, timeoutMs) => {
      await h.members[member]!.client.put(key, value, timeoutMs);
    },
    stop: () => h.stop(),
  };
}

interface Window {
  system: string;
  round: number;
  load: LoadResult;
}

async function main(): Promise<void> {
  const dirs = [mkdtempSync(join(tmpdir(), "swarm-bench-store-")), mkdtempSync(join(tmpdir(), "swarm-bench-store-raw-"))] as const;
  const systems: LoadTarget[] = [];
  const load0 = loadavg()[0]!;
  try {
    systems.push(await startStore(dirs[0]), await startRaw(dirs[1]));
    const windows: Window[] = [];
    for (const clients of [1, MAX_CLIENTS]) {
      for (const sys of systems) await runLoad(sys, clients, 1, VALUE, quantile); // warm-up
      for (let round = 1; round <= RUNS; round++) {
        for (const sys of round % 2 === 1 ? systems : [...systems].reverse()) {
          const load = await runLoad(sys, clients, SECONDS, VALUE, quantile);
          console.log(`${sys.name} round ${round}: ${clients} clients → ${load.writesPerSec.toFixed(0)} writes/s, p50 ${load.p50.toFixed(2)} ms, p99 ${load.p99.toFixed(2)} ms, ${load.errors} errors`);
          windows.push({ system: sys.name, round, load });
        }
      }
    }
    const summary = (system: string) => {
      const pick = (clients: number, f: (l: LoadResult) => number): number => median(windows.filter((w) => w.system === system && w.load.clients === clients).map((w) => f(w.load)));
      return {
        w1: pick(1, (l) => l.writesPerSec),
        p50_1: pick(1, (l) => l.p50),
        w256: pick(MAX_CLIENTS, (l) => l.writesPerSec),
        p50_256: pick(MAX_CLIENTS, (l) => l.p50),
        p99_256: pick(MAX_CLIENTS, (l) => l.p99),
        errors: windows.filter((w) => w.system === system).reduce((a, w) => a + w.load.errors, 0),
      };
    };
    const store = summary(systems[0]!.name);
    const raw = summary(systems[1]!.name);
    printTable([
      ["system", "w/s @1", "p50 @1 ms", "w/s @256", "p50 @256 ms", "p99 @256 ms", "errors"],
      ...([[systems[0]!.name, store], [systems[1]!.name, raw]] as const).map(([n, s]) => [n, s.w1, s.p50_1, s.w256, s.p50_256, s.p99_256, s.errors]),
    ]);
    const ratio = store.w256 / raw.w256;
    const load1 = loadavg()[0]!;
    console.log(`ratio (store through the control API / raw Raft KV, writes/s at ${MAX_CLIENTS} clients): ${ratio.toFixed(2)}; at 1 client ${(store.w1 / raw.w1).toFixed(2)}; load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`);
    const path = writeResult({
      name: "store",
      unit: `object writes/s at ${MAX_CLIENTS} clients`,
      ours: store.w256,
      peer: raw.w256,
      peerName: "our raw Raft KV (bench:raft's system), 3 member processes, no TLS",
      ratio,
      runs: RUNS,
      details: { store, raw, ratioAt1: store.w1 / raw.w1, seconds: SECONDS, valueBytes: VALUE.length, loadAverage: [load0, load1], windows },
    });
    console.log(`wrote ${path}`);
  } finally {
    for (const sys of systems) await sys.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();
