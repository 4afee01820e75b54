/**
 * `npm run bench:converge`: one host, `service create --replicas 50` until 50 tasks run — ours (swarmd in
 * a netns host of the harness) vs Docker Swarm 20.10 (Debian docker.io, single-node swarm, the same busybox
 * rootfs `docker import`ed), alternating runs in the same process. The clock starts when the CLI
 * (`swarmctl service create -d` / `docker service create --detach`) is spawned and stops when the
 * manager's API reports 50 running tasks (polled in-process every 50 ms, gRPC over the unix socket /
 * Docker's HTTP API). Between runs the service is removed and its containers waited for. Then, ours only,
 * 100 replicas on a 5-host netns cluster. Writes bench/results/converge.json; ratio = ours / docker
 * (goal ≤ 0.2). dockerd runs through bench/lib/docker.ts (one engine at a time on this machine) with its own
 * data/exec roots, socket and pidfile, and is stopped and removed at the end.
 */
import { credentials } from "@grpc/grpc-js";
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ListTasksResponse__Output } from "../src/gen/swarm/control/ListTasksResponse.js";
import type { ListServicesResponse__Output } from "../src/gen/swarm/control/ListServicesResponse.js";
import type { ControlClient } from "../src/gen/swarm/control/Control.js";
import { taskStateOrder } from "../src/spec/task-state.js";
import { buildTestImages } from "../src/image/testing/test-images.js";
import { callUnary } from "../src/rpc/grpc.js";

import { Cluster } from "../cluster-test/lib/cluster.js";
import { cleanup } from "../cluster-test/lib/cleanup.js";
import { uniqueClusterName } from "../cluster-test/lib/with-cluster.js";
import { docker, dockerApi, dockerdVersion, downDocker, upDocker, type Docker } from "./lib/docker.js";
import { mean, median, printTable, RESULTS_DIR, writeResult } from "./lib/results.js";
import { until as untilFor } from "./lib/until.js";
import { protos } from "../src/rpc/services.js";

/** Polls with this bench's default deadline and pace. */
const until = <T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = TIMEOUT_MS): Promise<T> => untilFor(what, probe, done, timeoutMs, POLL_MS);

const run = promisify(execFile);
const RUNS = Number(process.env.RUNS ?? 3);
const REPLICAS = Number(process.env.REPLICAS ?? 50);
const BIG = Number(process.env.BIG_REPLICAS ?? 100);
/** `PEER=none` runs ours only (a quick look while working; no ratio is written). */
const PEER = process.env.PEER ?? "docker";
const TIMEOUT_MS = 180_000;
const POLL_MS = 50;

// ---------- ours ----------

interface Ours {
  readonly cluster: Cluster;
  readonly socket: string;
  readonly control: ControlClient;
}

async function upOurs(hosts: number, image: string): Promise<Ours> {
  const name = uniqueClusterName();
  await cleanup(name);
  const cluster = await Cluster.up({ hosts, name });
  const ok = async (h: string, ...args: string[]): Promise<string> => {
    const r = await cluster.host(h).swarmctl(...args);
    if (r.code !== 0) throw new Error(`swarmctl ${args.join(" ")} on ${h}: ${r.stderr}`);
    return r.stdout;
  };
  const b = cluster.state.binaries;
  const prof = process.env.SWARMD_CPU_PROF; // a directory: each swarmd writes a V8 CPU profile there when it stops
  await Promise.all(cluster.hosts.map((h) => (prof ? h.start([b.node, "--cpu-prof", `--cpu-prof-dir=${prof}`, b.swarmd, "--data-dir", h.dataDir, "--socket", h.socketPath, "--advertise-addr", h.ip], { name: "swarmd" }) : h.swarmd())));
  await until("daemons up", async () => (await Promise.all(cluster.hosts.map((h) => h.swarmctl("info")))).every((r) => r.code === 0), (v) => v, 30_000);
  const h1 = cluster.host("h1");
  const managers = cluster.hosts.slice(0, Math.min(3, hosts)).map((h) => h.name);
  for (const h of managers) await ok(h, "image", "load", image);
  await ok("h1", "init", "--advertise-addr", h1.ip);
  const mt = (await ok("h1", "join-token", "-q", "manager")).trim();
  const wt = (await ok("h1", "join-token", "-q", "worker")).trim();
  for (const h of cluster.hosts.slice(1)) await ok(h.name, "join", "--token", managers.includes(h.name) ? mt : wt, `${h1.ip}:2377`);
  const control = new protos.control.Control(`unix://${h1.socketPath}`, credentials.createInsecure());
  await until(`${hosts} ready nodes`, async () => (await callUnary<{ nodes: { status: { state: string } | null }[] }>((md, o, cb) => control.ListNodes({}, md, o, cb))).nodes, (n) => n.filter((x) => x.status?.state === "READY").length === hosts, 60_000);
  return { cluster, socket: h1.socketPath, control };
}

/** States whose first and last (Nth) task this bench times, in task order. */
const MILESTONES = ["ASSIGNED", "PREPARING", "STARTING", "RUNNING"] as const;

/**
 * Running tasks of `service`; `seen` gets, per milestone state, when the first task and when all
 * `replicas` had reached it (ms since t0), as the manager's API showed them.
 */
async function runningOurs(o: Ours, service: string, t0: number, replicas: number, seen: Record<string, [number?, number?]>): Promise<number> {
  const { services } = await callUnary<ListServicesResponse__Output>((md, opt, cb) => o.control.ListServices({}, md, opt, cb));
  const s = services.find((x) => x.spec?.annotations?.name === service);
  if (s === undefined) return 0;
  const { tasks } = await callUnary<ListTasksResponse__Output>((md, opt, cb) => o.control.ListTasks({ filters: { serviceIds: [s.id], desiredStates: ["RUNNING"] } }, md, opt, cb));
  const now = Math.round(performance.now() - t0);
  for (const m of MILESTONES) {
    const n = tasks.filter((t) => taskStateOrder(t.status?.state ?? "NEW") >= taskStateOrder(m)).length;
    const e = (seen[m] ??= []);
    if (n > 0) e[0] ??= now;
    if (n >= replicas) e[1] ??= now;
  }
  return tasks.filter((t) => t.status?.state === "RUNNING").length;
}

async function taskCountOurs(o: Ours): Promise<number> {
  return (await callUnary<ListTasksResponse__Output>((md, opt, cb) => o.control.ListTasks({}, md, opt, cb))).tasks.length;
}

async function convergeOurs(o: Ours, replicas: number, name: string): Promise<number> {
  const b = o.cluster.state.binaries;
  const t0 = performance.now();
  await run(b.node, [b.swarmctl, "--socket", o.socket, "service", "create", "-d", "--no-healthcheck", "--name", name, "--replicas", String(replicas), "demo/web:1"]);
  const seen: Record<string, [number?, number?]> = {};
  await until(`${replicas} running (ours)`, () => runningOurs(o, name, t0, replicas, seen), (n) => n >= replicas);
  const ms = performance.now() - t0;
  console.log(`  ours, ms to first / all tasks in: ${MILESTONES.map((m) => `${m} ${String(seen[m]?.[0])}/${String(seen[m]?.[1])}`).join(", ")}`);
  await run(b.node, [b.swarmctl, "--socket", o.socket, "service", "rm", name]);
  await until("our tasks removed", () => taskCountOurs(o), (n) => n === 0);
  return ms;
}

/** Per-phase task start times (median and max ms) from the "task container started" lines of every host's swarmd log. */
function phasesOurs(o: Ours): Record<string, { median: number; max: number }> {
  const seen: Record<string, number[]> = {};
  for (const h of o.cluster.hosts) {
    for (const line of o.cluster.tail(h.name, "swarmd", 1_000_000).split("\n")) {
      if (!line.includes('"task container started"')) continue;
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        for (const k of ["rootfsMs", "networkMs", "bundleMs", "runMs"]) if (typeof rec[k] === "number") (seen[k] ??= []).push(rec[k]);
      } catch {
        // not a JSON log line
      }
    }
  }
  return Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, { median: median(v), max: Math.max(...v) }]));
}

async function downOurs(o: Ours): Promise<void> {
  // The daemons' logs (task start timelines) stay in bench/results/ for a closer look.
  mkdirSync(RESULTS_DIR, { recursive: true });
  for (const h of o.cluster.hosts) writeFileSync(join(RESULTS_DIR, `converge-${String(o.cluster.hosts.length)}hosts-${h.name}.log`), o.cluster.tail(h.name, "swarmd", 1_000_000));
  o.control.close();
  await o.cluster.down();
}

// ---------- Docker ----------

async function convergeDocker(d: Docker, replicas: number, name: string): Promise<number> {
  const t0 = performance.now();
  await docker(d, "service", "create", "--detach", "--name", name, "--replicas", String(replicas), "demo/web:1");
  await until(`${replicas} running (docker)`, async () => {
    const services = await dockerApi<{ Spec: { Name: string }; ServiceStatus?: { RunningTasks: number } }[]>(d.socket, "/v1.41/services?status=true");
    return services.find((s) => s.Spec.Name === name)?.ServiceStatus?.RunningTasks ?? 0;
  }, (n) => n >= replicas);
  const ms = performance.now() - t0;
  await docker(d, "service", "rm", name);
  await until("docker containers removed", async () => (await dockerApi<unknown[]>(d.socket, "/v1.41/containers/json?all=1")).length, (n) => n === 0);
  return ms;
}

// ---------- main ----------

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("bench:converge needs root (netns hosts, containers, dockerd)");
  const images = buildTestImages();
  const times = { ours: [] as number[], docker: [] as number[] };
  const phases: Record<string, unknown> = {};
  const ours = await upOurs(1, images.web1);
  let dock: Docker | undefined;
  try {
    if (PEER !== "none") dock = await upDocker(images.rootfs, [{ tag: "demo/web:1", cmd: '["/bin/sh","-c","mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 80 -h /www"]' }]);
    for (let i = 0; i < RUNS; i++) {
      times.ours.push(await convergeOurs(ours, REPLICAS, `s${REPLICAS}o${i}`));
      console.log(`run ${i + 1}: ours ${times.ours.at(-1)?.toFixed(0)} ms (load ${loadavg()[0]?.toFixed(1)})`);
      if (dock === undefined) continue;
      times.docker.push(await convergeDocker(dock, REPLICAS, `s${REPLICAS}d${i}`));
      console.log(`run ${i + 1}: docker ${times.docker.at(-1)?.toFixed(0)} ms (load ${loadavg()[0]?.toFixed(1)})`);
    }
    phases.oneHost = phasesOurs(ours);
    console.log(`ours, per task start (all runs): ${JSON.stringify(phases.oneHost)}`);
  } finally {
    if (dock !== undefined) await downDocker(dock);
    await downOurs(ours);
  }
  let big: Record<string, unknown> | null = null;
  if (BIG > 0) {
    const five = await upOurs(5, images.web1);
    try {
      const ms = await convergeOurs(five, BIG, `s${BIG}`);
      big = { replicas: BIG, ms };
      console.log(`ours, ${BIG} replicas on 5 netns hosts: ${ms.toFixed(0)} ms`);
      phases.fiveHosts = phasesOurs(five);
      console.log(`ours, per task start (5 hosts): ${JSON.stringify(phases.fiveHosts)}`);
    } catch (err) {
      // Reported, not thrown: the 1-host comparison above still gets written.
      const { tasks } = await callUnary<ListTasksResponse__Output>((md, opt, cb) => five.control.ListTasks({}, md, opt, cb));
      const stuck = tasks.filter((t) => t.status?.state !== "RUNNING").map((t) => ({ id: t.id, desired: t.desiredState, state: t.status?.state, message: t.status?.message, err: t.status?.err }));
      big = { replicas: BIG, error: err instanceof Error ? err.message : String(err), notRunning: stuck.slice(0, 10) };
      console.log(`ours, ${BIG} replicas on 5 netns hosts: FAILED: ${JSON.stringify(big)}`);
    } finally {
      await downOurs(five);
    }
  }
  const o = median(times.ours);
  if (dock === undefined) {
    console.log(`ours only (PEER=none): median ${o.toFixed(0)} ms over ${String(RUNS)} runs; nothing written`);
    return;
  }
  const p = median(times.docker);
  printTable([
    ["system", `median ms (${REPLICAS} replicas, 1 host)`, "mean ms", "runs"],
    ["swarm (ours)", o, mean(times.ours), RUNS],
    ["Docker Swarm", p, mean(times.docker), RUNS],
  ]);
  console.log(`ratio ours/docker = ${(o / p).toFixed(3)} (goal ≤ 0.2)`);
  const version = dockerdVersion();
  const path = writeResult({
    name: "converge",
    unit: `ms from \`service create --replicas ${REPLICAS}\` to ${REPLICAS} running (median)`,
    ours: o,
    peer: p,
    peerName: version || "Docker Swarm (docker.io)",
    ratio: o / p,
    runs: RUNS,
    details: {
      workload: "busybox httpd; ours: demo/web:1 with --no-healthcheck; docker: the same rootfs `docker import`ed",
      alternating: true,
      ours: { samples: times.ours },
      docker: { samples: times.docker },
      fiveHosts: big,
      phases,
      loadavgAtEnd: loadavg(),
    },
  });
  console.log(`wrote ${path}`);
}

await main();
