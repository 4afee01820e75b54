// `swarm-runtime exec`: a command (a health probe) runs inside a running container's own sandbox —
// its namespaces, cgroups, user, capabilities, no_new_privs and seccomp filter — and nothing of the
// image or of the caller's environment runs on the host. Real containers, real attacks (root).
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";
import { createRuntimeFixture, type RuntimeFixture } from "./testing/fixture.js";
import { compileC, mainPid, makeBundle, runtimeCli, startContainer } from "./testing/sandbox.js";

let fx: RuntimeFixture;
/** A host directory that plays an image layer's bin/, every program in it leaves a marker on the host. */
let layerBin: string;
let marker: string;
let evilLib: string;

const sleeper = { command: ["sleep", "1000"] } as const;
const hostEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: "/usr/bin:/bin", ...extra });
const exec = (id: string, args: readonly string[], env = hostEnv()): ReturnType<typeof runtimeCli> =>
  runtimeCli(fx, ["exec", id, "--", ...args], env);

/** The Cap*, NoNewPrivs and Seccomp* lines of a /proc/<pid>/status text. */
function securityLines(status: string): string[] {
  return status.split("\n").filter((l) => /^(Cap\w+|NoNewPrivs|Seccomp\w*):/.test(l));
}

beforeAll(() => {
  fx = createRuntimeFixture();
  layerBin = join(fx.work, "layer", "bin");
  marker = join(fx.work, "ran-on-the-host");
  mkdirSync(layerBin, { recursive: true });
  for (const name of ["nsenter", "sh", "cat", "env", "hostname", "whereami", "host-only"]) {
    writeFileSync(join(layerBin, name), `#!/bin/sh\necho "${name} $*" >> ${marker}\n`);
    chmodSync(join(layerBin, name), 0o755);
  }
  // The same absolute path inside the image: what PATH must find when it is resolved in the container.
  const inImage = join(fx.rootfs, layerBin);
  mkdirSync(inImage, { recursive: true });
  writeFileSync(join(inImage, "whereami"), "#!/bin/sh\necho in-the-container\n");
  chmodSync(join(inImage, "whereami"), 0o755);
  evilLib = join(fx.work, "evil.so");
  compileC(
    fx.work,
    "evil",
    `#include <fcntl.h>\n#include <unistd.h>\n__attribute__((constructor)) static void pwn(void) {\n` +
      `  int fd = open("${marker}", O_WRONLY | O_CREAT | O_APPEND, 0644);\n  if (fd >= 0) { (void)!write(fd, "preload\\n", 8); close(fd); }\n}\n`,
    evilLib,
    "shared",
  );
});

afterAll(() => {
  fx.cleanup();
});

describe("exec runs in the container's sandbox", () => {
  it("has the container's capabilities, no_new_privs, seccomp filter, cgroups, namespaces and hostname", async () => {
    const { id, pid } = await startContainer(fx, "ns", { ...sleeper, hostname: "exec-box" });
    const main = mainPid(pid);
    const status = exec(id, ["cat", "/proc/self/status"]);
    expect(status.stderr).toBe("");
    expect(status.status).toBe(0);
    const mine = securityLines(status.stdout);
    expect(mine).toEqual(securityLines(readFileSync(`/proc/${String(main)}/status`, "utf8")));
    expect(mine).toContain("CapEff:\t00000000a80425fb"); // Docker's 14, not the runtime's full set
    expect(mine).toContain("Seccomp:\t2");
    expect(mine).toContain("NoNewPrivs:\t1");

    // Same cgroups as the main process, seen through the container's cgroup namespace: all "/".
    const cg = exec(id, ["sh", "-c", "cat /proc/self/cgroup; echo ---; cat /proc/1/cgroup"]).stdout.split("---\n");
    expect(cg[0]).toBe(cg[1]);
    expect(cg[0]).toMatch(/^\d+:pids:\/$/m);
    expect(cg[0]).toMatch(/^0::\/$/m);

    const ns = exec(id, ["sh", "-c", "hostname; for n in mnt net uts ipc pid cgroup; do readlink /proc/self/ns/$n; done; echo $$"]);
    const [hostname, ...rest] = ns.stdout.trim().split("\n");
    expect(hostname).toBe("exec-box");
    const ownPid = Number(rest.pop());
    const initNs = ["mnt", "net", "uts", "ipc", "pid", "cgroup"].map((n) => readlinkSync(`/proc/${String(pid)}/ns/${n}`));
    expect(rest).toEqual(initNs);
    expect(ownPid).toBeLessThan(20); // a pid of the container's namespace, not the host's
    expect(exec(id, ["sh", "-c", "ls /proc | grep -c '^[0-9]'"]).stdout.trim()).toMatch(/^[3-6]$/); // init, sleep, sh, ls, grep
  });

  it("is in the container's cgroups as seen from the host, counts in pids, and dies with the runtime", async () => {
    const { id, pid } = await startContainer(fx, "cg", { ...sleeper, resources: { pidsLimit: 10 } });
    const main = mainPid(pid);
    const procs = `/sys/fs/cgroup/pids/swarm/${id}/cgroup.procs`;
    const others = (): number[] => readFileSync(procs, "utf8").split("\n").map(Number).filter((p) => p > 0 && p !== pid && p !== main);
    const until = async (what: string, check: () => boolean): Promise<void> => {
      for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
      if (!check()) throw new Error(`timed out waiting until ${what}; ${procs}: ${readFileSync(procs, "utf8")}`);
    };
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      const probe = spawn(RUNTIME_BINARY, ["--root", fx.stateRoot, "exec", id, "sleep", "30"], { env: hostEnv(), stdio: "ignore" });
      await until("the exec'd sleep is in the container's cgroup", () => others().length === 1);
      const inside = others()[0] ?? 0;
      expect(readFileSync(`/proc/${String(inside)}/cgroup`, "utf8")).toBe(readFileSync(`/proc/${String(main)}/cgroup`, "utf8"));
      expect(readFileSync(`/sys/fs/cgroup/pids/swarm/${id}/pids.current`, "utf8").trim()).toBe("3"); // init, sleep, this sleep
      probe.kill(signal); // TERM is forwarded to the command; after KILL, the command gets its parent-death signal
      await new Promise((r) => probe.once("exit", r));
      if (signal === "SIGTERM") expect(probe.exitCode).toBe(143);
      await until(`the exec'd sleep is gone after ${signal}`, () => others().length === 0);
    }
  });

  it("takes the container's user, groups, environment and working directory, never the caller's environment", async () => {
    const { id, pid } = await startContainer(
      fx,
      "user",
      { ...sleeper, user: "1000:1000", env: ["FOO=bar"], workdir: "/tmp" },
      { edit: (c) => ({ ...c, process: { ...c.process, user: { uid: 1000, gid: 1000, additionalGids: [4242] } } }) },
    );
    const ids = exec(id, ["grep", "-E", "^(Uid|Gid|Groups|CapEff|NoNewPrivs|Seccomp):", "/proc/self/status"]);
    const expected = readFileSync(`/proc/${String(mainPid(pid))}/status`, "utf8").split("\n").filter((l) => /^(Uid|Gid|Groups|CapEff|NoNewPrivs|Seccomp):/.test(l));
    expect(ids.stdout.trim().split("\n")).toEqual(expected);
    expect(expected[0]).toMatch(/^Uid:\t1000\t1000\t1000\t1000$/);
    expect(expected).toContain("Groups:\t4242 ");

    const env = exec(id, ["env"], hostEnv({ SECRET: "host-secret", LD_PRELOAD: evilLib }));
    const lines = env.stdout.trim().split("\n").sort();
    expect(lines).toContain("FOO=bar");
    expect(lines).toContain("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    expect(lines.filter((l) => /SECRET|LD_PRELOAD/.test(l))).toEqual([]);
    const over = runtimeCli(fx, ["exec", "--env", "FOO=over", "--env", "NEW=1", "--cwd", "/etc", id, "sh", "-c", "echo $FOO $NEW $HOME; pwd"]);
    expect(over.stdout).toBe("over 1 /\n/etc\n");
    expect(exec(id, ["pwd"]).stdout).toBe("/tmp\n");
  });

  it("runs a health probe: wget inside the container reaches its httpd on the container's loopback", async () => {
    mkdirSync(join(fx.rootfs, "www"), { recursive: true });
    writeFileSync(join(fx.rootfs, "www/index.html"), "hello from httpd\n");
    const { id } = await startContainer(fx, "httpd", { command: ["httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/www"] });
    let page = "";
    for (let i = 0; i < 100 && page === ""; i++) {
      page = exec(id, ["wget", "-q", "-O", "-", "http://127.0.0.1:8080/"]).stdout;
      if (page === "") await new Promise((res) => setTimeout(res, 50));
    }
    expect(page).toBe("hello from httpd\n");
  });

  it("exits with the command's status, 127 and 126 as sh does, 128+N when killed", async () => {
    const { id } = await startContainer(fx, "codes", sleeper);
    expect(exec(id, ["sh", "-c", "exit 7"]).status).toBe(7);
    const missing = exec(id, ["no-such-command"]);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('"no-such-command"');
    expect(exec(id, ["/etc/passwd"]).status).toBe(126);
    expect(exec(id, ["sh", "-c", "kill -9 $$"]).status).toBe(137);
  });

  it("refuses bad command lines and containers that are not running, naming them", async () => {
    const { id } = await startContainer(fx, "bad", sleeper);
    const usage = (args: string[], message: string): void => {
      const r = runtimeCli(fx, ["exec", ...args]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(message);
    };
    usage([id], "missing the command to run");
    usage([], "missing container ID");
    usage(["--bogus", id, "true"], 'unknown option "--bogus"');
    usage(["--env", "NOVALUE", id, "true"], '--env "NOVALUE" is not NAME=VALUE');
    usage(["--cwd", "tmp", id, "true"], '--cwd "tmp" is not an absolute path');
    const unknown = exec("swarmtest-none", ["true"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('container "swarmtest-none" does not exist');
    const badCwd = runtimeCli(fx, ["exec", "--cwd", "/no/such/dir", id, "true"]);
    expect(badCwd.status).toBe(1);
    expect(badCwd.stderr).toContain("process.cwd: chdir /no/such/dir: No such file or directory");

    const created = await makeBundle(fx, "created", sleeper);
    const log = join(created.bundle, "container.log"); // else init keeps our stdout pipe open
    expect(runtimeCli(fx, ["create", "--bundle", created.bundle, "--container-log", log, created.id]).status).toBe(0);
    expect(exec(created.id, ["true"]).stderr).toContain(`container "${created.id}" is created, not running`);
    const done = await startContainer(fx, "stopped", { command: ["true"] });
    runtimeCli(fx, ["wait", done.id]);
    expect(exec(done.id, ["true"]).stderr).toContain(`container "${done.id}" is stopped, not running`);
  });
});

describe("an image's PATH and LD_PRELOAD cannot reach the host", () => {
  it("arms the bait: on the host, the layer's programs and the library do run", () => {
    execFileSync("whereami", [], { env: { PATH: layerBin } });
    execFileSync("/bin/true", [], { env: { LD_PRELOAD: evilLib } });
    expect(readFileSync(marker, "utf8")).toBe("whereami \npreload\n");
    rmSync(marker);
  });

  it("resolves the command inside the container; nothing runs on the host", async () => {
    const image = { env: [`PATH=${layerBin}:/usr/bin:/bin`, `LD_PRELOAD=${evilLib}`] };
    const { id } = await startContainer(fx, "attack", { ...sleeper, image });
    const caller = hostEnv({ PATH: `${layerBin}:/usr/bin:/bin`, LD_PRELOAD: evilLib });
    const where = exec(id, ["whereami"], caller);
    expect(where.stdout).toBe("in-the-container\n");
    // The image's own programs (busybox applets in /bin), found after the layer path misses in the container.
    for (const args of [["sh", "-c", "echo inside"], ["cat", "/etc/hostname"], ["hostname"], ["env"]]) {
      const r = exec(id, args, caller);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    }
    expect(exec(id, ["nsenter", "--help"], caller).stderr).toContain("BusyBox"); // not the layer's, not util-linux's
    const hostOnly = exec(id, ["host-only"], caller);
    expect(hostOnly.status).toBe(127);
    expect(existsSync(marker), existsSync(marker) ? readFileSync(marker, "utf8") : "").toBe(false);
  });
});
