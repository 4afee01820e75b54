// Joining managers while the leader takes writes: `swarmctl join --token <manager token>` adds the node
// to Raft as a learner, the leader promotes it to a voter once its log has caught up, and only then does
// the join return. The leader is never deposed (no leader change, no failed write), `node ls` never
// shows the newcomer as a Reachable voter before its promotion, and both newcomers end up voters.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Cluster } from "./lib/cluster.js";
import { withCluster } from "./lib/with-cluster.js";
import { tableRows as rows, swarmctlOk as ok } from "./lib/swarmctl.js";

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

// A write load on the local socket: `writers` concurrent read-modify-write loops on one node's labels
// (a version conflict is a committed Raft entry too: the store checks versions when applying). Prints a
// JSON line per second and a final one once the stop file exists.
const LOAD = `
const { createRequire } = require("node:module");
const [repo, socket, nodeRef, writers, padBytes, stopFile] = process.argv.slice(1);
const req = createRequire(repo + "/package.json");
const grpc = req("@grpc/grpc-js"), loader = req("@grpc/proto-loader"), fs = require("node:fs");
const opts = { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [repo + "/proto"] };
const Control = grpc.loadPackageDefinition(loader.loadSync(repo + "/proto/control.proto", opts)).swarm.control.Control;
const c = new Control("unix://" + socket, grpc.credentials.createInsecure());
const call = (m, r) => new Promise((res, rej) => c[m](r, { deadline: Date.now() + 15000 }, (e, v) => (e ? rej(e) : res(v))));
const s = { ok: 0, conflicts: 0, errors: 0, lastError: "", maxMs: 0 };
let stop = false, seq = 0;
const pad = "x".repeat(Number(padBytes));
async function loop() {
  while (!stop) {
    const t0 = Date.now();
    try {
      const { node } = await call("GetNode", { nodeId: nodeRef });
      const annotations = node.spec.annotations || { name: "", labels: {} };
      const labels = { ...annotations.labels, seq: String(seq++), pad };
      await call("UpdateNode", { nodeId: node.id, nodeVersion: node.meta.version, spec: { ...node.spec, annotations: { ...annotations, labels } } });
      s.ok++;
    } catch (e) {
      if (e.code === grpc.status.ABORTED) s.conflicts++;
      else { s.errors++; s.lastError = e.details || e.message; }
    }
    s.maxMs = Math.max(s.maxMs, Date.now() - t0);
  }
}
const timer = setInterval(() => { console.log(JSON.stringify({ t: Date.now(), ...s })); if (fs.existsSync(stopFile)) stop = true; }, 1000);
Promise.all(Array.from({ length: Number(writers) }, loop)).then(() => { clearInterval(timer); console.log(JSON.stringify({ done: true, t: Date.now(), ...s })); c.close(); });
`;

/** Concurrent writers, bytes of padding per write, entries written before the first join. */
const WRITERS = Number(process.env.JOIN_LOAD_WRITERS ?? 6);
const PAD_BYTES = Number(process.env.JOIN_LOAD_PAD ?? 16_384);
const PRELOAD_ENTRIES = Number(process.env.JOIN_LOAD_PRELOAD ?? 1_000);

interface LoadLine {
  readonly t: number;
  readonly ok: number;
  readonly conflicts: number;
  readonly errors: number;
  readonly lastError: string;
  readonly maxMs: number;
  readonly done?: boolean;
}

function loadLines(c: Cluster, host: string): LoadLine[] {
  const file = join(c.host(host).logDir, "load.log");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as LoadLine);
}

interface LogLine {
  readonly time: number;
  readonly msg: string;
  readonly isLeader?: boolean;
  readonly change?: string;
  readonly node?: number;
  readonly catchUpMs?: number;
}

function swarmdLog(c: Cluster, host: string): LogLine[] {
  return readFileSync(join(c.host(host).logDir, "swarmd.log"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine);
}

const hostOf = (line: string): string => line.split(/\s+/).find((w) => /^h\d$/.test(w)) ?? "";
const statusOf = (line: string): string => line.replace(/^.*\s{3}(Active|Pause|Drain)\s*/, "").trim();

describe("joining managers under write load", () => {
  it("adds each new manager as a learner, promotes it once caught up, and never deposes the leader", async () => {
    await withCluster({ hosts: 4 }, async (c) => {
      // h4 joins last, with a 1 ms bound on the wait for its promotion.
      await Promise.all(c.hosts.map((h) => h.swarmd(h.name === "h4" ? ["--join-voter-timeout", "1ms"] : [])));
      await c.waitFor(async () => (await Promise.all(c.hosts.map((h) => h.swarmctl("info")))).every((r) => r.code === 0), (v) => v, {
        timeoutMs: 20_000,
        describe: "every daemon answering on its socket",
      });
      const h1 = c.host("h1");
      await ok(c, "h1", "init", "--advertise-addr", h1.ip, "--dispatcher-heartbeat", "1s");
      const token = (await ok(c, "h1", "join-token", "-q", "manager")).trim();
      const initAt = Date.now();

      const stopFile = join(h1.dataDir, "load.stop");
      await h1.start([h1.node, "-e", LOAD, REPO, h1.socketPath, "h1", String(WRITERS), String(PAD_BYTES), stopFile], { name: "load" });
      // A log of some size first (every entry carries the node object with its padded labels).
      await c.waitFor(() => loadLines(c, "h1").at(-1), (l) => l !== undefined && l.ok + l.conflicts > PRELOAD_ENTRIES, { timeoutMs: 60_000, describe: "the write load running on h1" });

      const joinMs: Record<string, number> = {};
      const seen: { host: string; status: string; at: number }[] = [];
      for (const h of ["h2", "h3"]) {
        // Watch node ls on the leader while h joins: when did it show h, and as what.
        let watching = true;
        const watcher = (async () => {
          while (watching) {
            const r = await h1.swarmctl("node", "ls");
            const line = rows(r.stdout).find((l) => hostOf(l) === h);
            if (r.code === 0 && line !== undefined) seen.push({ host: h, status: statusOf(line), at: Date.now() });
          }
        })();
        const t0 = Date.now();
        const out = await ok(c, h, "join", "--token", token, `${h1.ip}:2377`);
        joinMs[h] = Date.now() - t0;
        watching = false;
        await watcher;
        expect(out).toMatch(/joined a swarm as a manager/);
      }
      // Keep writing a little with three voters, then stop the load.
      const before = loadLines(c, "h1").at(-1)!;
      await c.waitFor(() => loadLines(c, "h1").at(-1), (l) => l !== undefined && l.ok + l.conflicts > before.ok + before.conflicts + 100, { timeoutMs: 30_000, describe: "writes continuing with three voters" });
      writeFileSync(stopFile, "");
      const summary = await c.waitFor(() => loadLines(c, "h1").find((l) => l.done === true), (l) => l !== undefined, { timeoutMs: 30_000, describe: "the write load's summary" });
      const final = summary!;

      // Figures, from h1's log: learner add → voter add per newcomer, leadership changes after init.
      const log = swarmdLog(c, "h1");
      const raftIds = Object.fromEntries(
        (JSON.parse(await ok(c, "h1", "node", "inspect", "--raw", "h2", "h3")) as { description: { hostname: string }; managerStatus: { raftId: number } }[]).map((n) => [n.description.hostname, n.managerStatus.raftId]),
      );
      const changeAt = (change: string, node: number): number | undefined => log.find((l) => l.msg === "raft: membership changed" && l.change === change && l.node === node)?.time;
      const promotion = Object.fromEntries(["h2", "h3"].map((h) => [h, { learnerAt: changeAt("CONF_ADD_LEARNER", raftIds[h]!), voterAt: changeAt("CONF_ADD_VOTER", raftIds[h]!) }]));
      const leaderChanges = log.filter((l) => l.msg === "raft: leader changed" && l.time > initAt);
      const ls = rows(await ok(c, "h1", "node", "ls"));
      console.log(
        `managers joined under load (${final.ok} writes ok, ${final.conflicts} version conflicts, ${final.errors} errors${final.errors > 0 ? ` (last: ${final.lastError})` : ""}, slowest call ${final.maxMs} ms): ` +
          ["h2", "h3"].map((h) => `${h} join ${joinMs[h]} ms, learner → voter ${(promotion[h]!.voterAt ?? NaN) - (promotion[h]!.learnerAt ?? NaN)} ms`).join("; ") +
          `; leader changes on h1 after init: ${leaderChanges.length}; node ls during the joins: ${seen.map((s) => `${s.host}=${s.status || "-"}`).join(" ")}`,
      );

      for (const h of ["h2", "h3"]) {
        const p = promotion[h]!;
        expect(p.learnerAt, `${h} added as a learner`).toBeDefined();
        expect(p.voterAt, `${h} promoted to a voter`).toBeGreaterThan(p.learnerAt!);
        // Before its promotion the leader never showed it as a Reachable voter (answers that arrived
        // after the promotion may say Reachable).
        expect(seen.filter((s) => s.host === h && s.at < p.voterAt! && s.status === "Reachable")).toEqual([]);
      }
      expect(log.filter((l) => l.msg === "learner caught up: promoting it to a raft voter")).toHaveLength(2);
      expect(leaderChanges).toEqual([]);
      expect(final.errors).toBe(0);
      expect(final.ok).toBeGreaterThan(0);
      expect(ls.filter((l) => /Leader$/.test(l)).map(hostOf)).toEqual(["h1"]);
      expect(ls.filter((l) => / Reachable$/.test(l)).map(hostOf).sort()).toEqual(["h2", "h3"]);
      // The new managers serve the same store.
      await c.waitFor(() => c.host("h3").swarmctl("node", "inspect", "--raw", "h1"), (r) => r.code === 0 && r.stdout.includes(`"seq": "`), { timeoutMs: 10_000, describe: "h3 serving the labels the load wrote" });

      // The wait for the promotion is bounded: past it, join says so and the join goes on in the background.
      const h4 = c.host("h4");
      const late = await h4.swarmctl("join", "--token", token, `${h1.ip}:2377`);
      expect(late.code).not.toBe(0);
      expect(late.stderr).toMatch(/timeout was reached before this node became a voting manager .* it keeps catching up in the background/);
      await c.waitFor(() => h1.swarmctl("node", "ls"), (r) => rows(r.stdout).some((l) => hostOf(l) === "h4" && / Reachable$/.test(l)), {
        timeoutMs: 30_000,
        describe: "h4 promoted to a voter after its join timed out",
      });
      expect(JSON.parse(await ok(c, "h4", "info", "--format", "json"))).toMatchObject({ role: "MANAGER", controlAvailable: true });
    });
  });
});
