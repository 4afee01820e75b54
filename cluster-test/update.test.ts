// Issue [8] on the netns harness, one cluster for the whole story: 3 managers + 1 worker, a 5-replica
// service publishing 8080; v1 → v2 two at a time with a 1 s delay (checked from the task history) while
// h4 sends ~100 req/s through h1's routing mesh (0 failures), `service rollback` back to v1, a
// start-first update under the same load (0 failures), an update to an image that exits at once with failure action rollback (back on v1,
// ROLLBACK_COMPLETED) and with pause (PAUSED, the message names the failed task), then kill -9 of the
// leader in the middle of an update, which the new leader's updater completes from the store.
import { credentials } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import type { Service__Output } from "../src/gen/swarm/api/Service.js";
import type { Task__Output } from "../src/gen/swarm/api/Task.js";
import type { ListTasksResponse__Output } from "../src/gen/swarm/control/ListTasksResponse.js";
import { buildTestImages } from "../src/image/testing/test-images.js";
import { callUnary } from "../src/rpc/grpc.js";

import { UPDATE_UP_LABEL } from "../src/manager/orchestrator/update/plan.js";
import type { Cluster } from "./lib/cluster.js";
import { tableRows as rows, swarmctlOk as ok } from "./lib/swarmctl.js";
import { withCluster } from "./lib/with-cluster.js";
import { loadFrom } from "./lib/http-load.js";
import { protos } from "../src/rpc/services.js";

/** The service's tasks with every field (labels, timestamps), read over `host`'s daemon socket. */
async function tasksOf(c: Cluster, host: string, serviceId: string): Promise<Task__Output[]> {
  const client = new protos.control.Control(`unix://${c.host(host).socketPath}`, credentials.createInsecure());
  try {
    return (await callUnary<ListTasksResponse__Output>((md, o, cb) => client.ListTasks({ filters: { serviceIds: [serviceId] } }, md, o, cb))).tasks;
  } finally {
    client.close();
  }
}

async function inspect(c: Cluster, host: string): Promise<Service__Output> {
  return (JSON.parse(await ok(c, host, "service", "inspect", "--raw", "web")) as Service__Output[])[0]!;
}

const image = (t: Task__Output): string => (t.spec?.container?.image ?? "").replace(/@sha256:.*$/, "");
const runningWith = (tasks: readonly Task__Output[], img: string): Task__Output[] =>
  tasks.filter((t) => t.desiredState === "RUNNING" && t.status?.state === "RUNNING" && image(t) === img);

describe("rolling updates on four netns hosts", () => {
  it("updates two at a time without losing a request, rolls back by hand and on failure, pauses, and survives a leader kill", async () => {
    const images = buildTestImages();
    await withCluster({ hosts: 4 }, async (c) => {
      await Promise.all(c.hosts.map((h) => h.swarmd()));
      await c.waitFor(async () => (await Promise.all(c.hosts.map((h) => h.swarmctl("info")))).every((r) => r.code === 0), (v) => v, { timeoutMs: 20_000, describe: "daemons up" });
      for (const h of ["h1", "h2", "h3"]) for (const img of [images.web1, images.web2, images.broken]) await ok(c, h, "image", "load", img);
      const h1 = c.host("h1");
      await ok(c, "h1", "init", "--advertise-addr", h1.ip, "--dispatcher-heartbeat", "1s");
      const manager = (await ok(c, "h1", "join-token", "-q", "manager")).trim();
      const worker = (await ok(c, "h1", "join-token", "-q", "worker")).trim();
      for (const h of ["h2", "h3"]) await ok(c, h, "join", "--token", manager, `${h1.ip}:2377`);
      await ok(c, "h4", "join", "--token", worker, `${h1.ip}:2377`);
      await c.waitFor(() => c.host("h1").swarmctl("node", "ls"), (r) => rows(r.stdout).filter((l) => / Ready /.test(l)).length === 4, { timeoutMs: 30_000, describe: "4 Ready nodes" });

      await ok(c, "h1", "service", "create", "--name", "web", "--replicas", "5", "--publish", "8080:80", "--update-monitor", "2s", "--rollback-parallelism", "2", "--rollback-monitor", "1s", "demo/web:1");
      const id = (await inspect(c, "h1")).id;
      await c.waitFor(() => c.host("h4").exec(["curl", "-s", "--max-time", "2", `http://${h1.ip}:8080/`]), (r) => r.code === 0 && /web v1/.test(r.stdout), { timeoutMs: 30_000, describe: "web v1 answering through h1's mesh from h4" });

      // 1. v1 → v2, parallelism 2, delay 1 s, with Docker's progress lines; ~100 req/s from h4 through
      // h1's routing mesh the whole time: not one fails (stop-first, 5 replicas).
      const load1 = loadFrom(c, "h4", h1.ip, "stop-first");
      const out = await ok(c, "h1", "service", "update", "--image", "demo/web:2", "--update-parallelism", "2", "--update-delay", "1s", "web");
      const loaded1 = await load1.stop();
      console.log(`stop-first update under load: ${loaded1.failed} of ${loaded1.sent} requests failed ${loaded1.errors.join(", ")}`);
      expect(loaded1.sent).toBeGreaterThan(300);
      expect(loaded1.failed, loaded1.errors.join(", ")).toBe(0);
      expect(out).toMatch(/overall progress: 5 out of 5 tasks/);
      expect(out).toMatch(/verify: Service web converged/);
      let svc = await inspect(c, "h1");
      expect(svc.updateStatus).toMatchObject({ state: "COMPLETED", message: "update completed" });
      let tasks = await tasksOf(c, "h1", id);
      expect(runningWith(tasks, "demo/web:2")).toHaveLength(5);
      const v2 = tasks.filter((t) => image(t) === "demo/web:2").map((t) => ({ created: t.meta!.createdAt, up: Number(t.annotations!.labels[UPDATE_UP_LABEL]) }));
      expect(v2).toHaveLength(5);
      expect(v2.every((t) => t.up >= t.created)).toBe(true);
      // Never more than 2 slots updating at once (from a replacement's creation until it was up).
      const maxInFlight = Math.max(...v2.map((a) => v2.filter((b) => b.created <= a.created && b.up > a.created).length));
      expect(maxInFlight).toBe(2);
      // The delay: the k-th replacement (k ≥ 3) was created only after k−2 earlier ones had been up ≥ 1 s.
      const byCreation = [...v2].sort((a, b) => a.created - b.created);
      byCreation.forEach((t, k) => {
        if (k >= 2) expect(byCreation.slice(0, k).filter((e) => e.up + 1_000 <= t.created).length).toBeGreaterThanOrEqual(k - 1);
      });
      console.log(`v1 → v2 (5 replicas, parallelism 2, delay 1 s): replacements created at +${byCreation.map((t) => t.created - byCreation[0]!.created).join(", +")} ms`);

      // 2. `service rollback` returns to the previous spec.
      const back = await ok(c, "h2", "service", "rollback", "web");
      expect(back).toMatch(/rollback: manually requested rollback/);
      expect(back).toMatch(/overall progress: rolling back update: 5 out of 5 tasks/);
      svc = await inspect(c, "h1");
      expect(svc.spec?.task?.container?.image).toMatch(/^demo\/web:1@sha256:/);
      expect(svc.updateStatus).toMatchObject({ state: "ROLLBACK_COMPLETED", message: "rollback completed" });
      expect(runningWith(await tasksOf(c, "h1", id), "demo/web:1")).toHaveLength(5);

      // 2b. start-first (a new environment variable) under the same load: not one request fails.
      const load2 = loadFrom(c, "h4", h1.ip, "start-first");
      await ok(c, "h1", "service", "update", "--env-add", "WAVE=2", "--update-order", "start-first", "--update-parallelism", "2", "web");
      const loaded2 = await load2.stop();
      console.log(`start-first update under load: ${loaded2.failed} of ${loaded2.sent} requests failed ${loaded2.errors.join(", ")}`);
      expect(loaded2.sent).toBeGreaterThan(300);
      expect(loaded2.failed, loaded2.errors.join(", ")).toBe(0);
      expect(runningWith(await tasksOf(c, "h1", id), "demo/web:1").filter((t) => t.spec?.container?.env.includes("WAVE=2"))).toHaveLength(5);

      // 3. A broken image with failure action rollback: back on v1.
      let r = await c.host("h1").swarmctl("service", "update", "--image", "demo/broken:1", "--update-parallelism", "2", "--update-failure-action", "rollback", "web");
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stdout).toMatch(/rollback: update rolled back due to failure or early termination of task \w+/);
      expect(r.stderr).toMatch(/service update rolled back/);
      svc = await inspect(c, "h1");
      expect(svc.updateStatus?.state).toBe("ROLLBACK_COMPLETED");
      expect(svc.spec?.task?.container?.image).toMatch(/^demo\/web:1@/);
      await c.waitFor(() => tasksOf(c, "h1", id), (ts) => runningWith(ts, "demo/web:1").length === 5, { timeoutMs: 30_000, describe: "5 v1 tasks after the automatic rollback" });

      // 4. The same with failure action pause: PAUSED, and the message names the failed task.
      r = await c.host("h1").swarmctl("service", "update", "--image", "demo/broken:1", "--update-parallelism", "2", "--update-failure-action", "pause", "web");
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/service update paused: update paused due to failure or early termination of task \w+/);
      svc = await inspect(c, "h1");
      expect(svc.updateStatus?.state).toBe("PAUSED");
      const culprit = svc.updateStatus!.message.split(" ").pop()!;
      tasks = await tasksOf(c, "h1", id);
      const failed = tasks.find((t) => t.id === culprit)!;
      expect(image(failed)).toBe("demo/broken:1");
      expect(["FAILED", "REJECTED", "COMPLETE"]).toContain(failed.status?.state);
      // The update stopped before it reached every slot (a replacement that ran for a moment before it
      // exited may have let one more slot start, as in Docker).
      expect(runningWith(tasks, "demo/web:1").length).toBeGreaterThanOrEqual(1);

      // 5. kill -9 the leader while an update runs: the new leader completes it.
      await ok(c, "h1", "service", "update", "-d", "--image", "demo/web:2", "--update-parallelism", "1", "--update-delay", "1s", "--update-failure-action", "pause", "web");
      await c.waitFor(() => tasksOf(c, "h1", id), (ts) => runningWith(ts, "demo/web:2").some((t) => t.annotations?.labels[UPDATE_UP_LABEL] !== undefined), { timeoutMs: 30_000, describe: "the first v2 replacement up" });
      const leader = rows(await ok(c, "h2", "node", "ls")).find((l) => /Leader$/.test(l))!.split(/\s+/).find((w) => /^h\d$/.test(w))!;
      const mid = runningWith(await tasksOf(c, "h2", id), "demo/web:2").length;
      expect(mid).toBeLessThan(5);
      await c.host(leader).kill("swarmd");
      const survivor = ["h1", "h2", "h3"].find((h) => h !== leader)!;
      const done = await c
        .waitFor(async () => inspect(c, survivor).catch(() => undefined), (s) => s?.updateStatus?.state === "COMPLETED", { timeoutMs: 90_000, describe: `the update completed under a new leader (killed ${leader})` })
        .catch(async (err: unknown) => {
          const ts = await tasksOf(c, survivor, id).catch(() => []);
          const line = (t: Task__Output): string => `${t.id.slice(0, 8)} slot ${t.slot} ${image(t)} node ${t.nodeId.slice(0, 6)} desired ${t.desiredState} observed ${t.status?.state} ${t.status?.health} "${t.status?.message}" ${t.annotations?.labels[UPDATE_UP_LABEL] ?? ""}`;
          throw new Error(`${err instanceof Error ? err.message.slice(0, 300) : String(err)}\ntasks:\n${ts.sort((a, b) => Number(a.slot) - Number(b.slot)).map(line).join("\n")}`);
        });
      expect(done?.spec?.task?.container?.image).toMatch(/^demo\/web:2@/);
      await c.waitFor(() => tasksOf(c, survivor, id), (ts) => runningWith(ts, "demo/web:2").length === 5 && runningWith(ts, "demo/web:1").length === 0, { timeoutMs: 60_000, describe: "5 v2 tasks after the failover" });
      console.log(`leader ${leader} killed with ${mid}/5 replicas on v2; the new leader completed the update`);
    });
  });
});
