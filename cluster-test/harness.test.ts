// The netns harness itself (issue 4 acceptance): hosts, reachability, faults, processes, teardown.
import { execFileSync } from "node:child_process";
import { hostname } from "node:os";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { findLeftovers, isClean } from "./lib/cleanup.js";
import { Cluster } from "./lib/cluster.js";
import { blastUdp, probeTcp, serveTcpHostname, serveUdpSink, udpReceived, waitForListening } from "./lib/probes.js";
import { procState, readProcStat } from "./lib/procs.js";
import { harnessForwardRules, harnessLinks, harnessNetns } from "./lib/system.js";
import { uniqueClusterName, withCluster } from "./lib/with-cluster.js";

const PORT = 7000;
/** Connect timeout where the connection is expected to hang (a partition, a frozen process). */
const CUT = 700;

/** Every host serves its hostname on PORT. */
async function serveEverywhere(c: Cluster): Promise<void> {
  await Promise.all(c.hosts.map((h) => serveTcpHostname(h, PORT)));
}

/** Probes `to` from `from`; returns "ok:<reply>" or the error code. A success returns as soon as the reply
 *  arrives, so the timeout only costs time where a drop is expected: pass {@link CUT} there. */
async function reach(c: Cluster, from: string, to: string, timeoutMs = 5_000): Promise<string> {
  const [r] = await probeTcp(c.host(from), [`${c.host(to).ip}:${PORT}`], timeoutMs);
  if (r === undefined) throw new Error("probe returned nothing");
  return r.ok ? `ok:${r.data}` : r.code;
}

/** Connects from the test process (root namespace) over the harness bridge. */
function reachFromRoot(ip: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, ip);
    let data = "";
    s.setTimeout(2_000, () => s.destroy(new Error("timeout")));
    s.on("data", (d: Buffer) => (data += d.toString()));
    s.on("end", () => resolve(data.trim()));
    s.on("error", reject);
  });
}

describe("swarm-cluster harness", () => {
  it("brings up 5 hosts, each with its own IP, hostname, lo, data dir and a failing default route", async () => {
    await withCluster({ hosts: 5 }, async (c) => {
      expect(c.hosts.map((h) => h.name)).toEqual(["h1", "h2", "h3", "h4", "h5"]);
      const ips = new Set<string>();
      for (const h of c.hosts) {
        expect((await h.execOk(["hostname"])).trim()).toBe(h.name);
        const addrs = await h.execOk(["ip", "-4", "-o", "addr", "show"]);
        expect(addrs).toContain(`inet ${h.ip}/24`);
        expect(addrs).toMatch(/lo\s+inet 127\.0\.0\.1\/8/);
        expect(await h.execOk(["ip", "route", "show", "default"])).toMatch(/^unreachable default/);
        expect((await h.execOk(["pwd"])).trim()).toBe(h.dataDir);
        expect((await h.execOk(["sh", "-c", "echo $SWARM_HOST $SWARM_HOST_IP $SWARM_DATA_DIR $SWARM_SOCKET"])).trim()).toBe(
          `${h.name} ${h.ip} ${h.dataDir} ${h.dataDir}/swarmd.sock`,
        );
        ips.add(h.ip);
      }
      expect(ips.size).toBe(5);
      // The machine's own hostname is untouched: each host has its own UTS namespace.
      expect(hostname()).toBe(execFileSync("hostname", { encoding: "utf8" }).trim());
      expect(hostname()).not.toMatch(/^h[0-9]+$/);
    });
  });

  it("every host reaches every other host's TCP server (and the root namespace reaches them over the bridge)", async () => {
    await withCluster({ hosts: 5 }, async (c) => {
      await serveEverywhere(c);
      for (const from of c.hosts) {
        const targets = c.hosts.filter((h) => h.name !== from.name);
        const results = await probeTcp(from, targets.map((t) => `${t.ip}:${PORT}`), 5_000);
        expect(results.map((r) => (r.ok ? r.data : r.code))).toEqual(targets.map((t) => t.name));
      }
      expect(await reachFromRoot(c.host("h3").ip, PORT)).toBe("h3");
    });
  });

  it("a partition makes the pair unreachable both ways, leaves others alone, and heal restores it", async () => {
    await withCluster({ hosts: 3 }, async (c) => {
      await serveEverywhere(c);
      expect(await reach(c, "h1", "h2")).toBe("ok:h2");
      await c.partition(["h1"], ["h2"]);
      expect(c.status().faults).toEqual(["partition h1 <-> h2"]);
      expect(await reach(c, "h1", "h2", CUT)).toBe("TIMEOUT");
      expect(await reach(c, "h2", "h1", CUT)).toBe("TIMEOUT");
      expect(await reach(c, "h1", "h3")).toBe("ok:h3");
      expect(await reach(c, "h3", "h2")).toBe("ok:h2");
      await c.heal();
      expect(c.status().faults).toEqual([]);
      expect(await reach(c, "h1", "h2")).toBe("ok:h2");
      expect(await reach(c, "h2", "h1")).toBe("ok:h1");
    });
  });

  it("isolate cuts one host off from all others", async () => {
    await withCluster({ hosts: 3 }, async (c) => {
      await serveEverywhere(c);
      await c.isolate("h3");
      const fromH3 = await probeTcp(c.host("h3"), [`${c.host("h1").ip}:${PORT}`, `${c.host("h2").ip}:${PORT}`], CUT);
      expect(fromH3.map((r) => (r.ok ? r.data : r.code))).toEqual(["TIMEOUT", "TIMEOUT"]);
      expect(await reach(c, "h1", "h2")).toBe("ok:h2");
    });
  });

  it("a one-way partition drops packets in one direction only", async () => {
    await withCluster({ hosts: 3 }, async (c) => {
      const [h1, h2, h3] = [c.host("h1"), c.host("h2"), c.host("h3")];
      await serveUdpSink(h1, 9000);
      await serveUdpSink(h2, 9000);
      await c.partition(["h1"], ["h2"], { oneWay: true });
      expect(c.status().faults).toEqual(["partition h1 -> h2"]);
      // h1 → h2 is dropped; h3 → h2 (sent after it) arrives, so the sink was there to see h1's.
      expect((await blastUdp(h1, h2.ip, 9000, 200)).errors).toBe(0);
      await blastUdp(h3, h2.ip, 9000, 200);
      const atH2 = await c.waitFor(() => udpReceived(h2, 9000), (r) => r[h3.ip] === 200, { timeoutMs: 5_000, describe: "h3's datagrams at h2" });
      expect(atH2[h1.ip] ?? 0).toBe(0);
      // h2 → h1 still flows.
      await blastUdp(h2, h1.ip, 9000, 200);
      await c.waitFor(() => udpReceived(h1, 9000), (r) => r[h2.ip] === 200, { timeoutMs: 5_000, describe: "h2's datagrams at h1" });
      // A TCP handshake needs both directions, so TCP fails from either side.
      await serveTcpHostname(h1, PORT);
      expect(await reach(c, "h2", "h1", CUT)).toBe("TIMEOUT");
    });
  });

  it("30% loss drops roughly 30% of 1000 UDP datagrams (band 20–40%), and heal removes it", async () => {
    await withCluster({ hosts: 2 }, async (c) => {
      const [h1, h2] = [c.host("h1"), c.host("h2")];
      await serveUdpSink(h2, 9000);
      await c.loss(0.3, { from: ["h1"], to: ["h2"], oneWay: true });
      expect(c.status().faults).toEqual(["loss 30% h1 -> h2"]);
      await blastUdp(h1, h2.ip, 9000, 1000);
      // Poll until the count stops moving (the last datagrams may still be in flight).
      let previous = -1;
      const received = await c.waitFor(
        async () => {
          const now = (await udpReceived(h2, 9000))[h1.ip] ?? 0;
          const stable = now === previous;
          previous = now;
          return stable ? now : undefined;
        },
        (v) => v !== undefined,
        { timeoutMs: 5_000, intervalMs: 50, describe: "the datagram count to settle" },
      );
      const lossRate = 1 - (received ?? 0) / 1000;
      expect(lossRate).toBeGreaterThanOrEqual(0.2);
      expect(lossRate).toBeLessThanOrEqual(0.4);
      await c.heal();
      await serveUdpSink(h2, 9001);
      await blastUdp(h1, h2.ip, 9001, 500);
      await c.waitFor(() => udpReceived(h2, 9001), (r) => r[h1.ip] === 500, { timeoutMs: 5_000, describe: "all 500 datagrams after heal" });
    });
  });

  it("a killed daemon is reported dead and restartable; SIGSTOP/SIGCONT stop and resume it", async () => {
    await withCluster({ hosts: 2 }, async (c) => {
      const h2 = c.host("h2");
      const first = await serveTcpHostname(h2, PORT, "web");
      expect(await reach(c, "h1", "h2")).toBe("ok:h2");

      expect(await h2.stop("web")).toBe("stopped");
      expect(c.status().procs.find((p) => p.name === "web")?.state).toBe("stopped");
      expect(await reach(c, "h1", "h2", CUT)).toBe("TIMEOUT"); // the kernel accepts, the frozen process never answers
      expect(await h2.cont("web")).toBe("running");
      expect(await reach(c, "h1", "h2")).toBe("ok:h2");

      expect(await h2.kill("web")).toBe("dead");
      expect(c.status().procs.find((p) => p.name === "web")).toMatchObject({ state: "dead", pid: first.pid });
      await c.waitFor(() => c.exitOf("h2", "web"), { timeoutMs: 2_000, describe: "the exit of h2/web" });
      expect(c.exitOf("h2", "web")).toEqual({ code: null, signal: "SIGKILL" });
      expect(await reach(c, "h1", "h2")).toBe("ECONNREFUSED");
      // Another process (the CLI) sees the same through the state file.
      expect(Cluster.attach(c.name).procState("h2", "web")).toBe("dead");

      const second = await h2.restart("web");
      expect(second.pid).not.toBe(first.pid);
      await waitForListening(h2, "web", PORT);
      expect(h2.state("web")).toBe("running");
      expect(await reach(c, "h1", "h2")).toBe("ok:h2");
      expect(h2.tail("web")).toMatch(/start .*\n.*listening 7000\n.*start .*\n.*listening 7000/s);
    });
  });

  it("freeze hangs every process of a host at once (the cgroup freezer), thaw resumes them", async () => {
    await withCluster({ hosts: 2 }, async (c) => {
      const h2 = c.host("h2");
      await serveTcpHostname(h2, PORT, "web");
      await serveTcpHostname(h2, PORT + 1, "web2");
      await c.freeze("h2");
      expect(c.status().frozen).toEqual(["h2"]);
      const frozen = await probeTcp(c.host("h1"), [`${h2.ip}:${PORT}`, `${h2.ip}:${PORT + 1}`], CUT);
      expect(frozen.map((r) => (r.ok ? r.data : r.code))).toEqual(["TIMEOUT", "TIMEOUT"]);
      await c.thaw("h2");
      expect(c.status().frozen).toEqual([]);
      const thawed = await probeTcp(c.host("h1"), [`${h2.ip}:${PORT}`, `${h2.ip}:${PORT + 1}`], 5_000);
      expect(thawed.map((r) => (r.ok ? r.data : r.code))).toEqual(["h2", "h2"]);
      await c.freeze("h2"); // down must still stop a frozen host cleanly
    });
  });

  it("crash kills every process of a host at once, orphans included; the daemon restarts on the same data", async () => {
    await withCluster({ hosts: 2 }, async (c) => {
      const h2 = c.host("h2");
      await serveTcpHostname(h2, PORT, "web");
      await h2.execOk(["sh", "-c", `echo kept > ${h2.dataDir}/marker`]);
      const orphan = Number((await h2.execOk(["sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!"])).trim());
      const orphanStart = readProcStat(orphan)?.startTime ?? NaN;
      expect(procState(orphan, orphanStart)).toBe("running");
      await c.crash("h2");
      expect(h2.state("web")).toBe("dead");
      expect(procState(orphan, orphanStart)).toBe("dead"); // gone, or a zombie waiting for its reaper
      expect(await reach(c, "h1", "h2")).toBe("ECONNREFUSED");
      await h2.restart("web");
      await waitForListening(h2, "web", PORT);
      expect(await reach(c, "h1", "h2")).toBe("ok:h2");
      expect((await h2.execOk(["cat", `${h2.dataDir}/marker`])).trim()).toBe("kept");
    });
  });

  it("connecting outside the test subnet fails at once inside a host (no traffic leaves the machine)", async () => {
    await withCluster({ hosts: 1 }, async (c) => {
      expect(await c.host("h1").execOk(["ip", "-6", "route", "show", "default"])).toMatch(/^unreachable default/);
      const results = await probeTcp(c.host("h1"), ["192.0.2.1:80", "8.8.8.8:53", "[2001:db8::1]:80"], 2_000);
      expect(results).toHaveLength(3);
      for (const x of results) {
        expect(x).toMatchObject({ ok: false, code: expect.stringMatching(/^(ENETUNREACH|EHOSTUNREACH)$/) as unknown });
        expect(x.ms, x.target).toBeLessThan(100);
      }
      const udp = await blastUdp(c.host("h1"), "192.0.2.1", 53, 3);
      expect(udp).toMatchObject({ errors: 3, firstError: expect.stringMatching(/^(ENETUNREACH|EHOSTUNREACH)$/) as unknown });
    });
    // The `blackhole` route type also fails at once (with EINVAL).
    await withCluster({ hosts: 1, defaultRoute: "blackhole" }, async (c) => {
      const [r] = await probeTcp(c.host("h1"), ["192.0.2.1:80"], 2_000);
      expect(r).toMatchObject({ ok: false, code: "EINVAL" });
      expect(r?.ms).toBeLessThan(100);
    });
  });

  it("two clusters run side by side on different subnets", async () => {
    await withCluster({ hosts: 2 }, async (a) => {
      await withCluster({ hosts: 2 }, async (b) => {
        expect(a.state.subnet).not.toBe(b.state.subnet);
        expect(a.state.bridge).not.toBe(b.state.bridge);
        await serveEverywhere(a);
        await serveEverywhere(b);
        expect(await reach(a, "h1", "h2")).toBe("ok:h2");
        expect(await reach(b, "h2", "h1")).toBe("ok:h1");
        // b's hosts have no route to a's subnet.
        const [cross] = await probeTcp(b.host("h1"), [`${a.host("h2").ip}:${PORT}`], 2_000);
        expect(cross).toMatchObject({ ok: false, code: "EHOSTUNREACH" });
      });
    });
  });

  it("withCluster appends every process's log tail to a failure and still tears everything down", async () => {
    let name = "";
    const err: unknown = await withCluster({ hosts: 1 }, async (c) => {
      name = c.name;
      await c.host("h1").start(["sh", "-c", "echo hello from h1; exec sleep 60"], { name: "chatty" });
      await c.waitFor(() => c.host("h1").tail("chatty"), (t) => t.includes("hello from h1"), { timeoutMs: 5_000 });
      throw new Error("scenario failed");
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message.startsWith(`scenario failed\n\nlogs of cluster ${name}:\n--- h1/chatty (`)).toBe(true);
    expect(message).toMatch(/chatty\.log\) ---\n.*hello from h1/s);
    expect(isClean(await findLeftovers(name))).toBe(true);
  });

  it("down leaves nothing behind: no netns, links, FORWARD rules, cgroups, mounts, processes", async () => {
    const name = uniqueClusterName();
    const c = await Cluster.up({ name, hosts: 3 });
    await serveEverywhere(c);
    const pids = c.status().procs.map((p) => p.pid);
    expect(harnessNetns(name)).toHaveLength(3);
    expect(harnessLinks(name)).toHaveLength(4); // bridge + 3 veth ends
    expect(await harnessForwardRules(name)).toHaveLength(1);
    expect(isClean(await findLeftovers(name))).toBe(false);

    const report = await c.down();
    expect(report.errors).toEqual([]);
    expect(await findLeftovers(name)).toEqual({ netns: [], links: [], forwardRules: [], mounts: [], cgroups: [], stateDirs: [], pids: [] });
    expect(execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" })).not.toContain(`swt-${name}-`);
    expect(execFileSync("iptables", ["-S"], { encoding: "utf8" })).not.toContain(`swt:${name}:`);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    // A second down is harmless.
    expect((await c.down()).errors).toEqual([]);
  });
});
