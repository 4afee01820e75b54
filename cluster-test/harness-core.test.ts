// Pure parts of the harness: names, subnets, fault rules, option resolution, /proc parsing, waitFor.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeFault, faultRules, validateFault, type Fault } from "./lib/faults.js";
import { IFNAME_MAX, MAX_HOSTS, clusterNames, clusterOfObject, hostIndex, validateClusterName } from "./lib/names.js";
import { parseProcStat } from "./lib/procs.js";
import { planCluster, resolveUpOptions } from "./lib/provision.js";
import { bridgeAddress, hostAddress, hostCapacity, parseSubnet, subnetContains } from "./lib/subnet.js";
import { splitRuleLine } from "./lib/system.js";
import { WaitTimeoutError, waitFor } from "./lib/wait.js";

describe("names", () => {
  it("derives prefixed names that fit the kernel's 15-character interface names", () => {
    const n = clusterNames("abcdef");
    expect(n.bridge).toBe("swt-abcdef-br");
    expect(n.netns("h1")).toBe("swt-abcdef-h1");
    expect(n.veth(`h${MAX_HOSTS}`)).toBe("swt-abcdef-200");
    expect(n.veth(`h${MAX_HOSTS}`).length).toBeLessThanOrEqual(IFNAME_MAX);
    expect(n.bridge.length).toBeLessThanOrEqual(IFNAME_MAX);
    expect(n.forwardComment).toBe("swt:abcdef:forward");
  });

  it("rejects cluster and host names that would not fit or would be ambiguous", () => {
    for (const bad of ["", "toolong7", "Dev", "a-b", "1ab", "a b"]) {
      expect(() => validateClusterName(bad), bad).toThrow(/^cluster\.name: .* is not 1–6 characters/);
    }
    expect(() => hostIndex("x1")).toThrow('host: "x1" is not a host name like h1');
    expect(() => hostIndex("h0")).toThrow();
    expect(hostIndex("h42")).toBe(42);
  });

  it("recognizes its own objects (and only those) for cleanup", () => {
    expect(clusterOfObject("swt-dev-h3")).toBe("dev");
    expect(clusterOfObject("swt-dev-br")).toBe("dev");
    expect(clusterOfObject("swt:t1x:forward")).toBe("t1x");
    expect(clusterOfObject("swtdev-h3")).toBeUndefined();
    expect(clusterOfObject("docker0")).toBeUndefined();
    expect(clusterOfObject("swt-toolong1-h1")).toBeUndefined();
  });
});

describe("subnets", () => {
  it("lays out bridge and hosts: .1 for the bridge, h1 = .11", () => {
    const s = parseSubnet("10.213.0.0/24");
    expect(bridgeAddress(s)).toBe("10.213.0.1");
    expect(hostAddress(s, 1)).toBe("10.213.0.11");
    expect(hostAddress(s, 244)).toBe("10.213.0.254");
    expect(hostCapacity(s)).toBe(244);
    expect(() => hostAddress(s, 245)).toThrow("hosts: host 245 does not fit in 10.213.0.0/24 (capacity 244)");
    expect(subnetContains(s, "10.213.0.200")).toBe(true);
    expect(subnetContains(s, "10.213.1.1")).toBe(false);
  });

  it("refuses public, malformed and oddly sized subnets with the value in the message", () => {
    expect(() => parseSubnet("8.8.8.0/24")).toThrow('subnet: "8.8.8.0/24" is not inside a private range');
    expect(() => parseSubnet("10.0.0.1/24")).toThrow("has host bits set");
    expect(() => parseSubnet("10.0.0.0/30")).toThrow("prefix length 30 is not within 16..28");
    expect(() => parseSubnet("10.0.0/24")).toThrow('"10.0.0" is not an IPv4 address');
    expect(() => parseSubnet("banana")).toThrow('subnet: "banana" is not a CIDR');
    expect(parseSubnet("172.20.16.0/20").cidr).toBe("172.20.16.0/20");
  });

  it("picks the first free 10.213.N.0/24 and refuses an explicit subnet that overlaps one in use", () => {
    const taken = [parseSubnet("10.213.0.0/24"), parseSubnet("10.213.1.0/24"), parseSubnet("10.0.0.0/16")];
    expect(resolveUpOptions({ name: "a" }, taken).subnet.cidr).toBe("10.213.2.0/24");
    expect(() => resolveUpOptions({ name: "a", subnet: "10.213.0.0/16" }, taken)).toThrow(
      "subnet: 10.213.0.0/16 overlaps 10.213.0.0/24, already in use on this machine",
    );
    expect(() => resolveUpOptions({ hosts: 0 }, [])).toThrow("hosts: 0 is not an integer within 1..200");
    expect(() => resolveUpOptions({ hosts: 20, subnet: "10.9.9.0/28" }, [])).toThrow("hosts: 20 hosts do not fit in 10.9.9.0/28 (capacity 4)");
  });

  it("plans hosts with distinct addresses, namespaces, data dirs and cgroups", () => {
    const opts = resolveUpOptions({ name: "p", hosts: 3, baseDir: "/tmp/x" }, []);
    const plan = planCluster(opts, "/sys/fs/cgroup/unified");
    expect(plan.hosts.map((h) => [h.name, h.ip, h.netns, h.veth, h.dataDir, h.cgroupDir])).toEqual([
      ["h1", "10.213.0.11", "swt-p-h1", "swt-p-1", "/tmp/x/h1/data", "/sys/fs/cgroup/unified/swt-p-h1"],
      ["h2", "10.213.0.12", "swt-p-h2", "swt-p-2", "/tmp/x/h2/data", "/sys/fs/cgroup/unified/swt-p-h2"],
      ["h3", "10.213.0.13", "swt-p-h3", "swt-p-3", "/tmp/x/h3/data", "/sys/fs/cgroup/unified/swt-p-h3"],
    ]);
    expect(plan.bridgeIp).toBe("10.213.0.1");
  });
});

describe("fault rules", () => {
  const addresses = new Map([
    ["h1", "10.0.0.11"],
    ["h2", "10.0.0.12"],
    ["h3", "10.0.0.13"],
  ]);
  const hosts = [...addresses.keys()];

  it("a symmetric partition drops at both receivers, by source address", () => {
    const rules = faultRules({ type: "partition", from: ["h1"], to: ["h2", "h3"], oneWay: false }, addresses, "swt:c:");
    expect(Object.fromEntries([...rules].map(([h, r]) => [h, r.map((x) => x.join(" "))]))).toEqual({
      h2: ["-A SWT-FAULTS -s 10.0.0.11/32 -m comment --comment swt:c:partition -j DROP"],
      h3: ["-A SWT-FAULTS -s 10.0.0.11/32 -m comment --comment swt:c:partition -j DROP"],
      h1: [
        "-A SWT-FAULTS -s 10.0.0.12/32 -m comment --comment swt:c:partition -j DROP",
        "-A SWT-FAULTS -s 10.0.0.13/32 -m comment --comment swt:c:partition -j DROP",
      ],
    });
  });

  it("a one-way fault touches only the receivers of that direction; loss adds the statistic match", () => {
    const rules = faultRules({ type: "loss", from: ["h1"], to: ["h2"], oneWay: true, probability: 0.3 }, addresses, "swt:c:");
    expect([...rules.keys()]).toEqual(["h2"]);
    expect(rules.get("h2")?.[0]?.join(" ")).toBe(
      "-A SWT-FAULTS -s 10.0.0.11/32 -m statistic --mode random --probability 0.3 -m comment --comment swt:c:loss -j DROP",
    );
  });

  it("loss among all hosts never drops a host's packets to itself", () => {
    const rules = faultRules({ type: "loss", from: hosts, to: hosts, oneWay: true, probability: 0.1 }, addresses, "swt:c:");
    for (const [h, list] of rules) {
      expect(list).toHaveLength(2);
      expect(list.some((r) => r.includes(`${addresses.get(h)}/32`))).toBe(false);
    }
  });

  it("validates hosts, sides and probability", () => {
    const p = (from: string[], to: string[]): Fault => ({ type: "partition", from, to, oneWay: false });
    expect(() => validateFault(p(["h1"], ["h9"]), hosts)).toThrow('partition.to: "h9" is not a host of this cluster (h1, h2, h3)');
    expect(() => validateFault(p([], ["h1"]), hosts)).toThrow("partition.from: is empty");
    expect(() => validateFault(p(["h1", "h2"], ["h2"]), hosts)).toThrow("partition: h2 on both sides of the partition");
    expect(() => validateFault({ type: "loss", from: ["h1"], to: ["h2"], oneWay: true, probability: 0 }, hosts)).toThrow(
      "loss.probability: 0 is not within (0, 1]",
    );
    expect(describeFault({ type: "loss", from: ["h1"], to: ["h2", "h3"], oneWay: false, probability: 0.3 })).toBe("loss 30% h1 <-> h2,h3");
  });
});

describe("parsing the kernel's output", () => {
  it("reads state and start time from /proc/<pid>/stat even when the command name has spaces and parens", () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = "T";
    fields[19] = "123456";
    expect(parseProcStat(`42 (a (weird) name) ${fields.join(" ")}`)).toEqual({ state: "T", startTime: 123456 });
    expect(parseProcStat(readFileSync(`/proc/${process.pid}/stat`, "utf8")).state).toMatch(/^[RS]$/);
  });

  it("splits iptables -S lines, keeping quoted comments whole", () => {
    expect(splitRuleLine('-A FORWARD -i swt-a-br -o swt-a-br -m comment --comment "swt:a:forward" -j ACCEPT')).toEqual([
      "-A", "FORWARD", "-i", "swt-a-br", "-o", "swt-a-br", "-m", "comment", "--comment", "swt:a:forward", "-j", "ACCEPT",
    ]);
  });
});

describe("waitFor", () => {
  it("returns the first accepted value", async () => {
    let n = 0;
    expect(await waitFor(() => ++n, (v) => v >= 3, { intervalMs: 1 })).toBe(3);
  });

  it("on timeout says what it waited for and what it last saw (or what the probe threw)", async () => {
    let n = 0;
    const err = await waitFor(() => ({ ready: 2, want: 5, n: ++n }), (v) => v.ready === v.want, {
      timeoutMs: 30,
      intervalMs: 5,
      describe: "5 nodes ready",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toMatch(/^timed out after 30 ms \([0-9]+ probes\) waiting for 5 nodes ready; last seen: \{ ready: 2, want: 5, n: [0-9]+ \}/);
    await expect(
      waitFor(
        () => {
          throw new Error("connection refused");
        },
        { timeoutMs: 20, intervalMs: 5, describe: "the daemon" },
      ),
    ).rejects.toThrow(/waiting for the daemon; last probe threw: connection refused/);
  });
});
