/**
 * `npm run demo` (as root, after `npm ci`): the README's story on this machine. Five hosts as network
 * namespaces (h1..h5, no route out), three managers and two workers formed with `swarmctl init` /
 * `join`; the demo image loaded on the managers (workers fetch it from them); a 5-replica service
 * publishing port 8080; requests through two different hosts answered by replicas on several nodes; a
 * rolling update to demo/web:2 two tasks at a time with a 1 s delay; `service ps` and v2 answering;
 * then kill -9 of the leader and a new one taking over. Everything is torn down at the end, also on
 * Ctrl-C.
 */
import { execFileSync } from "node:child_process";
import { Cluster } from "../cluster-test/lib/cluster.js";
import { cleanup } from "../cluster-test/lib/cleanup.js";
import { buildTestImages } from "../src/image/testing/test-images.js";

const NAME = "demo";
const say = (s: string): void => void process.stdout.write(`\n\x1b[1m==> ${s}\x1b[0m\n`);
const show = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);

async function swarmctl(c: Cluster, host: string, ...args: string[]): Promise<string> {
  show(`$ swarmctl ${args.join(" ")}        # on ${host}`);
  const r = await c.host(host).swarmctl(...args);
  if (r.code !== 0) throw new Error(`swarmctl ${args.join(" ")} on ${host} failed: ${r.stderr.trim()}`);
  show(r.stdout);
  return r.stdout;
}

/** `curl http://127.0.0.1:8080/` `times` times inside `host`; returns the pages (or the errors). */
async function curl(c: Cluster, host: string, times: number): Promise<string[]> {
  show(`$ for i in $(seq ${times}); do curl -s http://127.0.0.1:8080/; done        # on ${host}`);
  const pages: string[] = [];
  for (let i = 0; i < times; i++) {
    const r = await c.host(host).exec(["curl", "-s", "--max-time", "3", "http://127.0.0.1:8080/"]);
    pages.push(r.code === 0 ? r.stdout.trim() : `(curl failed: exit ${r.code})`);
  }
  show(pages.join("\n"));
  return pages;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error("the demo creates network namespaces: run it as root");
  // A fresh Debian machine lacks a few packages (busybox-static for the demo image, iptables…).
  execFileSync("bash", [new URL("install-host-deps.sh", import.meta.url).pathname, "--demo"], { stdio: "inherit" });
  await cleanup(NAME);
  say("Creating 5 hosts (network namespaces h1..h5, no route out of this machine)");
  const c = await Cluster.up({ name: NAME, hosts: 5 });
  let tornDown = false;
  const teardown = async (): Promise<void> => {
    if (tornDown) return;
    tornDown = true;
    say("Tearing everything down");
    await c.down();
  };
  process.once("SIGINT", () => void teardown().then(() => process.exit(130)));
  try {
    for (const h of c.hosts) show(`  ${h.name}  ${h.ip}`);
    say("Starting swarmd on every host");
    await Promise.all(c.hosts.map((h) => h.swarmd()));
    await c.waitFor(async () => (await Promise.all(c.hosts.map((h) => h.swarmctl("info")))).every((r) => r.code === 0), (v) => v, { timeoutMs: 20_000, describe: "daemons up" });

    const h1 = c.host("h1");
    say("h1 initializes the swarm");
    await swarmctl(c, "h1", "init", "--advertise-addr", h1.ip, "--dispatcher-heartbeat", "1s");
    const manager = (await c.host("h1").swarmctl("join-token", "-q", "manager")).stdout.trim();
    const worker = (await c.host("h1").swarmctl("join-token", "-q", "worker")).stdout.trim();
    say("h2, h3 join as managers; h4, h5 as workers");
    for (const h of ["h2", "h3"]) await swarmctl(c, h, "join", "--token", manager, `${h1.ip}:2377`);
    for (const h of ["h4", "h5"]) await swarmctl(c, h, "join", "--token", worker, `${h1.ip}:2377`);
    await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => r.stdout.trim().split("\n").slice(1).filter((l) => / Ready /.test(l)).length === 5, { timeoutMs: 30_000, describe: "5 Ready nodes" });
    say("The cluster, seen from a manager");
    await swarmctl(c, "h2", "node", "ls");

    say("Loading the demo images (busybox httpd, v1 and v2) on the managers; workers fetch them from a manager");
    const images = buildTestImages();
    for (const h of ["h1", "h2", "h3"]) {
      for (const image of [images.web1, images.web2]) {
        const r = await c.host(h).swarmctl("image", "load", image);
        if (r.code !== 0) throw new Error(`image load on ${h}: ${r.stderr.trim()}`);
      }
    }
    await swarmctl(c, "h1", "image", "ls");

    say("A service with 5 replicas, port 8080 published on every node");
    await swarmctl(c, "h1", "service", "create", "--name", "web", "--replicas", "5", "--publish", "8080:80", "demo/web:1");
    await swarmctl(c, "h1", "service", "ps", "web");

    say("Requests through two different hosts (the routing mesh picks a replica anywhere)");
    await curl(c, "h4", 4);
    await curl(c, "h2", 4);

    say("Rolling update to demo/web:2, two tasks at a time, 1 s between batches");
    const t0 = Date.now();
    await swarmctl(c, "h1", "service", "update", "--image", "demo/web:2", "--update-parallelism", "2", "--update-delay", "1s", "web");
    show(`(the update took ${((Date.now() - t0) / 1000).toFixed(1)} s, including the 5 s monitor window of the last batch)`);
    await swarmctl(c, "h1", "service", "ps", "web");
    say("v2 answers now");
    await curl(c, "h5", 4);

    say("kill -9 the leader's daemon (h1)");
    const t1 = Date.now();
    await c.host("h1").kill("swarmd");
    await c.waitFor(() => c.host("h2").swarmctl("node", "ls"), (r) => /Leader$/m.test(r.stdout) && !/ h1 .*Leader$/m.test(r.stdout), { timeoutMs: 15_000, describe: "a new leader" });
    show(`a new leader was elected; swarmctl saw it ${Date.now() - t1} ms after the kill`);
    await swarmctl(c, "h2", "node", "ls");
    say("The service keeps its 5 replicas (h1's task is replaced on the other nodes)");
    await c.waitFor(() => c.host("h2").swarmctl("service", "ls"), (r) => / 5\/5 /.test(r.stdout), { timeoutMs: 30_000, describe: "5/5 replicas" });
    await swarmctl(c, "h2", "service", "ls");

    say("Restart h1's daemon: it rejoins as a follower");
    await c.host("h1").restart("swarmd");
    await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => / \* +h1 +Ready .*Reachable$/m.test(r.stdout) && /Leader$/m.test(r.stdout), { timeoutMs: 30_000, describe: "h1 rejoined (Ready) and knows the leader" });
    await swarmctl(c, "h1", "node", "ls");
  } finally {
    await teardown();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
