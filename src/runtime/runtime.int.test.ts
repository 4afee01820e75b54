// Integration tests of swarm-runtime through the TS driver: real namespaces, cgroups, mounts (root).
// Each test runs a busybox container and asserts what the process inside saw, or what the host saw.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";
import { RuntimeCommandError, RuntimeErrorCode } from "./errors.js";
import { createRuntimeFixture, type RuntimeFixture } from "./testing/fixture.js";
import { writeBundle } from "./runtime.js";

let fx: RuntimeFixture;

beforeAll(() => {
  fx = createRuntimeFixture();
});

afterAll(() => {
  fx.cleanup();
});

/** Polls until check() returns a value, or fails with what was last seen. */
async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last error: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sh = (script: string): { command: string[] } => ({ command: ["/bin/sh", "-c", script] });

describe("process isolation", () => {
  it("runs the built-in init as PID 1 and shows only the container's own processes", async () => {
    const r = await fx.runToExit("pid1", sh("cat /proc/1/comm; ls /proc | grep -c '^[0-9]'; echo $$; tr -d '\\0' < /proc/1/cmdline; echo; cat /proc/1/environ >/dev/null 2>&1 || echo environ-denied"));
    expect(r.exit).toEqual({ exitCode: 0, signal: 0 });
    const [comm, count, self, cmdline, environ] = r.stdout.split("\n");
    expect(environ).toBe("environ-denied"); // init is not dumpable: the host environment stays hidden
    expect(comm).toBe("swarm-init");
    expect(cmdline).toBe("swarm-init"); // no host paths (runtime binary, bundle, state root) leak in
    // init, sh, ls, grep: nothing of the host's hundreds of processes
    expect(Number(count)).toBeLessThanOrEqual(5);
    expect(self).toBe("2");
  });

  it("sets the configured hostname", async () => {
    const r = await fx.runToExit("host", { ...sh("hostname; echo $HOSTNAME"), hostname: "web-1" });
    expect(r.stdout).toBe("web-1\nweb-1");
  });

  it("sees its own cgroup as the root (cgroup namespace) and a private IPC namespace", async () => {
    const r = await fx.runToExit("cgns", sh("grep -E ':pids:' /proc/self/cgroup; wc -l < /proc/sysvipc/shm; readlink /proc/self/ns/ipc"));
    const [pidsLine, shmLines, ipcNs] = r.stdout.split("\n");
    expect(pidsLine).toMatch(/^\d+:pids:\/$/);
    expect(Number(shmLines)).toBe(1); // the header only: no host SysV segments are visible
    expect(ipcNs).not.toBe(execFileSync("readlink", ["/proc/self/ns/ipc"], { encoding: "utf8" }).trim());
  });

  it("shows only the container's own cgroup under a cgroup mount, with or without a cgroup namespace", async () => {
    for (const cgroupns of [true, false]) {
      const id = fx.id(cgroupns ? "cgmount-ns" : "cgmount");
      const bundle = join(fx.work, "bundles", id);
      const config = await writeBundle(bundle, {
        rootfs: fx.rootfs,
        ...sh("ls /sys/fs/cgroup/pids | grep -c '^swarm$'; wc -l < /sys/fs/cgroup/pids/cgroup.procs; cat /sys/fs/cgroup/pids/pids.max"),
        resources: { pidsLimit: 50 },
      });
      const mounts = [...(config.mounts ?? []), { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["ro"] }];
      const namespaces = (config.linux?.namespaces ?? []).filter((n) => cgroupns || n.type !== "cgroup");
      writeFileSync(join(bundle, "config.json"), JSON.stringify({ ...config, mounts, linux: { ...config.linux, namespaces } }));
      const r = spawnSyncRuntime(["run", "--bundle", bundle, id]);
      expect(r.stderr).toBe("");
      // no host tree (no "swarm" dir), only the container's processes (init, sh, wc…), its own limit
      const [swarmDirs, procs, max] = r.stdout.trim().split("\n");
      expect(swarmDirs).toBe("0");
      expect(Number(procs)).toBeLessThanOrEqual(5);
      expect(max).toBe("50");
    }
  });

  it("has only lo in a new network namespace, up (127.0.0.1 answers), like runc", async () => {
    const r = await fx.runToExit("net", sh("ls /sys/class/net; cat /sys/class/net/lo/flags; ping -c 1 -W 5 127.0.0.1 >/dev/null && echo pong"));
    const [names, flags, reply] = r.stdout.split("\n");
    expect(names?.split(/\s+/).filter(Boolean)).toEqual(["lo"]);
    expect(Number(flags) & 1).toBe(1); // IFF_UP
    expect(reply).toBe("pong");
  });

  it("joins an existing network namespace by path", async () => {
    const ns = `${fx.id("ns").slice(0, 40)}`;
    execFileSync("ip", ["netns", "add", ns]);
    try {
      execFileSync("ip", ["-n", ns, "link", "add", "swt0", "type", "veth", "peer", "name", "swt1"]);
      const r = await fx.runToExit("joinnet", { ...sh("ls /sys/class/net | sort | tr '\\n' ' '"), netnsPath: `/run/netns/${ns}` });
      expect(r.exit.exitCode).toBe(0);
      expect(r.stdout.trim()).toBe("lo swt0 swt1");
    } finally {
      execFileSync("ip", ["netns", "del", ns]);
    }
  });

  it("runs on an overlay mountpoint as rootfs, writes landing in the upper dir only", async () => {
    const base = join(fx.work, "overlay-" + String(process.pid));
    for (const d of ["upper", "work", "merged"]) mkdirSync(join(base, d), { recursive: true });
    execFileSync("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${fx.rootfs},upperdir=${base}/upper,workdir=${base}/work`, `${base}/merged`]);
    try {
      const r = await fx.runToExit("overlay", { ...sh("echo written > /tmp/in-container; cat /etc/hostname"), rootfs: `${base}/merged` });
      expect(r.stdout).toBe("image");
      expect(readFileSync(join(base, "upper/tmp/in-container"), "utf8")).toBe("written\n");
      expect(existsSync(join(fx.rootfs, "tmp/in-container"))).toBe(false);
    } finally {
      execFileSync("umount", [`${base}/merged`]);
    }
  });

  it("builds the filesystem: private propagation, minimal /dev, pts/shm/mqueue, read-only /sys", async () => {
    const r = await fx.runToExit(
      "fs",
      sh(
        "grep -c 'shared:' /proc/self/mountinfo; ls /dev | tr '\\n' ' '; echo; " +
          "for m in /dev/pts /dev/shm /dev/mqueue /sys /proc; do " +
          "awk -v m=$m '$5 == m { for (i = 7; $i != \"-\"; i++); split($6, o, \",\"); print m, $(i+1), o[1] }' /proc/self/mountinfo; done; " +
          "touch /sys/x 2>/dev/null || echo sys-ro",
      ),
    );
    const [shared, dev, ...rest] = r.stdout.split("\n");
    expect(shared).toBe("0");
    for (const node of ["null", "zero", "full", "random", "urandom", "tty", "pts", "shm", "mqueue", "ptmx", "fd", "stdin", "stdout", "stderr"]) {
      expect(dev?.split(" ")).toContain(node);
    }
    expect(rest).toEqual(["/dev/pts devpts rw", "/dev/shm tmpfs rw", "/dev/mqueue mqueue rw", "/sys sysfs ro", "/proc proc rw", "sys-ro"]);
  });

  it("applies user, env, cwd and a read-only root", async () => {
    const r = await fx.runToExit("user", {
      ...sh("id -u; id -g; echo $GREETING; pwd; touch /x 2>&1 || echo ro"),
      user: "nobody",
      env: ["GREETING=hi"],
      workdir: "/tmp",
      readonlyRootfs: true,
    });
    expect(r.stdout.split("\n")).toEqual(["65534", "65534", "hi", "/tmp", expect.stringContaining("Read-only file system"), "ro"]);
  });
});

describe("resource limits (cgroups)", () => {
  it("OOM-kills a process that exceeds the memory limit", async () => {
    let oomKills = -1;
    const r = await fx.runToExit(
      "oom",
      // tail keeps a line that never ends in memory: it grows until the limit.
      { ...sh("tail /dev/zero; echo tail=$?"), resources: { memoryBytes: 32 * 1024 * 1024 } },
      (id) => {
        const ctl = readFileSync(`/sys/fs/cgroup/memory/swarm/${id}/memory.oom_control`, "utf8");
        oomKills = Number(/oom_kill (\d+)/.exec(ctl)?.[1] ?? "-1");
      },
    );
    expect(r.stdout).toBe("tail=137");
    expect(oomKills).toBeGreaterThanOrEqual(1);
  });

  it("stops a fork bomb at the pids limit", async () => {
    let forkFailures = -1;
    const r = await fx.runToExit(
      "pids",
      {
        // The subshell forks until the kernel refuses (ash then gives up); the parent continues with
        // builtins only (no fork needed): count the processes and kill them.
        ...sh("(i=0; while [ $i -lt 100 ]; do sleep 60 & i=$((i+1)); done); echo stopped; set -- /proc/[0-9]*; echo $#; kill -9 -1"),
        resources: { pidsLimit: 20 },
      },
      (id) => {
        const events = readFileSync(`/sys/fs/cgroup/pids/swarm/${id}/pids.events`, "utf8");
        forkFailures = Number(/max (\d+)/.exec(events)?.[1] ?? "-1");
      },
    );
    expect(r.stderr).toContain("can't fork");
    const [stopped, live] = r.stdout.split("\n");
    expect(stopped).toBe("stopped");
    expect(Number(live)).toBeLessThanOrEqual(20);
    expect(Number(live)).toBeGreaterThan(5);
    expect(forkFailures).toBeGreaterThan(0);
  });

  it("throttles a busy loop at a 0.2 CPU quota", async () => {
    let stat = "";
    const r = await fx.runToExit(
      "cpu",
      { ...sh("timeout 1 sh -c 'while :; do :; done'; times"), resources: { nanoCpus: 200_000_000, cpuShares: 512 } },
      (id) => {
        stat = readFileSync(`/sys/fs/cgroup/cpu/swarm/${id}/cpu.stat`, "utf8");
        expect(readFileSync(`/sys/fs/cgroup/cpu/swarm/${id}/cpu.cfs_quota_us`, "utf8").trim()).toBe("20000");
        expect(readFileSync(`/sys/fs/cgroup/cpu/swarm/${id}/cpu.cfs_period_us`, "utf8").trim()).toBe("100000");
        expect(readFileSync(`/sys/fs/cgroup/cpu/swarm/${id}/cpu.shares`, "utf8").trim()).toBe("512");
      },
    );
    const throttled = Number(/nr_throttled (\d+)/.exec(stat)?.[1] ?? "0");
    expect(throttled).toBeGreaterThan(0);
    // `times` line 2: user and system time of children, e.g. "0m0.19s 0m0.01s"
    const children = r.stdout.split("\n")[1] ?? "";
    const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((a, m) => a + Number(m[1]) * 60 + Number(m[2]), 0);
    expect(secs).toBeLessThan(0.45);
  });
});

describe("security", () => {
  it("refuses mount with EPERM", async () => {
    const r = await fx.runToExit("mount", sh("mkdir -p /tmp/m; mount -t tmpfs none /tmp/m; echo rc=$?"));
    expect(r.stderr).toContain("permission denied");
    expect(r.stdout).toBe("rc=1");
  });

  it("blocks unshare with EPERM through seccomp (allowed when unconfined)", async () => {
    const blocked = await fx.runToExit("seccomp", sh("unshare -U true; echo rc=$?"));
    expect(blocked.stderr).toMatch(/unshare.*Operation not permitted/);
    expect(blocked.stdout).toBe("rc=1");
    // Same process without the filter: the kernel itself allows an unprivileged user namespace.
    const id = fx.id("unconfined");
    const bundle = join(fx.work, "bundles", id);
    const config = await writeBundle(bundle, { rootfs: fx.rootfs, ...sh("unshare -U true; echo rc=$?") });
    writeFileSync(join(bundle, "config.json"), JSON.stringify({ ...config, annotations: { "org.swarm.seccomp": "unconfined" } }));
    const c = await fx.runtime.run(id, bundle);
    await c.wait();
    const out = (await c.logs()).map((e) => e.text);
    await c.delete();
    expect(out).toEqual(["rc=0"]);
  });

  it("blocks keyctl (a syscall root may use) with EPERM; a static probe shows it is the filter", async () => {
    const src = join(fx.work, "keyctl-probe.c");
    writeFileSync(
      src,
      [
        "#include <errno.h>",
        "#include <stdio.h>",
        "#include <string.h>",
        "#include <sys/syscall.h>",
        "#include <unistd.h>",
        "int main(void) {",
        "  long r = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 1);",
        '  printf("keyctl=%s\\n", r >= 0 ? "ok" : errno == EPERM ? "EPERM" : strerror(errno));',
        "  return 0;",
        "}",
      ].join("\n"),
    );
    try {
      execFileSync("gcc", ["-static", "-O1", "-o", join(fx.rootfs, "bin/keyctl-probe"), src]);
    } catch (err) {
      throw new Error(`gcc -static is needed for this test (apt-get install -y gcc libc6-dev): ${String(err)}`);
    }
    const blocked = await fx.runToExit("keyctl", { command: ["/bin/keyctl-probe"] });
    expect(blocked.stdout).toBe("keyctl=EPERM");
    const id = fx.id("keyctl-unconfined");
    const bundle = join(fx.work, "bundles", id);
    const config = await writeBundle(bundle, { rootfs: fx.rootfs, command: ["/bin/keyctl-probe"] });
    writeFileSync(join(bundle, "config.json"), JSON.stringify({ ...config, annotations: { "org.swarm.seccomp": "unconfined" } }));
    const c = await fx.runtime.run(id, bundle);
    await c.wait();
    const out = (await c.logs()).map((e) => e.text);
    await c.delete();
    expect(out).toEqual(["keyctl=ok"]);
  });

  it("lets CAP_MKNOD make allowed device nodes only (device cgroup: /dev/mem refused)", async () => {
    const r = await fx.runToExit(
      "devices",
      sh("mknod /dev/null2 c 1 3 && echo ok > /dev/null2 && echo null-ok; mknod /dev/mem c 1 1; echo mem-rc=$?"),
    );
    expect(r.stdout.split("\n")).toEqual(["null-ok", "mem-rc=1"]);
    expect(r.stderr).toContain("Operation not permitted");
  });

  it("masks /proc/kcore and the other masked paths, and sets no_new_privs and Docker's caps", async () => {
    const r = await fx.runToExit(
      "mask",
      sh(
        "for p in /proc/kcore /proc/keys /proc/timer_list; do [ -e $p ] && echo $p=$(wc -c < $p); done; " +
          "ls -A /sys/firmware | wc -l; grep -E 'NoNewPrivs|CapBnd' /proc/self/status | tr -s '\\t' ' '",
      ),
    );
    const lines = r.stdout.split("\n");
    for (const l of lines.filter((x) => x.startsWith("/proc/"))) expect(l).toMatch(/=0$/);
    // on kernels with /proc/kcore it must be among the masked (empty) ones
    if (existsSync("/proc/kcore")) expect(lines).toContain("/proc/kcore=0");
    expect(lines.filter((x) => x.startsWith("/proc/")).length).toBeGreaterThanOrEqual(2);
    expect(lines).toContain("0");
    expect(lines).toContain("NoNewPrivs: 1");
    // Docker's 14 default capabilities
    expect(lines).toContain("CapBnd: 00000000a80425fb");
  });
});

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
    const c = await fx.runtime.run(id, bundle);
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
    const c = await fx.runtime.run(id, bundle);
    await until("ready", async () => ((await c.logs()).some((e) => e.text === "ready") ? true : undefined));
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
    const c = await fx.runtime.run(id, bundle);
    const ac = new AbortController();
    const seen: string[] = [];
    try {
      for await (const e of c.followLogs({ signal: ac.signal, intervalMs: 20 })) {
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
    const c = await fx.runtime.create(id, bundle);
    expect((await c.state()).status).toBe("created");
    expect(await c.logs()).toEqual([]);
    await c.start();
    expect(await c.wait()).toEqual({ exitCode: 0, signal: 0 });
    expect((await c.logs()).map((e) => e.text)).toEqual(["ran"]);
    await expect(c.start()).rejects.toMatchObject({ code: RuntimeErrorCode.WrongState });
    await c.delete();
  });
});

describe("delete", () => {
  it("refuses to delete a live container without --force, and --force removes process, cgroup and state", async () => {
    const id = fx.id("del");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, command: ["sleep", "1000"] });
    const c = await fx.runtime.create(id, bundle);
    const { pid } = await c.state();
    await expect(c.delete()).rejects.toMatchObject({ code: RuntimeErrorCode.WrongState });
    await c.start();
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

describe("bad input", () => {
  async function createFails(label: string, config: string | null, mutate?: (dir: string) => void): Promise<RuntimeCommandError> {
    const id = fx.id(label);
    const bundle = join(fx.work, "bundles", id);
    mkdirSync(bundle, { recursive: true });
    if (config !== null) writeFileSync(join(bundle, "config.json"), config);
    mutate?.(bundle);
    const err = await fx.runtime.create(id, bundle).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RuntimeCommandError);
    // nothing half-made: no state, no cgroup
    expect(existsSync(join(fx.stateRoot, id))).toBe(false);
    expect(existsSync(`/sys/fs/cgroup/pids/swarm/${id}`)).toBe(false);
    return err as RuntimeCommandError;
  }

  const good = (): Record<string, unknown> =>
    JSON.parse(JSON.stringify({ ociVersion: "1.0.2", process: { args: ["true"], cwd: "/" }, root: { path: "rootfs" }, linux: { namespaces: [{ type: "mount" }, { type: "pid" }] } })) as Record<string, unknown>;

  it("reports malformed config.json with its position", async () => {
    const err = await createFails("badjson", '{"ociVersion": "1.0.2", "process": {"args": ["true",]}}');
    expect(err.exitCode).not.toBe(0);
    expect(err.message).toMatch(/config\.json: invalid JSON at line 1 column \d+/);
  });

  it("reports a missing rootfs", async () => {
    const err = await createFails("norootfs", JSON.stringify(good()));
    expect(err.message).toMatch(/root\.path: rootfs "rootfs" .* is not usable: No such file or directory/);
  });

  it("reports an unknown namespace type", async () => {
    const cfg = good();
    cfg.linux = { namespaces: [{ type: "mount" }, { type: "bogus" }] };
    const err = await createFails("badns", JSON.stringify(cfg), (dir) => mkdirSync(join(dir, "rootfs")));
    expect(err.message).toContain('linux.namespaces[1].type: unknown namespace type "bogus"');
  });

  it("reports a wrongly typed field by name", async () => {
    const cfg = good();
    cfg.process = { args: "true", cwd: "/" };
    const err = await createFails("badtype", JSON.stringify(cfg), (dir) => mkdirSync(join(dir, "rootfs")));
    expect(err.message).toContain("process.args: expected array, got string");
  });

  it("never crashes on mangled config.json (seeded mutations): exit 1 with a message, or a valid container", async () => {
    const seed = Number(process.env.SEED ?? "20261123");
    let state = seed >>> 0;
    const rand = (n: number): number => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      return state % n;
    };
    const id0 = fx.id("fuzz");
    const bundle = join(fx.work, "bundles", id0);
    const valid = JSON.stringify(await writeBundle(bundle, { rootfs: fx.rootfs, command: ["true"] }));
    const specials = ["[".repeat(5000), '{"ociVersion":"1.0.2","process":{"args":["\\u0000"]}}', "1e99999", '"\\ud800"', "", "null", "{}"];
    const outcomes = { rejected: 0, created: 0 };
    for (let i = 0; i < 120; i++) {
      let text: string;
      if (i < specials.length) text = specials[i] ?? "";
      else if (i % 3 === 0) text = valid.slice(0, rand(valid.length));
      else {
        const chars = [...valid];
        for (let k = 0; k < 1 + rand(4); k++) chars[rand(chars.length)] = String.fromCharCode(32 + rand(95));
        text = chars.join("");
      }
      writeFileSync(join(bundle, "config.json"), text);
      const id = `${id0}-${String(i)}`;
      const r = spawnSyncRuntime(["create", "--bundle", bundle, "--container-log", join(bundle, "log"), id]);
      expect(r.status, `seed ${String(seed)} case ${String(i)}: ${JSON.stringify(text.slice(0, 200))}\n${r.stderr}`).not.toBeNull();
      if (r.status === 0) {
        outcomes.created++;
        expect(spawnSyncRuntime(["delete", "--force", id]).status).toBe(0);
      } else {
        outcomes.rejected++;
        expect(r.status).toBe(1);
        expect(r.stderr).toMatch(/^swarm-runtime: \S.*\n$/);
        expect(existsSync(join(fx.stateRoot, id))).toBe(false);
      }
    }
    expect(outcomes.rejected).toBeGreaterThan(60);
  });

  it("reports a failure inside the container's setup (run and create), leaving nothing", async () => {
    const id = fx.id("badmount");
    const bundle = join(fx.work, "bundles", id);
    const config = await writeBundle(bundle, { rootfs: fx.rootfs, command: ["true"] });
    const mounts = [...(config.mounts ?? []), { destination: "/x", type: "nosuchfs", source: "none" }];
    writeFileSync(join(bundle, "config.json"), JSON.stringify({ ...config, mounts }));
    for (const verb of ["run", "create"]) {
      const r = spawnSyncRuntime([verb, "--bundle", bundle, id]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('swarm-runtime: mount none (type nosuchfs, options "") on /x: No such device\n');
      expect(existsSync(join(fx.stateRoot, id))).toBe(false);
      expect(existsSync(`/sys/fs/cgroup/pids/swarm/${id}`)).toBe(false);
    }
  });

  it("reports a missing config.json and an unknown container", async () => {
    const err = await createFails("noconfig", null);
    expect(err.message).toMatch(/config\.json: No such file or directory/);
    await expect(fx.runtime.state("swarmtest-nope")).rejects.toMatchObject({ code: RuntimeErrorCode.NotFound });
  });
});

describe("cgroup v2 backend", () => {
  it("places the container in the unified hierarchy and reports missing controllers", async () => {
    const unified = "/sys/fs/cgroup/unified";
    const probe = execFileSync("stat", ["-f", "-c", "%T", existsSync(unified) ? unified : "/sys/fs/cgroup"], { encoding: "utf8" }).trim();
    expect(probe, "this test needs a cgroup2 mount at /sys/fs/cgroup/unified or /sys/fs/cgroup").toBe("cgroup2fs");
    const root = existsSync(unified) ? unified : "/sys/fs/cgroup";
    const env = { ...process.env, SWARM_CGROUP2_ROOT: root };
    const id = fx.id("v2");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, command: ["sleep", "1000"] });
    const cli = (args: string[]): string => execFileSync(RUNTIME_BINARY, ["--root", fx.stateRoot, ...args], { env, encoding: "utf8" });
    cli(["create", "--bundle", bundle, "--container-log", join(bundle, "container.log"), id]);
    const pid = (JSON.parse(cli(["state", id])) as { pid: number }).pid;
    expect(readFileSync(`/proc/${String(pid)}/cgroup`, "utf8")).toContain(`0::/swarm/${id}\n`);
    expect(existsSync(`${root}/swarm/${id}`)).toBe(true);
    cli(["delete", "--force", id]);
    expect(existsSync(`${root}/swarm/${id}`)).toBe(false);

    const controllers = readFileSync(`${root}/cgroup.controllers`, "utf8").trim();
    if (!controllers.includes("memory")) {
      // The host's unified tree has no controllers: a memory limit must fail and say why.
      const id2 = fx.id("v2mem");
      const b2 = join(fx.work, "bundles", id2);
      await writeBundle(b2, { rootfs: fx.rootfs, command: ["true"], resources: { memoryBytes: 64 << 20 } });
      let stderr = "";
      try {
        cli(["run", "--bundle", b2, id2]);
      } catch (e) {
        stderr = String((e as { stderr?: string }).stderr);
      }
      expect(stderr).toContain('cgroup v2 controller "memory" is not available');
    }
  });
});

describe("CLI stdio and options", () => {
  it("writes stdout/stderr to the caller's files, a pid file, and runs without init on request", async () => {
    const id = fx.id("files");
    const bundle = join(fx.work, "bundles", id);
    await writeBundle(bundle, { rootfs: fx.rootfs, ...sh("echo out; echo err >&2; cat /proc/1/comm; exit 5") });
    const out = join(bundle, "out.txt");
    const errFile = join(bundle, "err.txt");
    const pidFile = join(bundle, "pid");
    const r = spawnSyncRuntime(["run", "--bundle", bundle, "--stdout", out, "--stderr", errFile, "--pid-file", pidFile, "--no-init", id]);
    expect(r.status).toBe(5);
    expect(readFileSync(out, "utf8")).toBe("out\nsh\n");
    expect(readFileSync(errFile, "utf8")).toBe("err\n");
    expect(Number(readFileSync(pidFile, "utf8"))).toBeGreaterThan(1);
    // run removed the container afterwards
    expect(existsSync(join(fx.stateRoot, id))).toBe(false);
  });

  it("passes inherited stdout through and refuses unknown options and signals", () => {
    const id = fx.id("inherit");
    const bundle = join(fx.work, "bundles", id);
    mkdirSync(bundle, { recursive: true });
    return writeBundle(bundle, { rootfs: fx.rootfs, command: ["echo", "through"] }).then(() => {
      const r = spawnSyncRuntime(["run", "--bundle", bundle, id]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("through\n");
      const bad = spawnSyncRuntime(["run", "--bogus", id]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('unknown option "--bogus"');
      const sig = spawnSyncRuntime(["kill", id, "SIGNOPE"]);
      expect(sig.status).toBe(2);
      expect(sig.stderr).toContain('unknown signal "SIGNOPE"');
    });
  });
});

function spawnSyncRuntime(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(RUNTIME_BINARY, ["--root", fx.stateRoot, ...args], { encoding: "utf8", timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
