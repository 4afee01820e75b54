// Issue [10]: every attack under cluster-test/attacks/ performed for real against one 6-host netns cluster.
// Roles: h1-h3 managers, h4 a demoted manager (now a worker), h5 a worker, h6 a manager that was demoted,
// left and removed (daemon stopped). Each attack must be refused and leave the state unchanged; the
// summary line `attacks tried: N, refused: N, state changed: N` is what README's security section quotes.
// `ATTACK_AREAS=raft,gossip npx vitest run cluster-test/security.test.ts` runs only those areas.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { buildTestImages } from "../src/image/testing/test-images.js";
import { ATTACKS_DIR, readIdentity, stateSnapshot, type Attack, type AttackContext, type Identity } from "./lib/attacks.js";
import type { Cluster } from "./lib/cluster.js";
import { sharedCluster } from "./lib/shared-cluster.js";
import { swarmctlOk as ok, tableRows as rows } from "./lib/swarmctl.js";

const areas = (process.env.ATTACK_AREAS ?? "").split(",").map((a) => a.trim()).filter((a) => a !== "");
const files = readdirSync(fileURLToPath(ATTACKS_DIR)).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).sort();
const attacks: Attack[] = [];
for (const f of files) {
  const mod = (await import(new URL(f, ATTACKS_DIR).href)) as { attacks?: Attack[] };
  for (const a of mod.attacks ?? []) if (areas.length === 0 || areas.includes(a.area)) attacks.push(a);
}

const roles = { managers: ["h1", "h2", "h3"], demoted: "h4", worker: "h5", removed: "h6" } as const;
const WEB_PORT = 8080;
const ECHO_UDP_PORT = 5353;
const saved = new Map<string, Identity>();
let cluster: Cluster | undefined;
const tally = { tried: 0, refused: 0, changed: 0 };

const step = sharedCluster({ hosts: 6, setupTimeoutMs: 240_000 }, async (c) => {
  cluster = c;
  const images = buildTestImages();
  // Plain http to the attacker's host (the worker): image attacks serve a hostile registry there.
  await Promise.all(c.hosts.map((h) => h.swarmd(["--insecure-registry", c.host(roles.worker).ip])));
  await c.waitFor(async () => (await Promise.all(c.hosts.map((h) => h.swarmctl("info")))).every((r) => r.code === 0), (v) => v, { timeoutMs: 30_000, describe: "daemons up" });
  for (const h of roles.managers) await ok(c, h, "image", "load", images.web1);
  for (const h of roles.managers) await ok(c, h, "image", "load", images.udpEcho);
  const h1 = c.host("h1");
  await ok(c, "h1", "init", "--advertise-addr", h1.ip, "--dispatcher-heartbeat", "1s");
  const manager = (await ok(c, "h1", "join-token", "-q", "manager")).trim();
  const worker = (await ok(c, "h1", "join-token", "-q", "worker")).trim();
  for (const h of ["h2", "h3", roles.demoted, roles.removed]) await ok(c, h, "join", "--token", manager, `${h1.ip}:2377`);
  await ok(c, roles.worker, "join", "--token", worker, `${h1.ip}:2377`);
  await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => rows(r.stdout).filter((l) => / Ready /.test(l)).length === 6, { timeoutMs: 60_000, describe: "6 Ready nodes" });
  // The certificates an attacker would have kept from the time these hosts were managers.
  for (const h of [roles.demoted, roles.removed]) saved.set(h, readIdentity(c.hostState(h).dataDir));
  await ok(c, "h1", "node", "demote", roles.demoted, roles.removed);
  await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => rows(r.stdout).filter((l) => /Leader|Reachable|Unreachable/.test(l)).length === 3, { timeoutMs: 60_000, describe: "3 managers after demotion" });
  // h6 learns it was demoted from its own next heartbeat; `leave` before that refuses ("demote it first").
  await c.waitFor(() => c.host(roles.removed).swarmctl("info"), (r) => r.code === 0 && / Is Manager: false/.test(r.stdout), { timeoutMs: 60_000, describe: "h6 sees itself as a worker" });
  await ok(c, roles.removed, "leave");
  await c.terminate(roles.removed, "swarmd");
  await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => rows(r.stdout).some((l) => l.includes(" h6 ") && / Down /.test(l)), { timeoutMs: 60_000, describe: "h6 Down" });
  await ok(c, "h1", "node", "rm", roles.removed);
  await ok(c, "h1", "service", "create", "--name", "web", "--replicas", "2", "--publish", `${WEB_PORT}:80`, "demo/web:1");
  await ok(c, "h1", "service", "create", "--name", "echo", "--replicas", "2", "--publish", `published=${ECHO_UDP_PORT},target=53,protocol=udp`, "demo/udp-echo:1");
});

const ctx = (): AttackContext => {
  const c = cluster;
  if (c === undefined) throw new Error("cluster is not up");
  return {
    c,
    roles,
    webPort: WEB_PORT,
    echoUdpPort: ECHO_UDP_PORT,
    identity: (host, when = "as-manager") => (when === "as-manager" ? saved.get(host) : undefined) ?? readIdentity(c.hostState(host).dataDir),
    leader: async () => {
      for (const h of roles.managers) {
        const r = await c.host(h).swarmctl("node", "ls");
        const line = rows(r.stdout).find((l) => / Leader\s*$/.test(l));
        if (r.code === 0 && line !== undefined) return line.trim().split(/\s+/).find((w) => /^h\d+$/.test(w)) ?? h;
      }
      throw new Error("no manager names a leader");
    },
    log: (host, lines = 200) => c.tail(host, "swarmd", lines),
  };
};

describe("security: attacks performed for real", () => {
  if (attacks.length === 0) it("has attacks to run", () => expect(areas.length > 0 ? `no attack in areas ${areas.join(",")}` : "no attack files").toBe("some attacks"));
  for (const a of attacks) {
    it(`${a.area}: ${a.name}`, () => step(async () => {
      const context = ctx();
      const before = await stateSnapshot(context.c, await context.leader());
      tally.tried++;
      const outcome = await a.run(context);
      console.log(`[attack] ${a.area}: ${a.name} → ${outcome.refused ? "refused" : "NOT REFUSED"}: ${outcome.detail}`);
      if (outcome.refused) tally.refused++;
      await new Promise((r) => setTimeout(r, 1_000)); // let a write that got through commit and apply
      const after = await stateSnapshot(context.c, await context.leader());
      if (after !== before) tally.changed++;
      expect(outcome.refused, outcome.detail).toBe(true);
      expect(after).toBe(before);
    }), (a.timeoutMs ?? 60_000) + 30_000);
  }
  afterAll(() => {
    console.log(`attacks tried: ${tally.tried}, refused: ${tally.refused}, state changed: ${tally.changed}`);
  });
});
