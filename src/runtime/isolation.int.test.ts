// Integration tests of swarm-runtime through the TS driver (root): what a process inside a busybox
// container sees — namespaces, filesystem, user — and what the kernel enforces on it: cgroup limits (v1
// and v2), seccomp, capabilities, the device cgroup, masked paths. Lifecycle: lifecycle.int.test.ts;
// bad input and CLI options: cli.int.test.ts.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";
import type { ContainerSpecInput } from "./config-builder.js";
import { readContainerLog } from "./logs.js";
import { sh, useRuntimeFixture } from "./testing/fixture.js";
import { runContainer } from "./testing/verbs.js";
import { writeBundle } from "./runtime.js";

const fx = useRuntimeFixture();

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
      const r = fx.spawnSyncRuntime(["run", "--bundle", bundle, id]);
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

/** Runs `spec` without the seccomp filter (annotation org.swarm.seccomp=unconfined); returns its output lines. */
async function runUnconfined(label: string, spec: Omit<ContainerSpecInput, "rootfs">): Promise<string[]> {
  const id = fx.id(label);
  const bundle = join(fx.work, "bundles", id);
  const config = await writeBundle(bundle, { rootfs: fx.rootfs, ...spec });
  writeFileSync(join(bundle, "config.json"), JSON.stringify({ ...config, annotations: { "org.swarm.seccomp": "unconfined" } }));
  const c = await runContainer(fx.runtime, id, bundle);
  await c.wait();
  const out = (await readContainerLog(c.logPath)).map((e) => e.text);
  await c.delete();
  return out;
}

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
    expect(await runUnconfined("unconfined", sh("unshare -U true; echo rc=$?"))).toEqual(["rc=0"]);
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
    expect(await runUnconfined("keyctl-unconfined", { command: ["/bin/keyctl-probe"] })).toEqual(["keyctl=ok"]);
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
