/**
 * `npm run bench:update`: a rolling update of 5 replicas, parallelism 2, delay 1 s, monitor 5 s, stop
 * grace period 10 s on both — ours (swarmd in one netns host of the harness) vs Docker Swarm 20.10
 * (Debian docker.io, single-node swarm, the same busybox rootfs `docker import`ed as demo/web:1 and :2),
 * alternating runs in the same process. The clock starts when `service update -d --image …` is spawned
 * and stops when the manager reports the update completed (UpdateStatus COMPLETED / "completed") with 5
 * tasks of the new image running. Each run flips v1 → v2 or v2 → v1. Under load: ~100 req/s HTTP from
 * the root namespace to the host's published port 8080 during each of our updates, counting failed
 * requests (Docker's ingress mesh needs IPVS, which this kernel lacks, so Docker gets no load). dockerd
 * runs through bench/lib/docker.ts (a private engine, one at a time on this machine) and is stopped
 * and removed at the end. Writes bench/results/update.json; ratio = ours / docker (goal ≤ 0.5).
 */
import { credentials } from "@grpc/grpc-js";
import { request } from "node:http";
import { loadavg } from "node:os";
import type { Service__Output } from "../src/gen/swarm/api/Service.js";
import type { ControlClient } from "../src/gen/swarm/control/Control.js";
import type { GetServiceResponse__Output } from "../src/gen/swarm/control/GetServiceResponse.js";
import type { ListTasksResponse__Output } from "../src/gen/swarm/control/ListTasksResponse.js";
import { buildTestImages } from "../src/image/testing/test-images.js";
import { callUnary } from "../src/rpc/grpc.js";

import { Cluster } from "../cluster-test/lib/cluster.js";
import { cleanup } from "../cluster-test/lib/cleanup.js";
import { uniqueClusterName } from "../cluster-test/lib/with-cluster.js";
import { docker, dockerRaw, dockerdVersion, downDocker, upDocker as upDockerd, type Docker } from "./lib/docker.js";
import { mean, median, printTable, writeResult } from "./lib/results.js";
import { until as untilFor } from "./lib/until.js";
import { protos } from "../src/rpc/services.js";

/** Polls with this bench's default deadline. */
const until = <T>(what: string, probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = TIMEOUT_MS, pollMs = 50): Promise<T> => untilFor(what, probe, done, timeoutMs, pollMs);

const RUNS = Number(process.env.RUNS ?? 2);
const REPLICAS = 5;
const TUNING = ["--update-parallelism", "2", "--update-delay", "1s", "--update-monitor", "5s", "--stop-grace-period", "10s"];
const TIMEOUT_MS = 240_000;

/** ~`rate` GET/s against `url` until stopped; counts answers that are not 200 (or no answer at all). */
function load(url: string, rate: number): { stop: () => Promise<{ sent: number; failed: number; errors: string[] }> } {
  let sent = 0;
  let failed = 0;
  const errors: string[] = [];
  const inflight = new Set<Promise<void>>();
  const one = (): Promise<void> =>
    new Promise<void>((resolve) => {
      sent++;
      const req = request(url, { timeout: 5_000, agent: false }, (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 200) {
            failed++;
            if (errors.length < 5) errors.push(`HTTP ${res.statusCode}`);
          }
          resolve();
        });
      });
      const fail = (why: string): void => {
        failed++;
        if (errors.length < 5) errors.push(why);
        resolve();
      };
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (e) => fail(e.message));
      req.end();
    });
  const timer = setInterval(() => {
    const p = one().finally(() => inflight.delete(p));
    inflight.add(p);
  }, 1_000 / rate);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inflight);
      return { sent, failed, errors };
    },
  };
}

// ---------- ours ----------

interface Ours {
  readonly cluster: Cluster;
  readonly control: ControlClient;
  readonly url: string;
}

async function swarmctl(o: { cluster: Cluster }, ...args: string[]): Promise<string> {
  const r = await o.cluster.host("h1").swarmctl(...args);
  if (r.code !== 0) throw new Error(`swarmctl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

async function upOurs(images: ReturnType<typeof buildTestImages>): Promise<Ours> {
  const name = uniqueClusterName();
  await cleanup(name);
  const cluster = await Cluster.up({ hosts: 1, name });
  const o = { cluster };
  await cluster.host("h1").swarmd();
  await until("daemon up", async () => (await cluster.host("h1").swarmctl("info")).code === 0, (v) => v, 30_000, 200);
  for (const img of [images.web1, images.web2]) await swarmctl(o, "image", "load", img);
  await swarmctl(o, "init", "--advertise-addr", cluster.host("h1").ip);
  // No health check on ours either: Docker's imported image has none.
  await swarmctl(o, "service", "create", "--name", "web", "--replicas", String(REPLICAS), "--publish", "8080:80", "--no-healthcheck", ...TUNING, "demo/web:1");
  const control = new protos.control.Control(`unix://${cluster.host("h1").socketPath}`, credentials.createInsecure());
  return { cluster, control, url: `http://${cluster.host("h1").ip}:8080/` };
}

async function serviceOurs(o: Ours): Promise<Service__Output> {
  return (await callUnary<GetServiceResponse__Output>((md, opt, cb) => o.control.GetService({ serviceId: "web" }, md, opt, cb))).service!;
}

async function updateOurs(o: Ours, image: string): Promise<number> {
  const t0 = performance.now();
  await swarmctl(o, "service", "update", "-d", "--image", image, "web");
  await until(`our update to ${image}`, async () => {
    const s = await serviceOurs(o);
    const { tasks } = await callUnary<ListTasksResponse__Output>((md, opt, cb) => o.control.ListTasks({ filters: { serviceIds: [s.id], desiredStates: ["RUNNING"] } }, md, opt, cb));
    const running = tasks.filter((t) => t.status?.state === "RUNNING" && (t.spec?.container?.image ?? "").startsWith(`${image}@`)).length;
    return { state: s.updateStatus?.state, running };
  }, (v) => v.state === "COMPLETED" && v.running === REPLICAS);
  return performance.now() - t0;
}

// ---------- Docker ----------

/** dockerd with demo/web:1 and :2 and the 5-replica service, tuned as ours. */
async function upDocker(rootfsTar: string): Promise<Docker> {
  const web = (v: number) => ({ tag: `demo/web:${v}`, cmd: `["/bin/sh","-c","mkdir -p /www && echo web v${v} > /www/index.html && exec httpd -f -p 80 -h /www"]` });
  const d = await upDockerd(rootfsTar, [web(1), web(2)]);
  try {
    await docker(d, "service", "create", "--detach", "--name", "web", "--replicas", String(REPLICAS), ...TUNING, "demo/web:1");
    await until("5 docker tasks running", () => runningDocker(d, "demo/web:1"), (n) => n === REPLICAS);
  } catch (err) {
    await downDocker(d);
    throw err;
  }
  return d;
}

async function runningDocker(d: Docker, image: string): Promise<number> {
  const tasks = JSON.parse(await dockerRaw(d.socket, `/v1.41/tasks?filters=${encodeURIComponent(JSON.stringify({ "desired-state": ["running"] }))}`)) as { Spec: { ContainerSpec: { Image: string } }; Status: { State: string } }[];
  return tasks.filter((t) => t.Status.State === "running" && t.Spec.ContainerSpec.Image.startsWith(image)).length;
}

async function updateDocker(d: Docker, image: string): Promise<number> {
  const t0 = performance.now();
  await docker(d, "service", "update", "--detach", "--image", image, "web");
  await until(`docker update to ${image}`, async () => {
    const [s] = JSON.parse(await dockerRaw(d.socket, "/v1.41/services")) as { UpdateStatus?: { State: string } }[];
    return { state: s?.UpdateStatus?.State, running: await runningDocker(d, image) };
  }, (v) => v.state === "completed" && v.running === REPLICAS, TIMEOUT_MS, 200);
  return performance.now() - t0;
}

// ---------- main ----------

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("bench:update needs root (netns hosts, containers, dockerd)");
  const images = buildTestImages();
  const times = { ours: [] as number[], docker: [] as number[] };
  const loads: { sent: number; failed: number; errors: string[] }[] = [];
  let meshAnswers = false;
  const load0 = loadavg()[0] ?? 0;
  const ours = await upOurs(images);
  let dock: Docker | undefined;
  try {
    dock = await upDocker(images.rootfs);
    meshAnswers = await new Promise<boolean>((resolve) => {
      const req = request(ours.url, { timeout: 2_000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on("error", () => resolve(false));
      req.on("timeout", () => req.destroy());
      req.end();
    });
    if (!meshAnswers) console.log(`no answer on ${ours.url}: the routing mesh is not serving published ports here; updates are timed without load`);
    for (let i = 0; i < RUNS; i++) {
      const image = i % 2 === 0 ? "demo/web:2" : "demo/web:1";
      const l = meshAnswers ? load(ours.url, 100) : undefined;
      times.ours.push(await updateOurs(ours, image));
      if (l !== undefined) loads.push(await l.stop());
      console.log(`run ${i + 1}: ours ${times.ours.at(-1)?.toFixed(0)} ms${l === undefined ? "" : `, ${loads.at(-1)?.failed}/${loads.at(-1)?.sent} failed requests`} (load ${loadavg()[0]?.toFixed(1)})`);
      times.docker.push(await updateDocker(dock, image));
      console.log(`run ${i + 1}: docker ${times.docker.at(-1)?.toFixed(0)} ms (load ${loadavg()[0]?.toFixed(1)})`);
    }
  } finally {
    if (dock !== undefined) await downDocker(dock);
    ours.control.close();
    await ours.cluster.down();
  }
  const o = median(times.ours);
  const p = median(times.docker);
  const failed = loads.reduce((a, l) => a + l.failed, 0);
  const sent = loads.reduce((a, l) => a + l.sent, 0);
  printTable([
    ["system", "median ms to converge", "mean ms", "runs", "failed requests"],
    ["swarm (ours)", o, mean(times.ours), RUNS, meshAnswers ? `${failed}/${sent}` : "not measured (no mesh)"],
    ["Docker Swarm", p, mean(times.docker), RUNS, "not measured (ingress needs IPVS)"],
  ]);
  console.log(`ratio ours/docker = ${(o / p).toFixed(3)} (goal ≤ 0.5 with 0 failed requests)`);
  const version = dockerdVersion();
  const path = writeResult({
    name: "update",
    unit: "ms from `service update -d --image` to the update completed with 5 new tasks running (median)",
    ours: o,
    peer: p,
    peerName: version || "Docker Swarm (docker.io)",
    ratio: o / p,
    runs: RUNS,
    details: {
      workload: "5 replicas of busybox httpd, parallelism 2, delay 1 s, monitor 5 s, stop grace 10 s, stop-first; no health check on either",
      alternating: true,
      oursMs: times.ours,
      dockerMs: times.docker,
      load: meshAnswers ? { ratePerSecond: 100, url: "published port 8080 of the host, from the root namespace", runs: loads } : "not measured: the routing mesh did not answer",
      loadAverageAtStart: load0,
      loadAverageAtEnd: loadavg()[0],
    },
  });
  console.log(`wrote ${path}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:update failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  },
);
