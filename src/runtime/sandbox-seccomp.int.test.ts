// The default seccomp filter is an allow list equivalent to Docker's default profile: a static probe
// makes each syscall for real inside a container and prints what the kernel answered (root).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CAPABILITIES } from "./config-builder.js";
import type { OciConfig } from "./oci.js";
import { createRuntimeFixture, type RuntimeFixture } from "./testing/fixture.js";
import { compileC, makeBundle, runtimeCli } from "./testing/sandbox.js";

let fx: RuntimeFixture;

/** `sc-probe CASE...` prints CASE=ok, CASE=EPERM, CASE=ENOSYS or CASE=errno<N> for each. */
const PROBE = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[512];

/* A clone that succeeded: the child leaves at once. */
static long reap(long pid) {
  if (pid == 0) _exit(0);
  if (pid > 0) waitpid((pid_t)pid, NULL, 0);
  return pid;
}

static long run(const char *c) {
  memset(buf, 0, sizeof(buf));
  if (!strcmp(c, "io_uring_setup")) return syscall(425, 4, buf);
  if (!strcmp(c, "io_uring_enter")) return syscall(426, -1, 0, 0, 0, NULL, 0);
  if (!strcmp(c, "io_uring_register")) return syscall(427, -1, 0, NULL, 0);
  if (!strcmp(c, "keyctl")) return syscall(SYS_keyctl, 0, -3, 1);
  if (!strcmp(c, "add_key")) return syscall(SYS_add_key, "user", "k", "v", 1, -3);
  if (!strcmp(c, "bpf")) return syscall(SYS_bpf, 0, buf, 72);
  if (!strcmp(c, "perf_event_open")) { buf[4] = 112; return syscall(SYS_perf_event_open, buf, 0, -1, -1, 0); }
  if (!strcmp(c, "userfaultfd")) return syscall(323, 0);
  if (!strcmp(c, "unshare_user")) return unshare(CLONE_NEWUSER);
  if (!strcmp(c, "unshare_uts")) return unshare(CLONE_NEWUTS);
  if (!strcmp(c, "clone_newns")) return reap(syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0));
  if (!strcmp(c, "clone_plain")) return reap(syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0));
  if (!strcmp(c, "clone3")) { buf[32] = SIGCHLD; return reap(syscall(435, buf, 88)); }
  if (!strcmp(c, "kcmp")) return syscall(SYS_kcmp, getpid(), getpid(), 0, 0, 0);
  if (!strcmp(c, "mount")) return syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, "");
  if (!strcmp(c, "future_syscall")) return syscall(1000);
  if (!strcmp(c, "personality_query")) return personality(0xffffffff);
  if (!strcmp(c, "personality_norandom")) return personality(ADDR_NO_RANDOMIZE);
  if (!strcmp(c, "socket_inet")) return socket(AF_INET, SOCK_STREAM, 0);
  if (!strcmp(c, "socket_alg")) return socket(38, SOCK_SEQPACKET, 0);
  if (!strcmp(c, "socket_vsock")) return socket(40, SOCK_STREAM, 0);
  if (!strcmp(c, "getpid")) return syscall(SYS_getpid);
  if (!strcmp(c, "x32_getpid")) return syscall(0x40000000 | 39);
  errno = EINVAL;
  return -2;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    long r = run(argv[i]);
    if (r == -2) { printf("%s=unknown case\n", argv[i]); continue; }
    if (r >= 0) printf("%s=ok\n", argv[i]);
    else if (errno == EPERM) printf("%s=EPERM\n", argv[i]);
    else if (errno == ENOSYS) printf("%s=ENOSYS\n", argv[i]);
    else printf("%s=errno%d\n", argv[i], errno);
    fflush(stdout);
  }
  return 0;
}
`;

/** Runs the probe with these cases in a container from the builder's config (+ edit); returns case → answer. */
async function probe(cases: readonly string[], edit?: (c: OciConfig) => OciConfig): Promise<Record<string, string>> {
  const { id, bundle } = await makeBundle(fx, "seccomp", { command: ["/bin/sc-probe", ...cases] }, edit);
  const run = runtimeCli(fx, ["run", "--bundle", bundle, id]);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
  return Object.fromEntries(run.stdout.trim().split("\n").map((l) => l.split("=") as [string, string]));
}

const withCaps = (extra: readonly string[]) => (c: OciConfig): OciConfig => {
  const caps = [...DEFAULT_CAPABILITIES, ...extra];
  return { ...c, process: { ...c.process, capabilities: { bounding: caps, effective: caps, permitted: caps } } };
};

beforeAll(() => {
  fx = createRuntimeFixture();
  compileC(fx.work, "sc-probe", PROBE, join(fx.rootfs, "bin/sc-probe"));
});

afterAll(() => {
  fx.cleanup();
});

describe("the default seccomp filter (Docker's allow list)", () => {
  it("refuses io_uring, keyrings, bpf, perf, userfaultfd, new user namespaces and unknown syscalls with EPERM", async () => {
    const denied = ["io_uring_setup", "io_uring_enter", "io_uring_register", "keyctl", "add_key", "bpf", "perf_event_open",
      "userfaultfd", "unshare_user", "unshare_uts", "clone_newns", "kcmp", "mount", "future_syscall",
      "personality_norandom", "socket_alg", "socket_vsock"];
    const allowed = ["getpid", "clone_plain", "personality_query", "socket_inet"];
    const seen = await probe([...denied, ...allowed, "clone3"]);
    expect(seen).toEqual({
      ...Object.fromEntries(denied.map((c) => [c, "EPERM"])),
      ...Object.fromEntries(allowed.map((c) => [c, "ok"])),
      clone3: "ENOSYS", // so that libcs fall back to clone, whose flags the filter can check
    });
  });

  it("allows what CAP_SYS_ADMIN and CAP_SYS_PTRACE allow in Docker's profile, when the container has them", async () => {
    const seen = await probe(["unshare_uts", "clone_newns", "kcmp", "clone3", "bpf", "io_uring_setup", "keyctl"], withCaps(["CAP_SYS_ADMIN", "CAP_SYS_PTRACE"]));
    expect(seen).toMatchObject({ unshare_uts: "ok", clone_newns: "ok", kcmp: "ok", clone3: "ok", io_uring_setup: "EPERM", keyctl: "EPERM" });
    expect(seen.bpf).not.toBe("EPERM"); // the kernel's own answer (an empty map definition is invalid)
  });

  it("is what refuses them: without the filter (org.swarm.seccomp=unconfined) the same calls succeed", async () => {
    const seen = await probe(["io_uring_setup", "keyctl", "future_syscall"], (c) => ({ ...c, annotations: { "org.swarm.seccomp": "unconfined" } }));
    expect(seen).toEqual({ io_uring_setup: "ok", keyctl: "ok", future_syscall: "ENOSYS" });
  });

  it("kills a process that uses x32 syscall numbers", async () => {
    const r = await fx.runToExit("x32", { command: ["/bin/sc-probe", "getpid", "x32_getpid"] });
    expect(r.stdout).toBe("getpid=ok");
    expect(r.exit).toEqual({ exitCode: 128 + 31, signal: 31 }); // SIGSYS
  });

  it("runs a normal workload: a shell, coreutils, busybox httpd answering wget", async () => {
    mkdirSync(join(fx.rootfs, "www"), { recursive: true });
    writeFileSync(join(fx.rootfs, "www/index.html"), "hello from httpd\n");
    const script =
      "ls -l / | wc -l; echo data | gzip | gunzip; find /etc -type f | sort | head -1; cp /etc/passwd /tmp/p && chmod 600 /tmp/p && ls -l /tmp/p | cut -c1-10; " +
      "date +%Y >/dev/null && echo date-ok; ps -o comm | grep -cx swarm-init; sleep 0.1 & wait; echo waited; " +
      "httpd -p 127.0.0.1:8080 -h /www && for i in $(seq 50); do wget -q -O - http://127.0.0.1:8080/ 2>/dev/null && break; sleep 0.1; done";
    const r = await fx.runToExit("workload", { command: ["/bin/sh", "-c", script] });
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(Number(lines[0])).toBeGreaterThan(5);
    expect(lines.slice(1)).toEqual(["data", "/etc/group", "-rw-------", "date-ok", "1", "waited", "hello from httpd"]);
  });
});
