// The agent with the real runtime (swarm-runtime), the real image store (overlay rootfs) and the
// project's test images (root). Each test assigns tasks the way the dispatcher will and asserts what
// the agent reported and what the host shows (processes, runtime state, mounts, log lines).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task__Output } from "../gen/swarm/api/Task.js";
import type { TaskState__Output } from "../gen/swarm/api/TaskState.js";
import type { TaskStatus__Output } from "../gen/swarm/api/TaskStatus.js";
import { isMountPoint } from "../image/rootfs.js";
import { createLogger } from "../lib/logger.js";
import { ImageStore } from "../image/store.js";
import { buildTestImages } from "../image/testing/test-images.js";
import { RUNTIME_BINARY, Runtime } from "../runtime/index.js";
import { sweepTestCgroups, TEST_PREFIX } from "../runtime/testing/fixture.js";
import { createContainer } from "../runtime/testing/verbs.js";
import { Agent } from "./agent.js";
import { type TaskRecord, TaskRecordStore } from "./task-records.js";

let work = "";
let images: ImageStore;
let runtime: Runtime;
const digests = new Map<string, string>();
const agents: Agent[] = [];
/** Every status reported, per task, by any agent. */
const reports = new Map<string, TaskStatus__Output[]>();
let n = 0;

/** Removes what a killed earlier run of this file left: its containers, overlay mounts and work dir. */
function sweepLeftoverRuns(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(new RegExp(`^${TEST_PREFIX}-agent-(\\d+)-`).exec(name)?.[1] ?? NaN);
    if (Number.isNaN(pid) || alive(pid)) continue;
    const dir = join(tmpdir(), name);
    const stateRoot = join(dir, "runtime");
    if (existsSync(stateRoot)) {
      for (const id of readdirSync(stateRoot)) spawnSync(RUNTIME_BINARY, ["--root", stateRoot, "delete", "--force", id], { stdio: "ignore" });
    }
    for (const line of readFileSync("/proc/mounts", "utf8").split("\n").reverse()) {
      const target = line.split(" ")[1] ?? "";
      if (target.startsWith(`${dir}/`)) spawnSync("umount", ["-l", target]);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  sweepTestCgroups(); // containers (cgroups), netns of dead test processes: ids start with swarmtest-<pid>-
  sweepLeftoverRuns();
  execFileSync("make", ["-s", "-C", new URL("../../native", import.meta.url).pathname], { stdio: "inherit" });
  if (!existsSync(RUNTIME_BINARY)) throw new Error(`${RUNTIME_BINARY} missing after make`);
  const archives = buildTestImages();
  work = mkdtempSync(join(tmpdir(), `${TEST_PREFIX}-agent-${String(process.pid)}-`));
  images = ImageStore.open({ root: join(work, "images") });
  for (const archive of [archives.web1, archives.broken, archives.unhealthy]) {
    for (const loaded of await images.load(archive)) for (const name of loaded.names) digests.set(name, loaded.manifestDigest);
  }
  runtime = new Runtime({ stateRoot: join(work, "runtime") });
});

afterAll(async () => {
  for (const a of agents) await a.close().catch(() => undefined);
  const stateRoot = join(work, "runtime");
  if (existsSync(stateRoot)) {
    for (const id of readdirSync(stateRoot)) execFileSync(RUNTIME_BINARY, ["--root", stateRoot, "delete", "--force", id], { stdio: "ignore" });
  }
  for (const line of readFileSync("/proc/mounts", "utf8").split("\n")) {
    const target = line.split(" ")[1] ?? "";
    if (work !== "" && target.startsWith(work)) execFileSync("umount", ["-l", target]);
  }
  sweepTestCgroups();
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

function newAgent(dataDir = join(work, "agent"), records?: TaskRecordStore): Agent {
  const agent = new Agent({
    nodeId: "node-1",
    dataDir,
    ...(records !== undefined ? { records } : {}),
    images,
    runtime,
    reportStatus: (taskId, status) => {
      const list = reports.get(taskId) ?? [];
      list.push(status);
      reports.set(taskId, list);
    },
  });
  agents.push(agent);
  return agent;
}

interface TaskOptions {
  image?: string;
  pin?: boolean;
  command?: string[];
  healthcheck?: { test: string[]; intervalMs?: number; retries?: number; startPeriodMs: number; timeoutMs?: number };
  desired?: TaskState__Output;
  graceMs?: number;
  user?: string;
}

/** A task as the dispatcher sends it (decoded shape), ASSIGNED to node-1. */
function makeTask(label: string, o: TaskOptions = {}): Task__Output {
  const image = o.image ?? "demo/web:1";
  const id = `${TEST_PREFIX}-${String(process.pid)}-${String(++n)}-${label}`;
  return {
    id,
    meta: null,
    spec: {
      container: {
        image,
        labels: {},
        command: o.command ?? [],
        args: [],
        hostname: "",
        env: [],
        dir: "",
        user: o.user ?? "",
        mounts: [],
        stopSignal: "",
        ...(o.graceMs !== undefined ? { stopGracePeriodMs: o.graceMs } : {}),
        healthcheck: o.healthcheck ?? { test: ["NONE"], startPeriodMs: 0 },
        readOnly: false,
      },
      resources: null,
      restart: null,
      placement: null,
      forceUpdate: 0,
      runtime: "container",
    },
    specVersion: 1,
    serviceId: "svc",
    slot: n,
    nodeId: "node-1",
    annotations: { name: label, labels: {} },
    serviceAnnotations: null,
    status: { timestamp: 0, state: "ASSIGNED", message: "", err: "", containerStatus: null, health: "NO_HEALTHCHECK", appliedBy: "" },
    desiredState: o.desired ?? "RUNNING",
    networks: [],
    endpoint: null,
    imageDigest: o.pin === false ? "" : (digests.get(image) ?? ""),
    assignedGenericResources: [],
  };
}

/** Polls the reports of a task until one matches; fails with what was seen. */
async function reported(taskId: string, what: string, match: (s: TaskStatus__Output) => boolean, timeoutMs = 10_000): Promise<TaskStatus__Output> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = (reports.get(taskId) ?? []).find(match);
    if (hit) return hit;
    if (Date.now() > deadline) {
      const seen = (reports.get(taskId) ?? []).map((s) => `${s.state}/${s.health}${s.err ? ` (${s.err})` : ""}`);
      throw new Error(`timed out waiting for ${what} of ${taskId}; seen: ${seen.join(" → ") || "nothing"}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const inState = (state: TaskState__Output) => (s: TaskStatus__Output): boolean => s.state === state;
const statesOf = (taskId: string): string[] => [...new Set((reports.get(taskId) ?? []).map((s) => s.state))];

function runtimeContainers(): string[] {
  const root = join(work, "runtime");
  return existsSync(root) ? readdirSync(root) : [];
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("agent with the real runtime", () => {
  let agent: Agent;
  beforeAll(async () => {
    agent = newAgent();
    await agent.start();
  });

  it("runs an assigned task: every state in order, RUNNING with the pid of the container's init", async () => {
    const t = makeTask("web");
    agent.setAssignments([t]);
    const running = await reported(t.id, "RUNNING", inState("RUNNING"));
    expect(statesOf(t.id)).toEqual(["ACCEPTED", "PREPARING", "READY", "STARTING", "RUNNING"]);
    const pid = running.containerStatus?.pid ?? 0;
    expect(pid).toBeGreaterThan(0);
    expect(readFileSync(`/proc/${String(pid)}/comm`, "utf8").trim()).toBe("swarm-init");
    expect(running).toMatchObject({ appliedBy: "node-1", containerStatus: { containerId: t.id } });
    expect(isMountPoint(join(work, "agent", "tasks", t.id, "fs", "rootfs"))).toBe(true);
    // The pinned digest ran: the image's own top layer is visible in the container's rootfs.
    expect(readFileSync(join(work, "agent", "tasks", t.id, "fs", "rootfs", "etc", "demo-image"), "utf8")).toBe("demo/web:1\n");

    // Desired SHUTDOWN: SIGTERM stops httpd (under the runtime's init) well within the 10 s grace period.
    const t0 = Date.now();
    agent.setAssignments([{ ...t, desiredState: "SHUTDOWN" }]);
    const down = await reported(t.id, "SHUTDOWN", inState("SHUTDOWN"), 5000);
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(1000);
    expect(down.containerStatus?.exitCode).toBe(143); // 128 + SIGTERM: not SIGKILL (137)
    // ... and its container and rootfs are removed.
    await until("container removed", () => !runtimeContainers().includes(t.id));
    await until("rootfs unmounted", () => !isMountPoint(join(work, "agent", "tasks", t.id, "fs", "rootfs")));
    await until("the container's init gone", () => !alive(pid));
    await until("its network namespace deleted", () => !existsSync(`/run/netns/${t.id}`));
    agent.setAssignments([]);
    await agent.settled();
    expect(existsSync(join(work, "agent", "tasks", t.id))).toBe(false);
  });

  it("a process that ignores SIGTERM is SIGKILLed once the task's stop grace period is over", async () => {
    const t = makeTask("stubborn", { command: ["/bin/sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.05; done"], graceMs: 400 });
    agent.setAssignments([t]);
    await reported(t.id, "RUNNING", inState("RUNNING"));
    const t0 = Date.now();
    agent.setAssignments([{ ...t, desiredState: "SHUTDOWN" }]);
    const down = await reported(t.id, "SHUTDOWN", inState("SHUTDOWN"), 5000);
    const elapsed = Date.now() - t0;
    expect(down.containerStatus?.exitCode).toBe(137); // 128 + SIGKILL
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(3000);
    agent.setAssignments([]);
    await agent.settled();
  });

  it("exit 0 is COMPLETE; a non-zero exit is FAILED with the exit code and error", async () => {
    const ok = makeTask("ok", { command: ["/bin/sh", "-c", "exit 0"] });
    const broken = makeTask("broken", { image: "demo/broken:1" });
    agent.setAssignments([ok, broken]);
    const done = await reported(ok.id, "COMPLETE", inState("COMPLETE"));
    expect(done.containerStatus?.exitCode).toBe(0);
    const failed = await reported(broken.id, "FAILED", inState("FAILED"));
    expect(failed.containerStatus?.exitCode).toBe(1);
    expect(failed.err).toBe("task: non-zero exit (1)");
    expect(statesOf(broken.id)).toEqual(["ACCEPTED", "PREPARING", "READY", "STARTING", "RUNNING", "FAILED"]);
    // Finished tasks are freed at once: no runtime container left for them.
    await until("containers removed", () => !runtimeContainers().includes(ok.id) && !runtimeContainers().includes(broken.id));
    agent.setAssignments([]);
    await agent.settled();
  });

  it("an image missing on the node is REJECTED with a clear error, nothing created", async () => {
    const t = makeTask("noimage", { image: "demo/nope:1", pin: false });
    agent.setAssignments([t]);
    const r = await reported(t.id, "REJECTED", inState("REJECTED"));
    expect(r.err).toBe("image demo/nope:1 not found on this node");
    expect(statesOf(t.id)).toEqual(["ACCEPTED", "PREPARING", "REJECTED"]);
    expect(runtimeContainers()).not.toContain(t.id);
    agent.setAssignments([]);
    await agent.settled();
  });

  it("logs: timestamped stdout/stderr lines, tail, since, and a follow that ends with the task", async () => {
    const t = makeTask("logs", { command: ["/bin/sh", "-c", "echo hello; echo oops >&2; for i in 1 2 3; do sleep 0.1; echo line $i; done"] });
    agent.setAssignments([t]);
    // Follow from the start: ends by itself once the task completed and every line was read.
    await reported(t.id, "RUNNING", inState("RUNNING"));
    const followed = await collect(agent.logsOf(t.id, { follow: true }));
    expect(followed.map((e) => `${e.stream}:${e.text}`)).toEqual(["stdout:hello", "stderr:oops", "stdout:line 1", "stdout:line 2", "stdout:line 3"]);
    await reported(t.id, "COMPLETE", inState("COMPLETE"));
    for (const e of followed) expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d)$/);
    const tail = await collect(agent.logsOf(t.id, { tail: 2 }));
    expect(tail.map((e) => e.text)).toEqual(["line 2", "line 3"]);
    expect(await collect(agent.logsOf(t.id, { since: Date.now() + 60_000 }))).toEqual([]);
    const lastTime = Date.parse((followed[4]?.time ?? "").replace(/(\.\d{3})\d+/, "$1"));
    expect((await collect(agent.logsOf(t.id, { since: lastTime }))).map((e) => e.text)).toEqual(["line 3"]);
    expect(() => agent.logsOf("no-such-task")).toThrow(/no such task on this node: no-such-task/);
    agent.setAssignments([]);
    await agent.settled();
  });

  it("health checks run inside the container: the web image turns HEALTHY, the unhealthy one is reported and FAILED", async () => {
    const fast = { test: [], intervalMs: 200, timeoutMs: 2000, retries: 2, startPeriodMs: 0 }; // inherits the image's test
    const healthy = makeTask("healthy", { healthcheck: fast });
    const sick = makeTask("sick", { image: "demo/unhealthy:1", healthcheck: fast });
    agent.setAssignments([healthy, sick]);
    // wget http://127.0.0.1/ only reaches httpd from inside the container's own network namespace.
    const h = await reported(healthy.id, "HEALTHY", (s) => s.state === "RUNNING" && s.health === "HEALTHY");
    expect(h.message).toBe("health: healthy");
    const unhealthy = await reported(sick.id, "UNHEALTHY", (s) => s.state === "RUNNING" && s.health === "UNHEALTHY");
    expect(unhealthy.message).toMatch(/^health: unhealthy \(exit 1/);
    const failed = await reported(sick.id, "FAILED", inState("FAILED"));
    expect(failed).toMatchObject({ health: "UNHEALTHY", message: "unhealthy container" });
    expect(failed.err).toMatch(/^task: container unhealthy: exit 1/);
    expect(failed.containerStatus?.exitCode).toBe(143);
    expect(agent.statusOf(healthy.id)?.health).toBe("HEALTHY");
    agent.setAssignments([]);
    await agent.settled();
    expect(runtimeContainers()).not.toContain(healthy.id);
  });
  it("a health probe runs as the container's user, in its pid namespace and with its environment", async () => {
    const check = { test: ["CMD-SHELL", 'test "$(id -u):$(id -g)" = 65534:65534 && test -e /proc/1 && test "$HOSTNAME" = probe-host && test "$(cat /proc/1/comm)" = swarm-init'], intervalMs: 150, timeoutMs: 2000, retries: 1, startPeriodMs: 0 };
    const t = makeTask("probe-user", { command: ["/bin/sh", "-c", "while true; do sleep 0.1; done"], user: "65534:65534", healthcheck: check });
    (t.spec?.container as { hostname: string }).hostname = "probe-host";
    agent.setAssignments([t]);
    await reported(t.id, "HEALTHY", (s) => s.state === "RUNNING" && s.health === "HEALTHY");
    // Dropped from the assignment set while running: stopped (SHUTDOWN reported), removed, forgotten.
    agent.setAssignments([]);
    await agent.settled();
    expect((reports.get(t.id) ?? []).at(-1)?.state).toBe("SHUTDOWN");
    expect(runtimeContainers()).not.toContain(t.id);
    expect(existsSync(join(work, "agent", "tasks", t.id))).toBe(false);
    expect(agent.taskIds()).not.toContain(t.id);
  });
});

describe("agent restart", () => {
  it("a new agent over the same dataDir re-adopts a running task: no second container, same pid, still controlled", async () => {
    const dataDir = join(work, "agent-restart");
    const first = newAgent(dataDir);
    await first.start();
    const t = makeTask("adopt");
    first.setAssignments([t]);
    const running = await reported(t.id, "RUNNING", inState("RUNNING"));
    const pid = running.containerStatus?.pid ?? 0;
    await first.stop();
    expect((await runtime.state(t.id)).status).toBe("running"); // stop() leaves it running

    const reportsBefore = (reports.get(t.id) ?? []).length;
    const second = newAgent(dataDir);
    await second.start();
    expect(second.statusOf(t.id)).toMatchObject({ state: "RUNNING", containerStatus: { pid } });
    second.setAssignments([t]);
    await new Promise((r) => setTimeout(r, 300)); // give a duplicate start the chance to show up
    expect(runtimeContainers().filter((id) => id.startsWith(t.id))).toEqual([t.id]);
    expect((await runtime.state(t.id)).pid).toBe(pid);
    expect((reports.get(t.id) ?? []).slice(reportsBefore).map((s) => s.state)).toEqual([]); // nothing re-reported

    // The adopted task is watched: its exit is noticed and a desired SHUTDOWN stops it.
    second.setAssignments([{ ...t, desiredState: "SHUTDOWN" }]);
    const down = await reported(t.id, "SHUTDOWN", inState("SHUTDOWN"), 5000);
    expect(down.containerStatus?.exitCode).toBe(143);
    second.setAssignments([]);
    await second.settled();
    expect(runtimeContainers()).not.toContain(t.id);
    expect(existsSync(join(dataDir, "tasks", t.id))).toBe(false);
    await second.close();
  });

  it("a container that ended while no agent ran is reported with its exit code; a vanished one is FAILED", async () => {
    const dataDir = join(work, "agent-down");
    const first = newAgent(dataDir);
    await first.start();
    const exited = makeTask("exited-meanwhile", { command: ["/bin/sh", "-c", "trap 'exit 7' TERM; while true; do sleep 0.05; done"] });
    const vanished = makeTask("vanished");
    first.setAssignments([exited, vanished]);
    await reported(exited.id, "RUNNING", inState("RUNNING"));
    await reported(vanished.id, "RUNNING", inState("RUNNING"));
    await first.stop();
    // While no agent runs: one container's process exits 7, the other container is deleted behind our back.
    execFileSync(RUNTIME_BINARY, ["--root", join(work, "runtime"), "kill", exited.id, "TERM"]);
    const stateOf = (id: string): string => (JSON.parse(execFileSync(RUNTIME_BINARY, ["--root", join(work, "runtime"), "state", id], { encoding: "utf8" })) as { status: string }).status;
    await until("the container stopped", () => stateOf(exited.id) === "stopped");
    execFileSync(RUNTIME_BINARY, ["--root", join(work, "runtime"), "delete", "--force", vanished.id]);

    const second = newAgent(dataDir);
    await second.start();
    second.setAssignments([exited, vanished]);
    const failed = await reported(exited.id, "FAILED", inState("FAILED"));
    expect(failed.containerStatus?.exitCode).toBe(7);
    expect(failed.err).toBe("task: non-zero exit (7)");
    const lost = await reported(vanished.id, "FAILED", inState("FAILED"));
    expect(lost.err).toBe(`task: container ${vanished.id} not found after an agent restart`);
    second.setAssignments([]);
    await second.settled();
    expect(runtimeContainers().filter((id) => id === exited.id || id === vanished.id)).toEqual([]);
    expect(readdirSync(join(dataDir, "tasks"))).toEqual([]);
    await second.close();
  });

  it("an adopted task's reports keep the runner's order when a record write is slow: READY, STARTING, RUNNING, and RUNNING on disk", async () => {
    // An agent died after prepare had made the container (as agents did that created it in prepare) and
    // before READY's record: the record says PREPARING, the runtime has the container "created". The new
    // agent reports READY from start() while its runner goes on to STARTING and RUNNING: the one place
    // where a report is made outside the runner's own chain. READY's record write is made slow; before
    // c8f5811 the reports overlapped, READY arrived last (STARTING, RUNNING, READY) and the record on
    // disk said READY while the container ran.
    const dataDir = join(work, "agent-order");
    const first = newAgent(dataDir);
    await first.start();
    const t = makeTask("order", { desired: "READY" }); // held at READY: bundle written, rootfs mounted
    first.setAssignments([t]);
    await reported(t.id, "READY", inState("READY"));
    await first.stop();
    const taskDir = join(dataDir, "tasks", t.id);
    await createContainer(runtime, t.id, join(taskDir, "bundle"), { logPath: join(taskDir, "container.log") });
    expect((await runtime.state(t.id)).status).toBe("created");
    const preparing = (reports.get(t.id) ?? []).find(inState("PREPARING"));
    if (preparing === undefined) throw new Error(`no PREPARING report of ${t.id}`);
    const record = JSON.parse(readFileSync(join(taskDir, "record.json"), "utf8")) as TaskRecord;
    writeFileSync(join(taskDir, "record.json"), JSON.stringify({ ...record, task: { ...t, desiredState: "RUNNING" }, status: preparing }));

    const before = (reports.get(t.id) ?? []).length;
    const second = newAgent(dataDir, new SlowRecords(dataDir, "READY", 1500));
    await second.start(); // resolves once READY is reported
    const running = await reported(t.id, "RUNNING", inState("RUNNING"));
    const after = (reports.get(t.id) ?? []).slice(before).map((s) => s.state);
    expect(after).toEqual(["READY", "STARTING", "RUNNING"]);
    expect(second.statusOf(t.id)?.state).toBe("RUNNING");
    const onDisk = JSON.parse(readFileSync(join(taskDir, "record.json"), "utf8")) as TaskRecord;
    expect(onDisk.status).toEqual(running);
    expect((await runtime.state(t.id)).status).toBe("running");
    second.setAssignments([]);
    await second.settled();
    expect(runtimeContainers()).not.toContain(t.id);
    await second.close();
  });

  it("close() stops and removes every container; the agent refuses new assignments after it", async () => {
    const dataDir = join(work, "agent-close");
    const a = newAgent(dataDir);
    await a.start();
    const t = makeTask("close");
    a.setAssignments([t]);
    await reported(t.id, "RUNNING", inState("RUNNING"));
    await a.close();
    await a.closed;
    expect((reports.get(t.id) ?? []).at(-1)?.state).toBe("SHUTDOWN");
    expect(runtimeContainers()).not.toContain(t.id);
    expect(() => a.setAssignments([t])).toThrow(/setAssignments\(\) in phase closed/);
    await a.close(); // twice is fine
  });
});

describe("task removal", () => {
  it("a directory that cannot be removed is logged with its path, a mount inside it is not crossed, and the agent runs the next task", async () => {
    const dataDir = join(work, "agent-busy");
    const lines: string[] = [];
    const logger = createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } });
    const agent = new Agent({ nodeId: "node-1", dataDir, images, runtime, logger, reportStatus: (taskId, status) => void reports.set(taskId, [...(reports.get(taskId) ?? []), status]) });
    agents.push(agent);
    await agent.start();
    const t = makeTask("busy");
    agent.setAssignments([t]);
    await reported(t.id, "RUNNING", inState("RUNNING"));
    const taskDir = join(dataDir, "tasks", t.id);
    const busy = join(taskDir, "bundle", "busy");
    execFileSync("mkdir", ["-p", busy]);
    execFileSync("mount", ["-t", "tmpfs", "swarmtest-busy", busy]); // a mount point: removal does not cross it
    writeFileSync(join(busy, "not-ours"), "a mount's files survive the removal");
    try {
      agent.setAssignments([]);
      await agent.settled();
      expect(runtimeContainers()).not.toContain(t.id);
      expect(isMountPoint(join(taskDir, "fs", "rootfs"))).toBe(false);
      expect(existsSync(join(taskDir, "fs"))).toBe(false); // the rootfs went; only the bundle's mount point is left
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; task?: string; err?: string });
      const ctl = logged.find((l) => l.msg === "removing the container failed");
      expect(ctl?.err).toContain(`removing ${join(taskDir, "bundle")}: skipping '${busy}', since it's on a different device`);
      const dir = logged.find((l) => l.msg === "removing a task failed");
      expect(dir).toMatchObject({ task: t.id });
      expect(dir?.err).toBe(`removing ${taskDir}: skipping '${busy}', since it's on a different device`);
      expect(readFileSync(join(busy, "not-ours"), "utf8")).toBe("a mount's files survive the removal");
    } finally {
      execFileSync("umount", [busy]);
    }
    expect(agent.taskIds()).toEqual([]);
    const next = makeTask("after-busy");
    agent.setAssignments([next]);
    await reported(next.id, "RUNNING", inState("RUNNING"));
    await agent.close();
    expect(existsSync(join(dataDir, "tasks", next.id))).toBe(false);
  });
});

/** A task record store on disk whose writes of one state start `delayMs` late. */
class SlowRecords extends TaskRecordStore {
  constructor(
    dataDir: string,
    private readonly slowState: TaskState__Output,
    private readonly delayMs: number,
  ) {
    super(dataDir);
  }

  override async write(record: TaskRecord): Promise<void> {
    if (record.status.state === this.slowState) await sleep(this.delayMs);
    await super.write(record);
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** True while a process exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${String(pid)}/stat`, "utf8"));
  } catch {
    return false;
  }
}
