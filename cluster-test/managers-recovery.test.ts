// Issue [4], recovery: three managers and a worker; two managers die for good, so the third has no
// quorum; `swarmd --force-new-cluster` on it restarts a one-manager cluster from its own state: the
// objects are intact, writes work again, and new managers can join (bad, foreign and rotated tokens are
// refused).
import { describe, expect, it } from "vitest";
import { withCluster } from "./lib/with-cluster.js";
import { tableRows as rows, swarmctlOk as ok } from "./lib/swarmctl.js";

const hostOf = (line: string): string => line.split(/\s+/).find((w) => /^h\d$/.test(w)) ?? "";

describe("force-new-cluster after losing quorum", () => {
  it("restarts the surviving manager as a one-manager cluster with its objects, which takes writes and new managers", async () => {
    await withCluster({ hosts: 4 }, async (c) => {
      await Promise.all(c.hosts.map((h) => h.swarmd()));
      await c.waitFor(async () => (await Promise.all(c.hosts.map((h) => h.swarmctl("info")))).every((r) => r.code === 0), (v) => v, {
        timeoutMs: 20_000,
        describe: "every daemon answering on its socket",
      });
      const h1 = c.host("h1");
      await ok(c, "h1", "init", "--advertise-addr", h1.ip, "--dispatcher-heartbeat", "1s");
      const managerToken = (await ok(c, "h1", "join-token", "-q", "manager")).trim();
      for (const h of ["h2", "h3"]) await ok(c, h, "join", "--token", managerToken, `${h1.ip}:2377`);
      await c.waitFor(() => h1.swarmctl("node", "ls"), (r) => r.code === 0 && rows(r.stdout).filter((l) => /(Leader|Reachable)$/.test(l)).length === 3, {
        timeoutMs: 30_000,
        describe: "three managers in node ls",
      });
      await ok(c, "h2", "node", "update", "--label-add", "before=loss", "h1");

      // Two of three managers die for good: h1 has no quorum and refuses writes.
      await c.host("h2").kill("swarmd");
      await c.host("h3").kill("swarmd");
      await c.waitFor(() => h1.swarmctl("node", "update", "--label-add", "lost=1", "h1"), (r) => r.code !== 0 && /quorum lost/.test(r.stderr), {
        timeoutMs: 20_000,
        describe: "h1 refusing writes with the quorum error",
      });

      await c.terminate("h1", "swarmd");
      await h1.swarmd(["--force-new-cluster"]);
      await c.waitFor(() => h1.swarmctl("node", "ls"), (r) => r.code === 0 && rows(r.stdout).some((l) => / h1 .*Leader$/.test(l)), {
        timeoutMs: 20_000,
        describe: "h1 leading a new one-manager cluster",
      });
      const inspected = JSON.parse(await ok(c, "h1", "node", "inspect", "--raw", "h1")) as { spec: { annotations: { labels: Record<string, string> } } }[];
      expect(inspected[0]?.spec.annotations.labels).toEqual({ before: "loss" });
      await ok(c, "h1", "node", "update", "--label-add", "after=force", "h1");
      // The dead managers are still listed, as Docker does, and shown Unreachable until demoted or removed.
      await c.waitFor(() => h1.swarmctl("node", "ls"), (r) => ["h2", "h3"].every((h) => rows(r.stdout).some((l) => hostOf(l) === h && /Unreachable$/.test(l))), {
        timeoutMs: 20_000,
        describe: "h2 and h3 Unreachable",
      });

      // A new manager joins the new cluster (with the cluster's current token), and the two-manager
      // group takes writes from either side.
      // Bad tokens are refused with a clear message and leave h4 out of the swarm: a wrong secret, a
      // token of another cluster (CA digest mismatch), and the old token after a rotation.
      const [prefix, version, digest, secret] = managerToken.split("-") as [string, string, string, string];
      const refusals: [string, RegExp][] = [
        [[prefix, version, digest, [...secret].reverse().join("")].join("-"), /join token is not valid/],
        [[prefix, version, [...digest].reverse().join(""), secret].join("-"), /digest does not match the join token/],
      ];
      const rotated = (await ok(c, "h1", "join-token", "--rotate", "-q", "manager")).trim();
      expect(rotated).not.toBe(managerToken);
      refusals.push([managerToken, /join token is not valid: it may have been rotated/]);
      for (const [token, why] of refusals) {
        const r = await c.host("h4").swarmctl("join", "--token", token, `${h1.ip}:2377`);
        expect(r.code).not.toBe(0);
        expect(r.stderr).toMatch(why);
      }
      expect((await ok(c, "h4", "info", "--format", "json"))).toMatch(/"INACTIVE"/);
      await ok(c, "h4", "join", "--token", rotated, `${h1.ip}:2377`);
      await c.waitFor(() => c.host("h4").swarmctl("node", "ls"), (r) => r.code === 0 && rows(r.stdout).some((l) => hostOf(l) === "h4" && / \* .*Reachable$/.test(l)), {
        timeoutMs: 30_000,
        describe: "h4 a reachable manager of the new cluster",
      });
      await ok(c, "h4", "node", "update", "--label-add", "from=h4", "h4");
      const h4Labels = JSON.parse(await ok(c, "h1", "node", "inspect", "--raw", "h4")) as { spec: { annotations: { labels: Record<string, string> } } }[];
      expect(h4Labels[0]?.spec.annotations.labels).toEqual({ from: "h4" });

      // The dead managers are cleaned up the way Docker's are: demote, then remove.
      for (const h of ["h2", "h3"]) await ok(c, "h1", "node", "demote", h);
      await c.waitFor(() => h1.swarmctl("node", "ls"), (r) => ["h2", "h3"].every((h) => rows(r.stdout).some((l) => hostOf(l) === h && !/(Leader|Reachable)$/.test(l))), {
        timeoutMs: 20_000,
        describe: "h2 and h3 demoted",
      });
      for (const h of ["h2", "h3"]) await ok(c, "h1", "node", "rm", "--force", h);
      expect(rows(await ok(c, "h1", "node", "ls")).map(hostOf).sort()).toEqual(["h1", "h4"]);
    });
  });
});
