// swarmd started under `ip netns exec` (which mounts a fresh /sys and so hides /sys/fs/cgroup) refuses
// to start and says why, instead of joining and failing every task (issue [11]).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const NETNS = `swt-pf${process.pid % 100000}`;
const SWARMD = new URL("../../bin/swarmd.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "swarm-preflight-"));

afterAll(() => {
  spawnSync("ip", ["netns", "del", NETNS]);
  rmSync(dir, { recursive: true, force: true });
});

describe("swarmd preflight on a real host", () => {
  it("refuses to start where /sys/fs/cgroup is hidden, naming the fix", () => {
    spawnSync("ip", ["netns", "del", NETNS]);
    execFileSync("ip", ["netns", "add", NETNS]);
    const r = spawnSync("ip", ["netns", "exec", NETNS, process.execPath, SWARMD, "--data-dir", dir, "--advertise-addr", "127.0.0.1", "--log-level", "silent"], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("this host cannot run containers");
    expect(r.stderr).toContain("no cgroup hierarchy at /sys/fs/cgroup");
    expect(r.stderr).toContain("not `ip netns exec`");
  });

  it("passes on this host as the harness runs swarmd (nsenter --net keeps /sys/fs/cgroup)", () => {
    spawnSync("ip", ["netns", "add", NETNS]);
    const r = spawnSync("nsenter", [`--net=/run/netns/${NETNS}`, process.execPath, "-e", `import("${new URL("./preflight.ts", import.meta.url).pathname}").then((m) => console.log(JSON.stringify(m.checkHost())))`], { encoding: "utf8", timeout: 60_000, env: { ...process.env, NODE_OPTIONS: "--import tsx" } });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
