import { describe, expect, it } from "vitest";
import { DEFAULT_CAPABILITIES, DEFAULT_PIDS_LIMIT, buildOciConfig, mergeEnv, resolveArgv, resolveUser } from "./config-builder.js";
import { InvalidContainerSpecError } from "./errors.js";

const users = {
  passwd: "root:x:0:0:root:/root:/bin/sh\nweb:x:1000:1001:web:/home/web:/bin/sh\n",
  group: "root:x:0:\nweb:x:1001:\nstaff:x:50:\n",
};

describe("resolveArgv (Docker's entrypoint/cmd rules)", () => {
  const image = { entrypoint: ["/entry"], cmd: ["--default"] };
  it("uses entrypoint + cmd from the image", () => {
    expect(resolveArgv({ image })).toEqual(["/entry", "--default"]);
  });
  it("args replace the image cmd", () => {
    expect(resolveArgv({ image, args: ["--x"] })).toEqual(["/entry", "--x"]);
  });
  it("command replaces the entrypoint and drops the image cmd", () => {
    expect(resolveArgv({ image, command: ["/bin/sh"] })).toEqual(["/bin/sh"]);
    expect(resolveArgv({ image, command: ["/bin/sh"], args: ["-c", "true"] })).toEqual(["/bin/sh", "-c", "true"]);
  });
  it("fails when there is nothing to run", () => {
    expect(() => resolveArgv({ image: {} })).toThrow(/command: the image has no entrypoint or cmd/);
  });
});

describe("resolveUser", () => {
  it("resolves names, numbers and groups", () => {
    expect(resolveUser("web", users)).toEqual({ uid: 1000, gid: 1001 });
    expect(resolveUser("1000", users)).toEqual({ uid: 1000, gid: 1001 });
    expect(resolveUser("4242", users)).toEqual({ uid: 4242, gid: 0 });
    expect(resolveUser("web:staff", users)).toEqual({ uid: 1000, gid: 50 });
    expect(resolveUser("0:7", users)).toEqual({ uid: 0, gid: 7 });
  });
  it("names the unknown user or group", () => {
    expect(() => resolveUser("nobody", users)).toThrow('user: "nobody": no user "nobody" in the image\'s /etc/passwd');
    expect(() => resolveUser("web:wheel", users)).toThrow(/no group "wheel"/);
  });
});

describe("mergeEnv", () => {
  it("lets later lists override earlier ones and keeps order", () => {
    expect(mergeEnv(["PATH=/bin", "A=1"], ["A=2", "B=3"])).toEqual(["PATH=/bin", "A=2", "B=3"]);
  });
  it("rejects entries without '='", () => {
    expect(() => mergeEnv(["OK=1"], ["BROKEN"])).toThrow('env[0]: "BROKEN" is not NAME=VALUE');
  });
});

describe("buildOciConfig", () => {
  it("builds a complete config from an image and overrides", () => {
    const config = buildOciConfig(
      {
        rootfs: "/var/lib/swarm/tasks/t1/rootfs",
        image: { cmd: ["httpd", "-f"], env: ["PATH=/usr/bin:/bin", "MODE=prod"], workingDir: "/www", user: "web" },
        env: ["MODE=test"],
        hostname: "web-1",
        netnsPath: "/run/netns/task-1",
        mounts: [{ source: "/srv/data", target: "/data", readonly: true }],
        resources: { memoryBytes: 64 << 20, nanoCpus: 200_000_000, cpuShares: 512, pidsLimit: 100 },
      },
      users,
    );
    expect(config.process).toMatchObject({
      terminal: false,
      args: ["httpd", "-f"],
      env: ["PATH=/usr/bin:/bin", "HOSTNAME=web-1", "MODE=test"],
      cwd: "/www",
      user: { uid: 1000, gid: 1001 },
      noNewPrivileges: true,
    });
    expect(config.process.capabilities?.bounding).toEqual(DEFAULT_CAPABILITIES);
    expect(DEFAULT_CAPABILITIES).toHaveLength(14);
    expect(config.root).toEqual({ path: "/var/lib/swarm/tasks/t1/rootfs", readonly: false });
    expect(config.hostname).toBe("web-1");
    expect(config.linux?.namespaces).toContainEqual({ type: "network", path: "/run/netns/task-1" });
    expect(config.linux?.namespaces?.map((n) => n.type).sort()).toEqual(["cgroup", "ipc", "mount", "network", "pid", "uts"]);
    expect(config.linux?.resources).toEqual({
      memory: { limit: 64 << 20, swap: 64 << 20 },
      cpu: { quota: 20_000, period: 100_000, shares: 512 },
      pids: { limit: 100 },
      devices: [{ allow: false, access: "rwm" }],
    });
    expect(config.mounts).toContainEqual({ destination: "/data", type: "bind", source: "/srv/data", options: ["rbind", "ro"] });
    expect(config.linux?.maskedPaths).toContain("/proc/kcore");
    expect(config.annotations).toBeUndefined();
  });

  it("creates a new network namespace when no path is given, and can turn init off", () => {
    const config = buildOciConfig({ rootfs: "/r", command: ["true"], init: false });
    expect(config.linux?.namespaces).toContainEqual({ type: "network" });
    expect(config.annotations).toEqual({ "org.swarm.init": "false" });
    expect(config.process.user).toEqual({ uid: 0, gid: 0 });
  });

  it("limits pids by default and masks what Docker masks", () => {
    expect(DEFAULT_PIDS_LIMIT).toBe(4096);
    for (const resources of [undefined, {}, { pidsLimit: 0 }, { memoryBytes: 64 << 20 }]) {
      expect(buildOciConfig({ rootfs: "/r", command: ["true"], resources }).linux?.resources?.pids).toEqual({ limit: 4096 });
    }
    expect(buildOciConfig({ rootfs: "/r", command: ["true"], resources: { pidsLimit: 10_000 } }).linux?.resources?.pids).toEqual({ limit: 10_000 });
    const masked = buildOciConfig({ rootfs: "/r", command: ["true"] }).linux?.maskedPaths;
    expect(masked).toEqual(expect.arrayContaining(["/sys/devices/virtual/powercap", "/proc/interrupts", "/proc/kcore", "/sys/firmware"]));
  });

  it("rejects bad values naming the field", () => {
    const bad = (input: Parameters<typeof buildOciConfig>[0], message: RegExp): void => {
      let caught: unknown;
      try {
        buildOciConfig(input, users);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(InvalidContainerSpecError);
      expect((caught as Error).message).toMatch(message);
    };
    bad({ rootfs: "rel/path", command: ["true"] }, /^rootfs: "rel\/path" is not an absolute path/);
    bad({ rootfs: "/r", command: ["true"], workdir: "tmp" }, /^workdir: "tmp"/);
    bad({ rootfs: "/r", command: ["true"], hostname: "bad host" }, /^hostname: "bad host" is not a valid host name/);
    bad({ rootfs: "/r", command: ["true"], resources: { memoryBytes: 100 } }, /^resources\.memoryBytes: 100/);
    bad({ rootfs: "/r", command: ["true"], resources: { nanoCpus: 5 } }, /^resources\.nanoCpus: 5/);
    bad({ rootfs: "/r", command: ["true"], resources: { pidsLimit: -1 } }, /^resources\.pidsLimit: -1/);
    bad({ rootfs: "/r", command: ["true"], mounts: [{ source: "data", target: "/d" }] }, /^mounts\[0\]: source "data"/);
  });
});
