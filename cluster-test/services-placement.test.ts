// Issue [6] acceptance on one shared netns cluster (3 managers + 2 workers, DEFAULT heartbeat 5 s): bad
// specs leave nothing behind; constraints and spread preferences are honoured; an impossible constraint
// leaves tasks PENDING with the scheduler's explanation; a crashing task is restarted per policy and
// given up on; `service logs` (plain, --tail, --since, a task, from a follower, -f picking up a new task);
// drain moves tasks off h4; kill -9 of a worker's daemon → replacements, the old tasks Orphaned, and the
// time from the kill to all replicas running again is printed.
import { describe, expect, it } from "vitest";
import { buildTestImages, type TestImages } from "../src/image/testing/test-images.js";
import type { Cluster } from "./lib/cluster.js";
import { sharedCluster } from "./lib/shared-cluster.js";
import { tableRows as rows, swarmctlOk } from "./lib/swarmctl.js";
import { psRows, runningPerNode, type PsRow } from "./lib/service-ps.js";

let c: Cluster;
let images: TestImages;
const ok = (host: string, ...args: string[]): Promise<string> => swarmctlOk(c, host, ...args);

async function ps(service: string, host = "h1"): Promise<PsRow[]> {
  return psRows(await ok(host, "service", "ps", service));
}

async function waitPs(service: string, what: string, ready: (list: PsRow[]) => boolean, timeoutMs = 60_000): Promise<PsRow[]> {
  const r = await c.waitFor(() => c.host("h1").swarmctl("service", "ps", service), (x) => x.code === 0 && ready(psRows(x.stdout)), { timeoutMs, describe: what });
  return psRows(r.stdout);
}

async function serviceNames(): Promise<string[]> {
  return rows(await ok("h1", "service", "ls")).map((l) => l.trim().split(/\s{2,}/)[1] ?? "");
}

const ZONES: Record<string, string> = { h1: "a", h2: "a", h3: "b", h4: "c", h5: "c" };

const step = sharedCluster({ hosts: 5 }, async (cluster) => {
  c = cluster;
  images = buildTestImages();
  await Promise.all(c.hosts.map((h) => h.swarmd()));
  await c.waitFor(async () => (await Promise.all(c.hosts.map((h) => h.swarmctl("info")))).every((r) => r.code === 0), (v) => v, { timeoutMs: 20_000, describe: "daemons up" });
  for (const h of ["h1", "h2", "h3"]) for (const img of [images.web1, images.broken]) await ok(h, "image", "load", img);
  const h1 = c.host("h1");
  await ok("h1", "init", "--advertise-addr", h1.ip);
  const manager = (await ok("h1", "join-token", "-q", "manager")).trim();
  const worker = (await ok("h1", "join-token", "-q", "worker")).trim();
  for (const h of ["h2", "h3"]) await ok(h, "join", "--token", manager, `${h1.ip}:2377`);
  for (const h of ["h4", "h5"]) await ok(h, "join", "--token", worker, `${h1.ip}:2377`);
  await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => rows(r.stdout).filter((l) => / Ready /.test(l)).length === 5, { timeoutMs: 60_000, describe: "5 Ready nodes" });
  for (const [h, zone] of Object.entries(ZONES)) await ok("h1", "node", "update", "--label-add", `zone=${zone}`, h);
});

describe("services on a shared five-host cluster (default heartbeat)", () => {
  it("refuses bad specs with clear errors and creates nothing", () =>
    step(async () => {
      const bad: [string[], RegExp][] = [
        [["--name", "bad1", "--replicas", "-1", "demo/web:1"], /replicas.*-1/],
        [["--name", "bad2", "demo/nope:1"], /demo\/nope:1.*not in this manager's image store/],
        [["--name", "bad3", "--constraint", "node.role=worker", "demo/web:1"], /constraint.*node\.role=worker/],
        [["--name", "bad4", "--limit-memory", "12 parsecs", "demo/web:1"], /--limit-memory.*12 parsecs/],
      ];
      for (const [args, why] of bad) {
        const r = await c.host("h1").swarmctl("service", "create", "-d", ...args);
        expect(r.code, `service create ${args.join(" ")}`).not.toBe(0);
        expect(r.stderr).toMatch(why);
      }
      await ok("h1", "service", "create", "-d", "--name", "dup", "--replicas", "0", "demo/web:1");
      const dup = await c.host("h2").swarmctl("service", "create", "-d", "--name", "dup", "demo/web:1");
      expect(dup.code).not.toBe(0);
      expect(dup.stderr).toMatch(/service name "dup" is already in use/);
      expect(await serviceNames()).toEqual(["dup"]);
      await ok("h1", "service", "rm", "dup");
      expect(await serviceNames()).toEqual([]);
    }));

  it("honours constraints and spread preferences", () =>
    step(async () => {
      await ok("h1", "service", "create", "--name", "workers", "--replicas", "4", "--constraint", "node.role==worker", "demo/web:1");
      expect(runningPerNode(await ps("workers"))).toEqual({ h4: 2, h5: 2 });
      await ok("h1", "service", "create", "--name", "zoned", "--replicas", "6", "--placement-pref", "spread=node.labels.zone", "demo/web:1");
      const perZone: Record<string, number> = {};
      for (const [node, n] of Object.entries(runningPerNode(await ps("zoned")))) perZone[ZONES[node] ?? "?"] = (perZone[ZONES[node] ?? "?"] ?? 0) + n;
      expect(perZone).toEqual({ a: 2, b: 2, c: 2 });
    }));

  it("leaves tasks of an impossible constraint pending with the reason", () =>
    step(async () => {
      await ok("h1", "service", "create", "-d", "--name", "mars", "--replicas", "2", "--constraint", "node.labels.zone==mars", "demo/web:1");
      const list = await waitPs("mars", "2 pending tasks with the scheduler's reason", (l) => l.length === 2 && l.every((r) => /no suitable node/.test(r.error)), 30_000);
      for (const r of list) {
        expect(r.node).toBe("");
        expect(r.current).toMatch(/^pending/);
        expect(r.error).toBe("no suitable node (scheduling constraints not satisfied on 5 nodes)");
      }
      await ok("h1", "service", "rm", "mars");
    }));

  it("restarts a failing task per policy and gives up after max attempts", () =>
    step(async () => {
      await ok("h1", "service", "create", "-d", "--name", "crash", "--restart-condition", "on-failure", "--restart-delay", "200ms", "--restart-max-attempts", "2", "demo/broken:1");
      const list = await waitPs("crash", "the first try and 2 restarts failed, the policy gave up", (l) => l.length === 3 && l.every((r) => r.current.startsWith("failed")) && l[0]?.desired === "complete");
      for (const r of list) {
        expect(r.name).toBe("crash.1");
        expect(r.error).toMatch(/non-zero exit \(1\)/);
      }
      // No fourth attempt: the slot stays given up.
      const again = await ps("crash");
      expect(again.map((r) => r.id)).toEqual(list.map((r) => r.id));
      await ok("h1", "service", "rm", "crash");
    }));

  it("shows service logs: every task, --tail, --since, one task, via a follower, and -f picks up new tasks", () =>
    step(async () => {
      const script = 'echo "hello from $(hostname)"; echo "oops on stderr" >&2; echo ok > /www/index.html; exec httpd -f -p 80 -h /www';
      await ok("h1", "service", "create", "--name", "chatty", "--replicas", "3", "demo/web:1", "--", "/bin/sh", "-c", script);
      const prefix = /^chatty\.[1-3]\.[0-9a-z]{12}@h[1-5] {4}\| /;
      const all = await c.waitFor(() => c.host("h1").swarmctl("service", "logs", "chatty"), (r) => r.code === 0 && r.stdout.split("\n").filter((l) => l.includes("hello from")).length === 3, { timeoutMs: 20_000, describe: "3 hello lines" });
      const out = all.stdout.trim().split("\n");
      const errLines = all.stderr.trim().split("\n").filter((l) => l.includes("oops on stderr"));
      expect(out).toHaveLength(3);
      for (const l of out) expect(l).toMatch(new RegExp(`${prefix.source}hello from `));
      expect(errLines).toHaveLength(3);
      const tasks = (await ps("chatty")).filter((r) => r.desired === "running");
      expect(new Set(out.map((l) => l.slice(l.indexOf(".") + 3, l.indexOf("@"))))).toEqual(new Set(tasks.map((t) => t.id)));

      const viaFollower = await ok("h2", "service", "logs", "chatty");
      expect(viaFollower.trim().split("\n").sort()).toEqual([...out].sort());
      const tail1 = await c.host("h1").swarmctl("service", "logs", "--tail", "1", "chatty");
      expect(tail1.code).toBe(0);
      expect(tail1.stdout.trim()).toBe("");
      expect(tail1.stderr.trim().split("\n").filter((l) => l.includes("oops"))).toHaveLength(3);
      expect((await ok("h1", "service", "logs", "--since", "2099-01-01T00:00:00Z", "chatty")).trim()).toBe("");
      const one = await ok("h1", "service", "logs", "-t", tasks[0]!.id);
      expect(one.trim().split("\n")).toHaveLength(1);
      expect(one).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z chatty\.\d\./);
      const bad = await c.host("h1").swarmctl("service", "logs", "--since", "yesterday", "chatty");
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/--since.*yesterday/);

      const b = c.state.binaries;
      await c.host("h3").start([b.node, b.swarmctl, "service", "logs", "-f", "chatty"], { name: "follow" });
      const hellos = (): number => c.host("h3").tail("follow", 200).split("\n").filter((l) => l.includes("hello from")).length;
      await c.waitFor(async () => hellos(), (n) => n === 3, { timeoutMs: 20_000, describe: "-f shows the 3 existing tasks" });
      await ok("h1", "service", "scale", "chatty=4");
      await c.waitFor(async () => hellos(), (n) => n === 4, { timeoutMs: 30_000, describe: "-f shows the task started by scale 4" });
      await c.host("h3").kill("follow");
      await ok("h1", "service", "rm", "chatty");
    }));

  it("drain moves the tasks off h4", () =>
    step(async () => {
      await ok("h1", "node", "update", "--availability", "drain", "h4");
      const workers = await waitPs("workers", "the 4 worker-only tasks all on h5", (l) => JSON.stringify(runningPerNode(l)) === JSON.stringify({ h5: 4 }));
      expect(workers.filter((r) => r.node === "h4").every((r) => r.desired === "shutdown")).toBe(true);
      await waitPs("zoned", "6 zoned tasks running, none on h4", (l) => !("h4" in runningPerNode(l)) && Object.values(runningPerNode(l)).reduce((a, n) => a + n, 0) === 6);
      const onH4 = rows(await ok("h1", "node", "ps", "h4")).filter((l) => /running\s+running/.test(l));
      expect(onH4).toEqual([]);
      await ok("h1", "node", "update", "--availability", "active", "h4");
      await ok("h1", "service", "rm", "workers", "zoned");
    }));

  it("replaces the tasks of a kill -9'd worker; old ones show as orphaned", () =>
    step(async () => {
      await ok("h1", "service", "create", "--name", "web", "--replicas", "5", "demo/web:1");
      await waitPs("web", "one web task on every node", (l) => Object.keys(runningPerNode(l)).length === 5);
      const before = (await ps("web")).find((r) => r.node === "h5" && r.desired === "running");
      expect(before).toBeDefined();
      const killedAt = Date.now();
      await c.host("h5").kill("swarmd");
      const after = await waitPs("web", "5 running replicas without h5", (l) => {
        const per = runningPerNode(l);
        return !("h5" in per) && Object.values(per).reduce((a, n) => a + n, 0) === 5;
      }, 90_000);
      const recoveryMs = Date.now() - killedAt;
      console.log(`kill -9 of h5's swarmd → 5 replicas running again after ${recoveryMs} ms (default settings: heartbeat 5 s, gossip)`);
      const old = after.find((r) => r.id === before?.id);
      expect(old?.node).toBe("h5");
      expect(old?.desired).toBe("shutdown");
      expect(old?.current).toMatch(/^orphaned/);
    }));
});
