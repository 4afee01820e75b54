/**
 * `npm run demo` (as root, after `npm ci`): five hosts as network namespaces on this machine, a swarm of
 * three managers and two workers formed with `swarmctl init` / `join`, `node ls`, then the leader is
 * killed with SIGKILL and a new one takes over while a 5-replica service keeps running. Everything is
 * torn down at the end, also on Ctrl-C. (The routing mesh and rolling updates join the story as they land.)
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

    say("Loading the demo image (busybox httpd) on every host, then a service with 5 replicas");
    const images = buildTestImages();
    for (const h of c.hosts) {
      const r = await h.swarmctl("image", "load", images.web1);
      if (r.code !== 0) throw new Error(`image load on ${h.name}: ${r.stderr.trim()}`);
    }
    await swarmctl(c, "h1", "service", "create", "--name", "web", "--replicas", "5", "demo/web:1");
    await swarmctl(c, "h1", "service", "ps", "web");

    say("kill -9 the leader's daemon (h1)");
    const t0 = Date.now();
    await c.host("h1").kill("swarmd");
    await c.waitFor(() => c.host("h2").swarmctl("node", "ls"), (r) => /Leader$/m.test(r.stdout) && !/ h1 .*Leader$/m.test(r.stdout), { timeoutMs: 15_000, describe: "a new leader" });
    show(`a new leader was elected; swarmctl saw it ${Date.now() - t0} ms after the kill`);
    await swarmctl(c, "h2", "node", "ls");
    say("The service kept running through the failover");
    await swarmctl(c, "h2", "service", "ls");

    say("Restart h1's daemon: it rejoins as a follower");
    await c.host("h1").restart("swarmd");
    await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => / \* .*Reachable$/m.test(r.stdout) && /Leader$/m.test(r.stdout), { timeoutMs: 30_000, describe: "h1 rejoined and knows the leader" });
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
