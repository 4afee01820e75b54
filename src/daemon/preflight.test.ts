import { describe, expect, it } from "vitest";
import { preflight, preflightMessage, type HostProbe } from "./preflight.js";

/** A healthy hybrid host (cgroup v1 controllers, as this project's CI machines), with overrides. */
function host(o: Partial<HostProbe> & { files?: readonly string[]; missingTools?: readonly string[] } = {}): HostProbe {
  const files = new Set(o.files ?? ["/sys/fs/cgroup", "/sys/fs/cgroup/pids/cgroup.procs", "/sys/fs/cgroup/memory/cgroup.procs", "/sys/fs/cgroup/cpu/cgroup.procs", "/proc/self/ns/net"]);
  return {
    uid: o.uid ?? 0,
    exists: o.exists ?? ((p) => files.has(p)),
    read: o.read ?? ((p) => (p === "/proc/filesystems" ? "nodev\tsysfs\nnodev\ttmpfs\n\text4\nnodev\toverlay\n" : undefined)),
    isCgroup2: o.isCgroup2 ?? (() => false),
    onPath: o.onPath ?? ((t) => !(o.missingTools ?? []).includes(t)),
    executable: o.executable ?? (() => true),
  };
}

describe("swarmd preflight", () => {
  it("passes on a host with cgroup v1 controllers or cgroup v2", () => {
    expect(preflight(host(), "/opt/swarm-runtime")).toEqual([]);
    expect(preflight(host({ files: ["/proc/self/ns/net"], isCgroup2: (p) => p === "/sys/fs/cgroup" }), "/opt/swarm-runtime")).toEqual([]);
  });

  it("says cgroups are hidden, and why, when /sys/fs/cgroup is empty (ip netns exec)", () => {
    const problems = preflight(host({ files: ["/sys/fs/cgroup", "/proc/self/ns/net"] }), "/opt/swarm-runtime");
    expect(problems).toHaveLength(1);
    expect(preflightMessage(problems)).toContain("no cgroup hierarchy at /sys/fs/cgroup");
    expect(preflightMessage(problems)).toContain("`nsenter --net=/run/netns/NAME`, not `ip netns exec`");
  });

  it("names each missing piece and how to fix it", () => {
    const problems = preflight(
      host({ uid: 1000, read: () => "nodev\tsysfs\n", missingTools: ["ip", "bridge", "nsenter"], executable: () => false }),
      "/opt/swarm-runtime",
    );
    expect(problems.map((p) => p.what)).toEqual([
      "swarmd runs as uid 1000, not root",
      "the kernel has no overlayfs (no 'overlay' in /proc/filesystems)",
      "host tools missing: ip, bridge, nsenter",
      "the container runtime /opt/swarm-runtime is missing or not executable",
    ]);
    expect(problems[2]?.fix).toBe("apt-get install -y iproute2 util-linux");
  });

  it("names the v1 controllers that are missing", () => {
    const problems = preflight(host({ files: ["/sys/fs/cgroup", "/sys/fs/cgroup/pids/cgroup.procs", "/proc/self/ns/net"] }), "/x");
    expect(problems.map((p) => p.what)).toEqual(["cgroup v1 controllers missing at /sys/fs/cgroup: memory, cpu"]);
  });
});
