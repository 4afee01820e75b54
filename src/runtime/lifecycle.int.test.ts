// Integration tests of swarm-runtime through the TS driver (root): a container's lifecycle — create,
// start, run --detach, wait, exit codes and signals, stop with its grace period, delete — and its CRI
// log, read and followed. Isolation and limits: isolation.int.test.ts; bad input: cli.int.test.ts.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";
import { RuntimeErrorCode } from "./errors.js";
import { followContainerLog, readContainerLog } from "./logs.js";
import { sh, useRuntimeFixture } from "./testing/fixture.js";
import { createContainer, runContainer, startContainer } from "./testing/verbs.js";
import { writeBundle } from "./runtime.js";

const fx = useRuntimeFixture();

/** Polls until check() returns a value (every 20 ms, `timeoutMs` at most), or fails naming `what` and the last error. */
function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const attempt = async (): Promise<T> => {
    let v: T | undefined;
    try {
      v = await check();
    } catch (err) {
      throw new Error(`timed out waiting for ${what}; last error: ${String(err)}`, { cause: err });
    }
    if (v === undefined) throw new Error(`timed out waiting for ${what}`);
    return v;
  };
  return vi.waitFor(attempt, { timeout: timeoutMs, interval: 20 });
}

describe("lifecycle", () => {
  it("run leaves only an emptied spare state dir, which the next container takes over", async () => {
    const root = join(fx.work, fx.id("spare-root"));
    const bundle = join(fx.work, "bundles", fx.id("spare"));
    await writeBundle(bundle, { rootfs: fx.rootfs, command: ["/bin/true"] });
    const cli = (...args: string[]) => spawnSync(RUNTIME_BINARY, ["--root", root, ...args], { encoding: "utf8" });
    const [first, second] = [fx.id("spare-1"), fx.id("spare-2")];
    expect(cli("run", "--bundle", bundle, first).status).toBe(0);
    expect(readdirSync(root)).toEqual([".spare"]);
    expect(readdirSync(join(root, ".spare"))).toEqual([]);
    // create leaves init running: it must not inherit a pipe spawnSync waits on.
    const created = spawnSync(RUNTIME_BINARY, ["--root", root, "create", "--bundle", bundle, second], { stdio: "ignore" });
    try {
      expect(created.status).toBe(0);
      expect(readdirSync(root)).toEqual([second]);
      expect(readdirSync(join(root, second)).sort()).toEqual(["exec.fifo", "state.json"]);
      expect(JSON.parse(cli("state", second).stdout)).toMatchObject({ id: second, status: "created" });
      expect(cli("create", "--bundle", bundle, second).stderr).toContain(`container "${second}" already exists`);
    } finally {
      expect(cli("delete", "--force", second).status).toBe(0);
    }
    expect(readdirSync(root)).toEqual([]);
  });

  it("propagates exit codes and death by signal", async () => {
    expect((await fx.runToExit("exit42", sh("exit 42"))).exit).toEqual({ exitCode: 42, signal: 0 });
    expect((await fx.runToExit("kill9", sh("kill -9 $$"))).exit).toEqual({ exitCode: 137, signal: 9 });
  });

  it("run --detach: the caller returns with the container running; even a process that exits at once leaves its status for wait", async () => {
    const bundle = join(fx.work, "bundles", fx.id("detach-bundle"));
    await writeBundle(bundle, { rootfs: fx.rootfs, ...sh("exit 3") });
    // The init must neither die with the exiting caller nor hand its status to it (it did, 1 in 5).
    const ids = Array.from({ length: 30 }, (_, i) => fx.id(`detach${String(i)}`));
    const containers = [];
    for (const id of ids) containers.push(await fx.runtime.runDetached(id, bundle, { logPath: join(fx.work, `${id}.log`) }));
    for (const c of containers) expect(fx.runtime.recordedPid(c.id)).toBeGreaterThan(0);
    const exits = await Promise.all(containers.map((c) => c.wait()));
    for (const c of containers) await c.delete();
    expect(exits).toEqual(ids.map(() => ({ exitCode: 3, signal: 0 })));
    expect(fx.runtime.recordedPid(ids[0]!)).toBeUndefined();
  });

  it("stops on SIGTERM in under a second", async () => {
    const id = fx.id("term");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, command: ["sleep", "1000"] });
    const c = await runContainer(fx.runtime, id, bundle);
    expect((await c.state()).status).toBe("running");
    const t0 = Date.now();
    const exit = await c.stop(10_000);
    const elapsed = Date.now() - t0;
    await c.delete();
    expect(exit).toEqual({ exitCode: 143, signal: 15 });
    expect(elapsed).toBeLessThan(1000);
  });

  it("stop escalates to SIGKILL after the grace period", async () => {
    const id = fx.id("grace");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, ...sh("trap '' TERM; echo ready; while :; do sleep 1; done") });
    const c = await runContainer(fx.runtime, id, bundle);
    await until("ready", async () => ((await readContainerLog(c.logPath)).some((e) => e.text === "ready") ? true : undefined));
    const t0 = Date.now();
    const exit = await c.stop(300);
    await c.delete();
    expect(exit.signal).toBe(9);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });

  it("stop on a container that does not exist fails with NOT_FOUND (and nothing unhandled)", async () => {
    const c = fx.runtime.container("swarmtest-missing", "/nonexistent.log");
    await expect(c.stop(100)).rejects.toMatchObject({ code: RuntimeErrorCode.NotFound });
    await new Promise((r) => setTimeout(r, 100)); // let the wait command finish: its rejection must be observed
  });

  it("reaps orphaned zombies", async () => {
    // Each subshell exits at once, orphaning its background child, which init must reap when it exits.
    const r = await fx.runToExit(
      "zombie",
      sh("for i in 1 2 3 4 5; do (sleep 0.1 &); done; sleep 0.6; cat /proc/[0-9]*/stat | awk '{print $3}' | sort | uniq -c"),
    );
    expect(r.stdout).not.toMatch(/ Z$/m);
    expect(r.stdout).toMatch(/ (R|S)$/m);
  });

  it("captures stdout and stderr with timestamps", async () => {
    const before = new Date().toISOString();
    const r = await fx.runToExit("logs", sh("echo out1; echo err1 >&2; printf 'no newline'"));
    expect(r.stdout).toBe("out1\nno newline");
    expect(r.stderr).toBe("err1");
    const id = r.id;
    expect(id).toContain("logs");
    const logFile = readFileSync(join(fx.work, "bundles", id, "container.log"), "utf8");
    const first = logFile.split(" ")[0] ?? "";
    expect(first).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(first.slice(0, 19) >= before.slice(0, 19)).toBe(true);
  });

  it("create waits for start; state works after the caller is gone", async () => {
    const id = fx.id("detached");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, ...sh("echo started; sleep 1000") });
    // The caller is a separate `run` process that we SIGKILL once the container runs.
    const caller = spawn(RUNTIME_BINARY, ["--root", fx.stateRoot, "run", "--bundle", bundle, "--container-log", join(bundle, "container.log"), id], {
      stdio: "ignore",
    });
    const st = await until("running", async () => {
      const s = await fx.runtime.state(id).catch(() => undefined);
      return s?.status === "running" ? s : undefined;
    });
    // Until the container's own process runs, a `run` caller that dies takes the half-made container
    // with it (by design: PDEATHSIG during setup). The test is about a caller dying afterwards.
    await until("the container's process to print", async () => {
      const log = existsSync(join(bundle, "container.log")) ? readFileSync(join(bundle, "container.log"), "utf8") : "";
      return log.includes("started") ? true : undefined;
    });
    caller.kill("SIGKILL");
    await new Promise((r) => caller.once("exit", r));
    const after = await fx.runtime.state(id);
    expect(after.status).toBe("running");
    expect(after.pid).toBe(st.pid);
    const c = fx.runtime.container(id, join(bundle, "container.log"));
    const exit = await c.stop(5000);
    expect(exit).toEqual({ exitCode: 143, signal: 15 });
    const stopped = await fx.runtime.state(id);
    expect(stopped).toMatchObject({ status: "stopped", pid: 0, exitCode: 143, exitSignal: 15 });
    await c.delete();
    await expect(fx.runtime.state(id)).rejects.toMatchObject({ code: RuntimeErrorCode.NotFound });
  });

  it("follows the log of a running container", async () => {
    const id = fx.id("follow");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, ...sh("for i in 1 2 3; do echo line$i; sleep 0.05; done; sleep 1000") });
    const c = await runContainer(fx.runtime, id, bundle);
    const ac = new AbortController();
    const seen: string[] = [];
    try {
      for await (const e of followContainerLog(c.logPath, { signal: ac.signal, intervalMs: 20 })) {
        seen.push(e.text);
        if (seen.length === 3) ac.abort();
      }
    } finally {
      await c.delete({ force: true });
    }
    expect(seen).toEqual(["line1", "line2", "line3"]);
  });

  it("create leaves the process waiting until start", async () => {
    const id = fx.id("created");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, ...sh("echo ran") });
    const c = await createContainer(fx.runtime, id, bundle);
    expect((await c.state()).status).toBe("created");
    expect(await readContainerLog(c.logPath)).toEqual([]);
    await startContainer(fx.runtime, c);
    expect(await c.wait()).toEqual({ exitCode: 0, signal: 0 });
    expect((await readContainerLog(c.logPath)).map((e) => e.text)).toEqual(["ran"]);
    await expect(startContainer(fx.runtime, c)).rejects.toMatchObject({ code: RuntimeErrorCode.WrongState });
    await c.delete();
  });
});

describe("delete", () => {
  it("refuses to delete a live container without --force, and --force removes process, cgroup and state", async () => {
    const id = fx.id("del");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, command: ["sleep", "1000"] });
    const c = await createContainer(fx.runtime, id, bundle);
    const { pid } = await c.state();
    await expect(c.delete()).rejects.toMatchObject({ code: RuntimeErrorCode.WrongState });
    await startContainer(fx.runtime, c);
    await expect(c.delete()).rejects.toThrow(/is running: stop it first or use delete --force/);
    expect(existsSync(`/sys/fs/cgroup/pids/swarm/${id}`)).toBe(true);
    await c.delete({ force: true });
    // dead at once; the zombie is reaped by whoever inherited it (the create CLI has exited)
    await until(`pid ${String(pid)} gone or a zombie`, () => {
      const stat = existsSync(`/proc/${String(pid)}/stat`) ? readFileSync(`/proc/${String(pid)}/stat`, "utf8") : "";
      return stat === "" || / Z /.test(stat) ? true : undefined;
    });
    expect(existsSync(`/sys/fs/cgroup/pids/swarm/${id}`)).toBe(false);
    expect(existsSync(join(fx.stateRoot, id))).toBe(false);
  });
});
