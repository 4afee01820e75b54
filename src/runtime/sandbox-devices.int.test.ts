// Device access: a container with CAP_MKNOD tries to make and read a node of a host block device (a
// loop device over a file with a secret: this VM refuses even root to open its real disk), under the v1
// devices cgroup, the eBPF device program on a cgroup2 directory, each alone, and the cgroup v2 backend;
// plus nodev on the mounts, Docker's masked paths and the default pids limit (root).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OciConfig } from "./oci.js";
import { createRuntimeFixture, type RuntimeFixture } from "./testing/fixture.js";
import { makeBundle, runtimeCli, startContainer } from "./testing/sandbox.js";

let fx: RuntimeFixture;
/** The host block device the attack wants to read: a loop device over a file of "host-secret". */
let disk: { path: string; major: number; minor: number };
/** The test runner's own cgroup in the unified tree; a hybrid host's containers get a directory below it. */
let ownUnified: string;

const UNIFIED = "/sys/fs/cgroup/unified";
const sleeper = { command: ["sleep", "1000"] } as const;

/** mknod of the host's block device, a read of the node the test made in the image (/hostdisk), allowed nodes. */
const attack = (): string =>
  `mknod /tmp/disk.$$ b ${String(disk.major)} ${String(disk.minor)} 2>&1; echo mknod=$?; ` +
  "head -c 11 /hostdisk > /tmp/out.$$ 2>&1; echo read=$? $(cat /tmp/out.$$); " +
  "mknod /tmp/null.$$ c 1 3 && echo x > /tmp/null.$$ && head -c 4 /dev/urandom | wc -c; rm -f /tmp/*.$$";

/** What the attack prints when both are refused (the allowed nodes still work). */
function expectRefused(stdout: string): void {
  const [mknod, ...rest] = stdout.trim().split("\n");
  expect(mknod).toMatch(/^mknod: \/tmp\/disk\.\d+: Operation not permitted$/);
  expect(rest).toEqual(["mknod=1", "read=1 head: /hostdisk: Operation not permitted", "4"]);
}

interface Mode {
  readonly name: string;
  readonly env: Record<string, string>;
  readonly v1: boolean; // a devices cgroup directory exists
  readonly unifiedRoot: string | null; // where the cgroup2 directory (eBPF) is, if any
}

beforeAll(() => {
  fx = createRuntimeFixture();
  const image = join(fx.work, "secret.img");
  writeFileSync(image, "host-secret".repeat(512));
  const path = execFileSync("losetup", ["--find", "--show", image], { encoding: "utf8" }).trim();
  const [major, minor] = execFileSync("stat", ["-c", "%t %T", path], { encoding: "utf8" }).trim().split(" ").map((h) => parseInt(h, 16));
  if (major === undefined || minor === undefined || Number.isNaN(major)) throw new Error(`no device numbers for ${path}`);
  disk = { path, major, minor };
  execFileSync("mknod", [join(fx.rootfs, "hostdisk"), "b", String(major), String(minor)]);
  const own = /^0::(.*)$/m.exec(readFileSync("/proc/self/cgroup", "utf8"))?.[1] ?? "/";
  ownUnified = own === "/" ? "" : own;
  const fsType = execFileSync("stat", ["-f", "-c", "%T", UNIFIED], { encoding: "utf8" }).trim();
  expect(fsType, `these tests need the hybrid layout: a cgroup2 mount at ${UNIFIED}`).toBe("cgroup2fs");
});

afterAll(() => {
  if (disk) execFileSync("losetup", ["--detach", disk.path]);
  fx.cleanup();
});

describe("a container cannot reach the host's disk through a device node", () => {
  const modes: readonly Mode[] = [
    { name: "v1 devices cgroup and eBPF program (the default here)", env: {}, v1: true, unifiedRoot: "own" },
    { name: "eBPF program alone", env: { SWARM_RUNTIME_DEVICE_FILTER: "ebpf" }, v1: false, unifiedRoot: "own" },
    { name: "v1 devices cgroup alone", env: { SWARM_RUNTIME_DEVICE_FILTER: "v1" }, v1: true, unifiedRoot: null },
    { name: "cgroup v2 backend (eBPF only)", env: { SWARM_CGROUP2_ROOT: UNIFIED }, v1: false, unifiedRoot: UNIFIED },
  ];
  for (const mode of modes) {
    it(`refuses mknod and open of a block device: ${mode.name}`, async () => {
      const env = { ...process.env, ...mode.env };
      const { id } = await startContainer(fx, "dev", sleeper, { env });
      expect(existsSync(`/sys/fs/cgroup/devices/swarm/${id}`)).toBe(mode.v1);
      const unified = mode.unifiedRoot === "own" ? `${UNIFIED}${ownUnified}` : mode.unifiedRoot;
      if (unified !== null) expect(existsSync(`${unified}/swarm/${id}`)).toBe(true);
      else expect(existsSync(`${UNIFIED}${ownUnified}/swarm/${id}`)).toBe(false);
      // A command exec'd into it, and the container's own first process.
      expectRefused(runtimeCli(fx, ["exec", id, "sh", "-c", attack()], env).stdout);
      const own = await makeBundle(fx, "dev-main", { command: ["sh", "-c", attack()] });
      const r = runtimeCli(fx, ["run", "--bundle", own.bundle, own.id], env);
      expectRefused(r.stdout);
    });
  }

  it("is real: without device rules the same container makes and reads the node", async () => {
    const noRules = (c: OciConfig): OciConfig => ({ ...c, linux: { ...c.linux, resources: { ...c.linux?.resources, devices: undefined } } });
    const { id, bundle } = await makeBundle(fx, "dev-open", { command: ["sh", "-c", attack()] }, noRules);
    const r = runtimeCli(fx, ["run", "--bundle", bundle, id]);
    expect(r.stdout.trim().split("\n")).toEqual(["mknod=0", "read=0 host-secret", "4"]);
  });

  it("follows the spec's rules: read-only access to that disk allows the read, not the mknod", async () => {
    const readOnly = (c: OciConfig): OciConfig => {
      const devices = [...(c.linux?.resources?.devices ?? []), { allow: true, type: "b" as const, major: disk.major, minor: disk.minor, access: "r" }];
      return { ...c, linux: { ...c.linux, resources: { ...c.linux?.resources, devices } } };
    };
    for (const filter of ["ebpf", "v1"]) {
      const { id, bundle } = await makeBundle(fx, `dev-ro-${filter}`, { command: ["sh", "-c", attack()] }, readOnly);
      const r = runtimeCli(fx, ["run", "--bundle", bundle, id], { ...process.env, SWARM_RUNTIME_DEVICE_FILTER: filter });
      expect(r.stdout.trim().split("\n").slice(1), filter).toEqual(["mknod=1", "read=0 host-secret", "4"]);
    }
  });

  it("refuses malformed device rules, naming the field", async () => {
    const withRule = (rule: Record<string, unknown>) => (c: OciConfig): OciConfig =>
      JSON.parse(JSON.stringify({ ...c, linux: { ...c.linux, resources: { devices: [{ allow: false, access: "rwm" }, rule] } } })) as OciConfig;
    for (const [rule, message] of [
      [{ allow: true, type: "x", access: "r" }, 'linux.resources.devices[1].type: "x" is not a, b or c'],
      [{ allow: true, type: "c", major: 1, minor: 3, access: "rwx" }, 'linux.resources.devices[1].access: "rwx" is not a combination of r, w, m'],
      [{ type: "c", access: "r" }, "linux.resources.devices[1].allow: missing or not a boolean"],
    ] as const) {
      const { id, bundle } = await makeBundle(fx, "dev-bad", { command: ["true"] }, withRule(rule));
      const r = runtimeCli(fx, ["run", "--bundle", bundle, id]);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: `swarm-runtime: ${message}\n` });
      expect(existsSync(join(fx.stateRoot, id))).toBe(false);
    }
  });
});

describe("mounts and limits", () => {
  it("mounts proc, sys, shm, mqueue and the masks nodev (not /dev), and hides Docker's masked paths", async () => {
    const extraMask = (c: OciConfig): OciConfig => ({ ...c, linux: { ...c.linux, maskedPaths: [...(c.linux?.maskedPaths ?? []), "/sys/devices/virtual/misc"] } });
    const script =
      "awk '{ print $5, $6 }' /proc/self/mountinfo; " +
      "for p in /sys/devices/virtual/powercap /sys/devices/virtual/misc /sys/firmware; do echo $p=$(ls -A $p 2>/dev/null | wc -l); done; " +
      "wc -c < /proc/interrupts";
    const { id, bundle } = await makeBundle(fx, "mounts", { command: ["sh", "-c", script] }, extraMask);
    const r = runtimeCli(fx, ["run", "--bundle", bundle, id]);
    const mounts = new Map(r.stdout.trim().split("\n").filter((l) => l.startsWith("/") && l.includes(" ")).map((l) => l.split(" ") as [string, string]));
    for (const m of ["/proc", "/sys", "/dev/shm", "/dev/mqueue", "/sys/devices/virtual/misc", "/sys/firmware", "/proc/sys"]) {
      expect(mounts.get(m)?.split(","), m).toContain("nodev");
    }
    expect(mounts.get("/dev")?.split(",")).not.toContain("nodev");
    expect(r.stdout).toContain("/sys/devices/virtual/powercap=0");
    expect(r.stdout).toContain("/sys/devices/virtual/misc=0");
    expect(r.stdout).toContain("/sys/firmware=0");
    expect(r.stdout.trim().split("\n").pop()).toBe("0"); // /proc/interrupts masked by /dev/null
  });

  it("limits a task to 4096 processes when its spec sets no limit", async () => {
    const { id } = await startContainer(fx, "pids", sleeper);
    expect(readFileSync(`/sys/fs/cgroup/pids/swarm/${id}/pids.max`, "utf8").trim()).toBe("4096");
  });
});
