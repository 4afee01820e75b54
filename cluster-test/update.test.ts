// Issue [8] on the netns harness, one cluster for the whole story: 3 managers + 1 worker, a 5-replica
// service; v1 → v2 two at a time with a 1 s delay (checked from the task history), `service rollback`
// back to v1, an update to an image that exits at once with failure action rollback (back on v1,
// ROLLBACK_COMPLETED) and with pause (PAUSED, the message names the failed task).
import { credentials } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import type { Service__Output } from "../src/gen/swarm/api/Service.js";
import type { Task__Output } from "../src/gen/swarm/api/Task.js";
import type { ListTasksResponse__Output } from "../src/gen/swarm/control/ListTasksResponse.js";
import { buildTestImages } from "../src/image/testing/test-images.js";
import { callUnary } from "../src/lib/grpc.js";
import { controlProto } from "../src/manager/controlapi/service.js";
import { UPDATE_UP_LABEL } from "../src/manager/orchestrator/update/plan.js";
import type { Cluster } from "./lib/cluster.js";
import { tableRows as rows, swarmctlOk as ok } from "./lib/swarmctl.js";
import { withCluster } from "./lib/with-cluster.js";

/** The service's tasks with every field (labels, timestamps), read over `host`'s daemon socket. */
async function tasksOf(c: Cluster, host: string, serviceId: string): Promise<Task__Output[]> {
  const client = new controlProto.Control(`unix://${c.host(host).socketPath}`, credentials.createInsecure());
  try {
    return (await callUnary<ListTasksResponse__Output>((md, o, cb) => client.ListTasks({ filters: { serviceIds: [serviceId] } }, md, o, cb))).tasks;
  } finally {
    client.close();
  }
}

async function inspect(c: Cluster, host: string): Promise<Service__Output> {
  return (JSON.parse(await ok(c, host, "service", "inspect", "web")) as Service__Output[])[0]!;
}

const image = (t: Task__Output): string => (t.spec?.container?.image ?? "").replace(/@sha256:.*$/, "");
const runningWith = (tasks: readonly Task__Output[], img: string): Task__Output[] =>
  tasks.filter((t) => t.desiredState === "RUNNING" && t.status?.state === "RUNNING" && image(t) === img);

describe("rolling updates on four netns hosts", () => {
  it("updates two at a time, rolls back by hand and on failure, and pauses", async () => {
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

      await ok(c, "h1", "service", "create", "--name", "web", "--replicas", "5", "--update-monitor", "2s", "--rollback-parallelism", "2", "--rollback-monitor", "1s", "demo/web:1");
      const id = (await inspect(c, "h1")).id;

      // 1. v1 → v2, parallelism 2, delay 1 s, with Docker's progress lines.
      const out = await ok(c, "h1", "service", "update", "--image", "demo/web:2", "--update-parallelism", "2", "--update-delay", "1s", "web");
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

    });
  });
});
