// Issue [5] wired into swarmd, on the netns harness: every node gossips (key from the managers); with
// the default 5 s heartbeat a node is marked Down after 3 missed heartbeats (15 s) — unless gossip
// declares it dead first, then one missed heartbeat suffices. kill -9 a worker's daemon and measure.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withCluster } from "./lib/with-cluster.js";
import { tableRows as rows, swarmctlOk as ok } from "./lib/swarmctl.js";

describe("gossip in swarmd", () => {
  it("marks a killed worker Down sooner than three missed heartbeats", async () => {
    await withCluster({ hosts: 5 }, async (c) => {
      await Promise.all(c.hosts.map((h) => h.swarmd()));
      await c.waitFor(async () => (await Promise.all(c.hosts.map((h) => h.swarmctl("info")))).every((r) => r.code === 0), (v) => v, { timeoutMs: 20_000, describe: "daemons up" });
      const h1 = c.host("h1");
      await ok(c, "h1", "init", "--advertise-addr", h1.ip); // default heartbeat: 5 s
      const manager = (await ok(c, "h1", "join-token", "-q", "manager")).trim();
      const worker = (await ok(c, "h1", "join-token", "-q", "worker")).trim();
      for (const h of ["h2", "h3"]) await ok(c, h, "join", "--token", manager, `${h1.ip}:2377`);
      for (const h of ["h4", "h5"]) await ok(c, h, "join", "--token", worker, `${h1.ip}:2377`);
      await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => rows(r.stdout).filter((l) => / Ready /.test(l)).length === 5, { timeoutMs: 40_000, describe: "5 Ready nodes" });
      // Every daemon started gossip after its first heartbeat answer carried the cluster key.
      await c.waitFor(() => c.hosts.every((h) => h.tail("swarmd", 400).includes('"msg":"gossip started"')), (v) => v, { timeoutMs: 30_000, describe: "gossip started on every host" });
      await new Promise((r) => setTimeout(r, 3000)); // let the member lists converge

      const killedAt = Date.now();
      await c.host("h5").kill("swarmd");
      await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => rows(r.stdout).some((l) => / h5 .* Down /.test(l)), { timeoutMs: 30_000, describe: "h5 Down" });
      const downMs = Date.now() - killedAt;
      console.log(`kill -9 of h5 → Down in node ls after ${downMs} ms (heartbeats alone: ≥ 15,000 ms)`);
      const leaderLogs = ["h1", "h2", "h3"].map((h) => readFileSync(`${c.host(h).logDir}/swarmd.log`, "utf8")).join("\n");
      expect(leaderLogs).toMatch(/gossip declared the node dead/);
      expect(downMs).toBeLessThan(15_000);
    });
  });
});
