// Issue [6] on the netns harness: 3 managers + 2 workers; `service create --replicas 5 demo/web:1`
// puts one task on every node (the workers never had the image: they fetch it from a manager), scale 10 → two per node, scale 2 → two left; kill -9 a worker → its
// tasks are replaced on the other nodes (time measured), and `service ps` shows the old ones.
import { describe, expect, it } from "vitest";
import { buildTestImages } from "../src/image/testing/test-images.js";
import { withCluster } from "./lib/with-cluster.js";
import { tableRows as rows, swarmctlOk as ok } from "./lib/swarmctl.js";

/** Running tasks per node hostname, from `service ps`. */
function runningPerNode(ps: string): Map<string, number> {
  const per = new Map<string, number>();
  for (const line of rows(ps)) {
    const cols = line.trim().split(/\s{2,}/);
    if (line.includes("\\_") || !/running\s+running/.test(line)) continue;
    const node = cols[3] ?? "";
    per.set(node, (per.get(node) ?? 0) + 1);
  }
  return per;
}

describe("services on five netns hosts", () => {
  it("spreads replicas, scales, and replaces the tasks of a killed worker", async () => {
    const images = buildTestImages();
    await withCluster({ hosts: 5 }, async (c) => {
      await Promise.all(c.hosts.map((h) => h.swarmd()));
      await c.waitFor(async () => (await Promise.all(c.hosts.map((h) => h.swarmctl("info")))).every((r) => r.code === 0), (v) => v, { timeoutMs: 20_000, describe: "daemons up" });
      // Only the managers get the image; the workers fetch it from a manager when a task lands there.
      for (const h of ["h1", "h2", "h3"]) await ok(c, h, "image", "load", images.web1);
      const h1 = c.host("h1");
      await ok(c, "h1", "init", "--advertise-addr", h1.ip, "--dispatcher-heartbeat", "1s");
      const manager = (await ok(c, "h1", "join-token", "-q", "manager")).trim();
      const worker = (await ok(c, "h1", "join-token", "-q", "worker")).trim();
      for (const h of ["h2", "h3"]) await ok(c, h, "join", "--token", manager, `${h1.ip}:2377`);
      for (const h of ["h4", "h5"]) await ok(c, h, "join", "--token", worker, `${h1.ip}:2377`);
      await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => rows(r.stdout).filter((l) => / Ready /.test(l)).length === 5, { timeoutMs: 30_000, describe: "5 Ready nodes" });

      const created = await ok(c, "h1", "service", "create", "--name", "web", "--replicas", "5", "demo/web:1");
      expect(created).toMatch(/verify: Service web converged/);
      const spread = runningPerNode(await ok(c, "h1", "service", "ps", "web"));
      expect([...spread.keys()].sort()).toEqual(["h1", "h2", "h3", "h4", "h5"]);
      expect([...spread.values()]).toEqual([1, 1, 1, 1, 1]);
      const managerImage = (await ok(c, "h1", "image", "ls", "-q")).trim();
      for (const h of ["h4", "h5"]) expect((await ok(c, h, "image", "ls", "-q")).trim()).toBe(managerImage);

      await ok(c, "h2", "service", "scale", "web=10");
      await c.waitFor(() => c.host("h1").swarmctl("service", "ps", "web"), (r) => [...runningPerNode(r.stdout).values()].join() === "2,2,2,2,2", { timeoutMs: 60_000, describe: "2 running tasks per node after scale 10" });
      await ok(c, "h3", "service", "scale", "web=2");
      await c.waitFor(() => c.host("h1").swarmctl("service", "ps", "web"), (r) => [...runningPerNode(r.stdout).values()].reduce((a, b) => a + b, 0) === 2, { timeoutMs: 60_000, describe: "2 running tasks after scale 2" });

      await ok(c, "h1", "service", "scale", "web=5");
      await c.waitFor(() => c.host("h1").swarmctl("service", "ps", "web"), (r) => runningPerNode(r.stdout).size === 5, { timeoutMs: 60_000, describe: "5 tasks on 5 nodes again" });
      const killedAt = Date.now();
      await c.host("h5").kill("swarmd");
      await c.waitFor(() => c.host("h1").swarmctl("service", "ps", "web"), (r) => {
        const per = runningPerNode(r.stdout);
        return !per.has("h5") && [...per.values()].reduce((a, b) => a + b, 0) === 5;
      }, { timeoutMs: 60_000, describe: "5 running replicas without h5" });
      const recoveryMs = Date.now() - killedAt;
      console.log(`kill -9 of h5's daemon → 5 replicas running elsewhere after ${recoveryMs} ms (heartbeat 1 s)`);
      const ps = await ok(c, "h1", "service", "ps", "web");
      expect(ps).toMatch(/h5\s+(shutdown|running)\s+(orphaned|running|shutdown)/i);
    });
  });
});
