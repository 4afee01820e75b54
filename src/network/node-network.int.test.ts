// Integration test of the task network of one node (root): a throw-away host netns (entered with
// `nsenter --net` as the harness does, not `ip netns exec`, whose private mounts would hide the task
// netns it makes from everyone else; blackhole default
// route, nothing reaches outside), the node's bridge in it, and task netns attached in one batch: each
// gets eth0 with its address and MAC, lo up, a default route, and reaches the gateway and the other
// tasks over the bridge; a bad task in the batch fails alone and leaves nothing; detach removes all.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vethName } from "./node-network.js";

const HOST = `swt-nn-${process.pid.toString(36)}`;
const SCRIPT = fileURLToPath(new URL("./testing/attach-in-host.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const prefix = `swnn${process.pid.toString(36)}`;
const task = (i: number): string => `${prefix}-t${String(i)}`;

function inHost(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("nsenter", [`--net=/run/netns/${HOST}`, "--", ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function attachInHost(wants: readonly { name: string; cidr: string; gateway: string }[], detach: boolean): string[] {
  const r = inHost([TSX, SCRIPT, JSON.stringify(wants), detach ? "detach" : "keep"]);
  if (r.status !== 0) throw new Error(`attach script exit ${String(r.status)}: ${r.stderr}`);
  return r.stdout.trim().split("\n");
}

function taskNetns(): string[] {
  return inHost(["ip", "netns", "list"]).stdout.split("\n").map((l) => l.split(" ")[0] ?? "").filter((n) => n.startsWith(prefix));
}

function removeLeftovers(): void {
  for (const n of execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((l) => l.split(" ")[0] ?? "")) {
    if (n.startsWith(prefix)) spawnSync("ip", ["netns", "del", n]);
  }
}

beforeAll(() => {
  execFileSync("ip", ["netns", "add", HOST]);
  execFileSync("ip", ["-n", HOST, "link", "set", "lo", "up"]);
  execFileSync("ip", ["-n", HOST, "route", "add", "blackhole", "default"]);
});

afterAll(() => {
  removeLeftovers();
  spawnSync("ip", ["netns", "del", HOST]);
});

describe("NodeNetwork attach/detach (batched)", () => {
  it("attaches many tasks in one batch; each is configured and reachable; detach removes everything", () => {
    const wants = [1, 2, 3, 4, 5, 6].map((i) => ({ name: task(i), cidr: `10.254.7.${String(10 + i)}/24`, gateway: "10.254.7.1" }));
    const lines = attachInHost(wants, false).map((l) => JSON.parse(l) as { name: string; ok: boolean; err?: string; address?: string });
    expect(lines.map((l) => [l.name, l.ok, l.err])).toEqual(wants.map((w) => [w.name, true, undefined]));
    expect(lines.map((l) => l.address)).toEqual(wants.map((w) => w.cidr.split("/")[0]));
    for (const w of wants) {
      const link = JSON.parse(inHost(["ip", "-n", w.name, "-j", "addr", "show"]).stdout) as { ifname: string; operstate: string; flags: string[]; address: string; addr_info: { family: string; local: string; prefixlen: number }[] }[];
      const eth0 = link.find((l) => l.ifname === "eth0");
      const lo = link.find((l) => l.ifname === "lo");
      expect(lo?.flags).toContain("UP");
      expect(eth0?.flags).toContain("UP");
      expect(eth0?.address).toBe(`02:42:0a:fe:07:${Number(w.cidr.split("/")[0]?.split(".")[3]).toString(16).padStart(2, "0")}`);
      expect(eth0?.addr_info.filter((a) => a.family === "inet").map((a) => `${a.local}/${String(a.prefixlen)}`)).toEqual([w.cidr]);
      expect(inHost(["ip", "-n", w.name, "route", "show", "default"]).stdout.trim()).toBe("default via 10.254.7.1 dev eth0");
      expect(inHost(["ip", "-j", "link", "show", vethName(w.name)]).stdout).toContain('"master":"swbr0"');
    }
    // Over the bridge: task 1 → gateway, task 1 → task 6.
    for (const target of ["10.254.7.1", "10.254.7.16"]) {
      const ping = inHost(["ip", "netns", "exec", task(1), "busybox", "ping", "-c", "1", "-W", "3", target]);
      expect(ping.status, `${target}: ${ping.stdout}${ping.stderr}`).toBe(0);
    }
    // A new script process (its own NodeNetwork) finds them as leftovers and replaces them, then detaches all.
    const again = attachInHost(wants, true);
    expect(JSON.parse(again.at(-1) ?? "{}")).toEqual({ detached: wants.map((w) => w.name).sort(), errors: [] });
    expect(taskNetns()).toEqual([]);
    for (const w of wants) expect(inHost(["ip", "link", "show", vethName(w.name)]).status).not.toBe(0);
  });

  it("a task that cannot be configured fails alone, with a clear error, and leaves no netns or veth", () => {
    const wants = [
      { name: task(11), cidr: "10.254.7.21/24", gateway: "10.254.7.1" },
      { name: task(12), cidr: "10.254.7.22/24", gateway: "10.99.0.1" }, // gateway off the subnet: the route add fails inside the netns
      { name: task(13), cidr: "10.254.7.300/24", gateway: "10.254.7.1" }, // not an address
      { name: task(14), cidr: "10.254.7.24/24", gateway: "10.254.7.1" },
    ];
    const lines = attachInHost(wants, false).map((l) => JSON.parse(l) as { name: string; ok: boolean; err?: string });
    expect(lines.map((l) => [l.name, l.ok])).toEqual([
      [task(11), true],
      [task(12), false],
      [task(13), false],
      [task(14), true],
    ]);
    expect(lines[1]?.err).toMatch(/add default route via 10\.99\.0\.1/);
    expect(lines[2]?.err).toMatch(/10\.254\.7\.300/);
    expect(taskNetns().filter((n) => wants.some((w) => w.name === n)).sort()).toEqual([task(11), task(14)]);
    for (const i of [12, 13]) expect(inHost(["ip", "link", "show", vethName(task(i))]).status).not.toBe(0);
    expect(existsSync(`/run/netns/${task(12)}`)).toBe(false);
    const done = attachInHost([], false);
    expect(done).toEqual([""]);
  });
});
