// Differential test: the same OCI bundle (runc's own `runc spec` config, terminal=false) run by runc and
// by swarm-runtime must give the same exit code and the same stdout (and stderr where both write one).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";
import { createRuntimeFixture, type RuntimeFixture } from "./testing/fixture.js";

let fx: RuntimeFixture;
let runc = "";
let baseConfig: Record<string, unknown>;

/** runc from PATH (scripts/install-host-deps.sh, run by `npm test`, installs it). */
function ensureRunc(): string {
  const found = spawnSync("sh", ["-c", "command -v runc"], { encoding: "utf8" });
  if (found.status === 0) return found.stdout.trim();
  throw new Error("runc is not installed: the differential tests compare against it (Debian package runc; `bash scripts/install-host-deps.sh` installs it, and `npm test` runs that script)");
}

beforeAll(() => {
  fx = createRuntimeFixture();
  runc = ensureRunc();
  const dir = join(fx.work, "spec");
  mkdirSync(dir, { recursive: true });
  execFileSync(runc, ["spec"], { cwd: dir });
  baseConfig = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
});

afterAll(() => {
  fx.cleanup();
});

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: readonly string[];
  /** Also compare stderr. */
  readonly stderr?: boolean;
}

const sh = (script: string): string[] => ["/bin/sh", "-c", script];

const cases: readonly Case[] = [
  { name: "echo", args: ["echo", "hello", "world"] },
  { name: "exit code", args: sh("exit 3") },
  { name: "child killed by signal", args: sh("sleep 10 & kill -9 $!; wait $!; echo status=$?") },
  { name: "stderr", args: sh("echo to-stderr >&2; echo to-stdout"), stderr: true },
  { name: "hostname and uts", args: sh("hostname; cat /proc/sys/kernel/hostname") },
  { name: "identity", args: ["id"] },
  { name: "environment and HOME", args: sh("env | sort"), env: ["PATH=/bin:/usr/bin", "FOO=bar baz"] },
  { name: "working directory", args: ["pwd"], cwd: "/tmp" },
  { name: "capabilities and no_new_privs", args: sh("grep -E '^(Cap|NoNewPrivs)' /proc/self/status") },
  { name: "device nodes", args: sh("ls -A /dev | sort; ls -l /dev/null /dev/zero /dev/urandom | awk '{print $1, $5, $6}'") },
  { name: "network namespace", args: sh("ls /sys/class/net") },
  { name: "loopback up in a new network namespace", args: sh("cat /sys/class/net/lo/flags; ip -o addr show lo | awk '{print $3, $4}'") },
  { name: "cgroup mount flags (runc leaves the tmpfs itself rw; we make it ro too)", args: sh("awk '$5 ~ \"^/sys/fs/cgroup/\" { print $5, $6 }' /proc/self/mountinfo | sort") },
  { name: "read-only root", args: sh("touch /newfile; echo rc=$?"), stderr: true },
  { name: "mount refused", args: sh("mount -t tmpfs none /tmp; echo rc=$?"), stderr: true },
  { name: "rlimit", args: sh("ulimit -n; ulimit -Hn") },
  { name: "masked and read-only proc paths", args: sh("wc -c < /proc/keys; echo 1 > /proc/sys/kernel/domainname; echo rc=$?") },
  { name: "cgroup mount layout", args: sh("ls /sys/fs/cgroup") },
  { name: "missing executable", args: ["/bin/does-not-exist"] },
];

function runWith(bin: string, root: string, bundle: string, id: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(bin, ["--root", root, "run", "--bundle", bundle, id], { encoding: "utf8", timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("swarm-runtime vs runc on the same bundle", () => {
  for (const c of cases) {
    it(c.name, () => {
      const bundle = join(fx.work, "bundles", fx.id("diff"));
      mkdirSync(bundle, { recursive: true });
      const base = baseConfig as { process: Record<string, unknown>; root: Record<string, unknown> };
      const config = {
        ...baseConfig,
        process: {
          ...base.process,
          terminal: false,
          args: c.args,
          ...(c.cwd ? { cwd: c.cwd } : {}),
          ...(c.env ? { env: c.env } : {}),
        },
        root: { ...base.root, path: fx.rootfs },
      };
      writeFileSync(join(bundle, "config.json"), JSON.stringify(config, null, 2));
      const theirs = runWith(runc, join(fx.work, "runc-state"), bundle, fx.id("runc"));
      const ours = runWith(RUNTIME_BINARY, fx.stateRoot, bundle, fx.id("ours"));
      if (c.name === "missing executable") {
        // Both fail; the wording differs, but both must name the missing file.
        expect(theirs.status).not.toBe(0);
        expect(ours.status).not.toBe(0);
        expect(ours.stderr).toContain("/bin/does-not-exist");
        expect(theirs.stderr).toContain("/bin/does-not-exist");
        return;
      }
      expect({ status: ours.status, stdout: ours.stdout }).toEqual({ status: theirs.status, stdout: theirs.stdout });
      if (c.stderr) expect(ours.stderr).toBe(theirs.stderr);
    });
  }
});
