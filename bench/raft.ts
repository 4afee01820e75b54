/**
 * `npm run bench:raft` — replicated writes: our Raft KV vs etcd 3.4, both as 3 member processes on
 * loopback with fsync on, driven by the same Node load generator over gRPC (256-byte values).
 *
 * Both clusters run side by side; at 1 and at 256 concurrent clients (spread round-robin over the 3
 * members, one HTTP/2 channel per member) the systems take turns, window by window (order alternating),
 * so changing load from the rest of the machine hits both alike → median writes/s, p50/p99 latency.
 * Then leader failover: SIGKILL the leader under light load → time until the first write invoked after
 * the kill is acknowledged. Ratio = ours / etcd writes/s at 256 clients.
 *
 * Env: RAFT_BENCH_RUNS (windows per system and client count, default 4), RAFT_BENCH_SECONDS (measuring
 * window, default 4),
 * RAFT_BENCH_FAILOVERS (per system, default 3), RAFT_BENCH_ONLY=ours|etcd.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { KvClusterHarness, waitUntil } from "../src/raft/kv/testing/cluster-harness.js";
import { mean, median, printTable, quantile, writeResult } from "./lib/results.js";
import { runLoad as runLoadWith, type LoadResult, type LoadTarget } from "./lib/load.js";

/** A system under test with the failover operations. */
interface System extends LoadTarget {
  /** 0-based index of the current leader, or -1. */
  leader(): Promise<number>;
  kill(member: number): Promise<void>;
  restart(member: number): Promise<void>;
}

const RUNS = Number(process.env.RAFT_BENCH_RUNS ?? 4);
const SECONDS = Number(process.env.RAFT_BENCH_SECONDS ?? 4);
const FAILOVERS = Number(process.env.RAFT_BENCH_FAILOVERS ?? 3);
const ONLY = process.env.RAFT_BENCH_ONLY ?? "";
const VALUE = Buffer.alloc(256, 0x61);

const runLoad = (sys: System, clients: number, seconds: number): Promise<LoadResult> => runLoadWith(sys, clients, seconds, VALUE, quantile);

/** Kills the leader under light load; returns ms until the first write invoked after the kill is acked. */
async function failover(sys: System): Promise<number> {
  const leader = await waitUntil("leader", async () => {
    const l = await sys.leader();
    return l >= 0 ? l : undefined;
  });
  let stop = false;
  let killedAt = Infinity;
  let firstAck = Infinity;
  const writers = [0, 1, 2]
    .filter((m) => m !== leader)
    .flatMap((m) => [m, m])
    .map(async (member, i) => {
      for (let n = 0; !stop; n++) {
        const t0 = performance.now();
        try {
          await sys.put(member, `failover-${i}-${n}`, VALUE, 1000, i);
          if (t0 > killedAt) {
            firstAck = Math.min(firstAck, performance.now());
            stop = true;
          }
        } catch {
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    });
  await new Promise((r) => setTimeout(r, 500));
  killedAt = performance.now();
  await sys.kill(leader);
  const deadline = Date.now() + 20_000;
  while (!stop && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  stop = true;
  await Promise.all(writers);
  await sys.restart(leader);
  return firstAck - killedAt;
}

// ---- ours ---------------------------------------------------------------------------------------

async function startOurs(dir: string): Promise<System> {
  const h = await KvClusterHarness.start({ size: 3, baseDir: dir, subnet: 4 });
  return {
    name: "swarm-raft",
    put: async (member, key, value, timeoutMs) => {
      await (h.members[member] as (typeof h.members)[number]).client.put(key, value, timeoutMs);
    },
    leader: async () => {
      const id = await h.waitForLeader(10_000).catch(() => 0);
      return id - 1;
    },
    kill: (member) => h.kill(member + 1, "SIGKILL"),
    restart: async (member) => {
      await h.restart(member + 1);
      await h.waitForLeader();
    },
    stop: () => h.stop(),
  };
}

// ---- etcd ---------------------------------------------------------------------------------------

const ETCD_PROTO = `
syntax = "proto3";
package etcdserverpb;
message ResponseHeader { uint64 cluster_id = 1; uint64 member_id = 2; int64 revision = 3; uint64 raft_term = 4; }
message PutRequest { bytes key = 1; bytes value = 2; int64 lease = 3; bool prev_kv = 4; }
message PutResponse { ResponseHeader header = 1; }
message StatusRequest {}
message StatusResponse { ResponseHeader header = 1; string version = 2; int64 dbSize = 3; uint64 leader = 4; uint64 raftIndex = 5; uint64 raftTerm = 6; }
service KV { rpc Put(PutRequest) returns (PutResponse); }
service Maintenance { rpc Status(StatusRequest) returns (StatusResponse); }
`;

interface EtcdClients {
  kv: grpc.Client;
  maint: grpc.Client;
}

function ensureEtcd(): void {
  if (existsSync("/usr/bin/etcd")) return;
  console.log("installing etcd-server (Debian) …");
  execFileSync("apt-get", ["install", "-y", "-q", "etcd-server"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  try {
    execFileSync("systemctl", ["stop", "etcd"], { stdio: "ignore" });
  } catch {
    /* no systemd: nothing was started */
  }
}

async function startEtcd(dir: string): Promise<System> {
  ensureEtcd();
  const protoPath = join(dir, "etcd-min.proto");
  writeFileSync(protoPath, ETCD_PROTO);
  const pkg = grpc.loadPackageDefinition(loadSync(protoPath, { longs: Number, defaults: true })) as unknown as {
    etcdserverpb: { KV: typeof grpc.Client; Maintenance: typeof grpc.Client };
  };
  const cluster = [1, 2, 3].map((i) => `e${i}=http://127.0.2.${i}:2380`).join(",");
  const procs: (ChildProcess | null)[] = [null, null, null];
  const launch = (i: number, state: "new" | "existing"): void => {
    const n = i + 1;
    procs[i] = spawn(
      "etcd",
      [
        "--name", `e${n}`, "--data-dir", join(dir, `e${n}`),
        "--listen-client-urls", `http://127.0.2.${n}:2379`, "--advertise-client-urls", `http://127.0.2.${n}:2379`,
        "--listen-peer-urls", `http://127.0.2.${n}:2380`, "--initial-advertise-peer-urls", `http://127.0.2.${n}:2380`,
        "--initial-cluster", cluster, "--initial-cluster-state", state, "--log-level", "error",
      ],
      { stdio: "ignore" },
    );
  };
  for (let i = 0; i < 3; i++) launch(i, "new");
  const clients: EtcdClients[] = [1, 2, 3].map((n) => ({
    kv: new pkg.etcdserverpb.KV(`127.0.2.${n}:2379`, grpc.credentials.createInsecure()),
    maint: new pkg.etcdserverpb.Maintenance(`127.0.2.${n}:2379`, grpc.credentials.createInsecure()),
  }));
  type Cb<T> = (err: grpc.ServiceError | null, res?: T) => void;
  type KvStub = grpc.Client & { Put(req: object, opts: grpc.CallOptions, cb: Cb<object>): void };
  type MaintStub = grpc.Client & { Status(req: object, opts: grpc.CallOptions, cb: Cb<{ leader: number; header: { memberId: number } | null }>): void };
  const memberStatus = (i: number): Promise<{ leader: number; self: number }> =>
    new Promise((resolve, reject) =>
      ((clients[i] as EtcdClients).maint as MaintStub).Status({}, { deadline: Date.now() + 1000 }, (err, res) =>
        err || res === undefined ? reject(err ?? new Error("no response")) : resolve({ leader: res.leader, self: res.header?.memberId ?? 0 }),
      ),
    );
  const leaderIndex = async (): Promise<number> => {
    const st = await Promise.all([0, 1, 2].map((i) => (procs[i] === null ? Promise.resolve(null) : memberStatus(i).catch(() => null))));
    for (const [i, s] of st.entries()) if (s !== null && s.leader !== 0 && s.leader === s.self) return i;
    return -1;
  };
  await waitUntil("etcd leader", async () => ((await leaderIndex()) >= 0 ? true : undefined), 30_000);
  return {
    name: "etcd-3.4",
    put: (member, key, value, timeoutMs) =>
      new Promise<void>((resolve, reject) =>
        ((clients[member] as EtcdClients).kv as KvStub).Put({ key: Buffer.from(key), value }, { deadline: Date.now() + timeoutMs }, (err) => (err ? reject(err) : resolve())),
      ),
    leader: leaderIndex,
    kill: async (member) => {
      const p = procs[member];
      procs[member] = null;
      if (p === null || p === undefined) return;
      await new Promise<void>((resolve) => {
        p.once("exit", () => resolve());
        p.kill("SIGKILL");
      });
    },
    restart: async (member) => {
      launch(member, "existing");
      await waitUntil("etcd member back", async () => ((await memberStatus(member)).leader !== 0 ? true : undefined), 30_000);
    },
    stop: async () => {
      for (const c of clients) {
        c.kv.close();
        c.maint.close();
      }
      await Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p === null || p.exitCode !== null) return resolve();
              p.once("exit", () => resolve());
              p.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}

// ---- driver -------------------------------------------------------------------------------------

interface Window {
  system: string;
  round: number;
  load: LoadResult;
}

async function main(): Promise<void> {
  const dirs = [mkdtempSync(join(tmpdir(), "swarm-bench-raft-ours-")), mkdtempSync(join(tmpdir(), "swarm-bench-raft-etcd-"))] as const;
  const systems: System[] = [];
  try {
    if (ONLY === "" || ONLY === "ours") systems.push(await startOurs(dirs[0]));
    if (ONLY === "" || ONLY === "etcd") systems.push(await startEtcd(dirs[1]));
    // Both clusters run side by side (an idle one only heartbeats); measuring windows alternate
    // system by system, so drifting load from the rest of the machine hits both alike.
    const windows: Window[] = [];
    for (const clients of [1, 256]) {
      for (const sys of systems) await runLoad(sys, clients, 1); // warm-up
      for (let round = 1; round <= RUNS; round++) {
        const order = round % 2 === 1 ? systems : [...systems].reverse();
        for (const sys of order) {
          const load = await runLoad(sys, clients, SECONDS);
          console.log(`${sys.name} round ${round}: ${clients} clients → ${load.writesPerSec.toFixed(0)} writes/s, p50 ${load.p50.toFixed(2)} ms, p99 ${load.p99.toFixed(2)} ms, ${load.errors} errors`);
          windows.push({ system: sys.name, round, load });
        }
      }
    }
    const failovers = new Map<string, number[]>(systems.map((s) => [s.name, []]));
    for (let i = 0; i < FAILOVERS; i++) {
      for (const sys of systems) {
        const ms = await failover(sys);
        console.log(`${sys.name}: failover ${i + 1}: ${ms.toFixed(0)} ms`);
        failovers.get(sys.name)?.push(ms);
      }
    }
    const summary = (system: string) => {
      const pick = (clients: number, f: (l: LoadResult) => number): number[] =>
        windows.filter((w) => w.system === system && w.load.clients === clients).map((w) => f(w.load));
      return {
        w1: median(pick(1, (l) => l.writesPerSec)),
        p50_1: median(pick(1, (l) => l.p50)),
        p99_1: median(pick(1, (l) => l.p99)),
        w256: median(pick(256, (l) => l.writesPerSec)),
        p50_256: median(pick(256, (l) => l.p50)),
        p99_256: median(pick(256, (l) => l.p99)),
        failover: failovers.get(system) ?? [],
      };
    };
    const ours = summary("swarm-raft");
    const etcd = summary("etcd-3.4");
    printTable([
      ["system", "w/s @1", "p50 @1 ms", "p99 @1 ms", "w/s @256", "p50 @256 ms", "p99 @256 ms", "failover ms (median, max)"],
      ...[["swarm-raft", ours] as const, ["etcd-3.4", etcd] as const].map(([n, s]) => [
        n,
        s.w1,
        s.p50_1,
        s.p99_1,
        s.w256,
        s.p50_256,
        s.p99_256,
        `${median(s.failover).toFixed(0)}, ${Math.max(...s.failover).toFixed(0)}`,
      ]),
    ]);
    const ratio = ours.w256 / etcd.w256;
    console.log(
      `ratio (ours/etcd writes/s at 256 clients, median of ${RUNS} alternating windows): ${ratio.toFixed(2)}; p99 ours ${ours.p99_256.toFixed(1)} ms vs etcd ${etcd.p99_256.toFixed(1)} ms`,
    );
    const path = writeResult({
      name: "raft",
      unit: "writes/s at 256 clients",
      ours: ours.w256,
      peer: etcd.w256,
      peerName: "etcd 3.4 (Debian etcd-server), 3 members on loopback",
      ratio,
      runs: RUNS,
      details: { ours, etcd, meanFailoverOurs: mean(ours.failover), meanFailoverEtcd: mean(etcd.failover), seconds: SECONDS, valueBytes: VALUE.length, windows },
    });
    console.log(`wrote ${path}`);
  } finally {
    for (const sys of systems) await sys.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();
