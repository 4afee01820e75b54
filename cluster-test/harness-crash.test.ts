// The harness from other processes: the CLI, and recovery after a harness process was SIGKILLed.
import { spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./cli.js";
import { cleanup, findLeftovers, isClean } from "./lib/cleanup.js";
import { Cluster } from "./lib/cluster.js";
import { probeTcp, serveTcpHostname } from "./lib/probes.js";
import { procState, readProcStat } from "./lib/procs.js";
import { run, type RunResult } from "./lib/run.js";
import { harnessNetns } from "./lib/system.js";
import { waitFor } from "./lib/wait.js";
import { uniqueClusterName } from "./lib/with-cluster.js";

const root = new URL("..", import.meta.url).pathname;
const cliArgv = [process.execPath, "--import", "tsx", `${root}cluster-test/cli.ts`];
const names: string[] = [];

/** Runs the CLI the way a user does, from its own process. */
function cli(...args: string[]): Promise<RunResult> {
  return run([...cliArgv, ...args], { cwd: root, timeoutMs: 60_000 });
}

/** Runs the CLI in this process (same code path as the binary, minus the process start-up). */
async function cliHere(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(["node", "swarm-cluster", ...args], { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function newName(): string {
  const name = uniqueClusterName();
  names.push(name);
  return name;
}

afterAll(async () => {
  for (const name of names) await cleanup(name);
});

describe("swarm-cluster from other processes", () => {
  it("after SIGKILLing `up` midway, up refuses clearly, cleanup removes everything, and up works again", async () => {
    const name = newName();
    const child = spawn(cliArgv[0] ?? "node", [...cliArgv.slice(1), "up", "--name", name, "--hosts", "40"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    await waitFor(() => harnessNetns(name).length, (n) => n > 0, { timeoutMs: 30_000, intervalMs: 2, describe: `a first netns of ${name}` });
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(stdout).toBe(""); // `up` prints the host table only when it completes: it was killed midway
    expect(harnessNetns(name).length).toBeLessThan(40);
    expect(isClean(await findLeftovers(name))).toBe(false);

    await expect(Cluster.up({ name, hosts: 3 })).rejects.toThrow(new RegExp(`cluster ${name} already exists .*cleanup --name ${name}`));

    const cleaned = await cli("cleanup", "--name", name);
    expect(cleaned).toMatchObject({ code: 0, stderr: "" });
    expect(cleaned.stdout).toContain(`cleaned ${name}:`);
    expect(isClean(await findLeftovers(name))).toBe(true);

    const c = await Cluster.up({ name, hosts: 3 });
    try {
      await serveTcpHostname(c.host("h3"), 7000);
      const [r] = await probeTcp(c.host("h1"), [`${c.host("h3").ip}:7000`], 5_000);
      expect(r).toMatchObject({ ok: true, data: "h3" });
    } finally {
      await c.down();
    }
    expect(isClean(await findLeftovers(name))).toBe(true);
  });

  it("cleanup kills what a crashed harness left running in its hosts, including orphans", async () => {
    const name = newName();
    expect((await cli("up", "--name", name, "--hosts", "2")).code).toBe(0);
    const started = await cli("start", "--name", name, "--proc", "sleeper", "h1", "sleep", "600");
    expect(started).toMatchObject({ code: 0, stdout: expect.stringMatching(/^h1\/sleeper pid [0-9]+ log /) as unknown });
    // An orphan: its parent shell exits at once, so nobody tracks it but its netns and cgroup.
    const orphan = await cli("exec", "--name", name, "h2", "sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!");
    const orphanPid = Number(orphan.stdout.trim());
    expect(orphanPid).toBeGreaterThan(1);
    const sleeper = Cluster.attach(name).proc("h1", "sleeper");
    expect(procState(sleeper.pid, sleeper.startTime)).toBe("running");
    const orphanStart = readProcStat(orphanPid)?.startTime ?? NaN;
    expect(procState(orphanPid, orphanStart)).toBe("running");

    // No `down`: the harness "crashed". cleanup finds both by namespace/cgroup.
    const report = await cleanup(name);
    expect(report.errors).toEqual([]);
    expect(report.pids).toEqual(expect.arrayContaining([sleeper.pid, orphanPid]));
    expect(procState(sleeper.pid, sleeper.startTime)).toBe("dead");
    expect(procState(orphanPid, orphanStart)).toBe("dead");
    expect(isClean(await findLeftovers(name))).toBe(true);
  });

  it("the CLI drives a cluster another process owns: status, exec exit codes, partition, heal, kill, restart, logs, down", async () => {
    const name = newName();
    const c = await Cluster.up({ name, hosts: 3 });
    try {
      await serveTcpHostname(c.host("h2"), 7000, "web");
      const status = await cli("status", "--name", name, "--json");
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ name, hosts: [{ name: "h1" }, { name: "h2" }, { name: "h3" }], procs: [{ host: "h2", name: "web", state: "running" }] });

      expect(await cliHere("exec", "--name", name, "h3", "sh", "-c", "hostname; exit 7")).toMatchObject({ code: 7, stdout: "h3\n" });

      // Three CLI processes changing the state at once: the state lock keeps every record.
      const starts = await Promise.all(["s1", "s2", "s3"].map((p) => cli("start", "--name", name, "--proc", p, "h1", "sleep", "600")));
      expect(starts.map((r) => r.code)).toEqual([0, 0, 0]);
      expect(c.status().procs.filter((p) => p.state === "running").map((p) => p.name).sort()).toEqual(["s1", "s2", "s3", "web"]);

      expect(await cliHere("partition", "--name", name, "--one-way", "h1,h3", "h2")).toMatchObject({ code: 0, stdout: "partition h1,h3 -> h2\n" });
      expect(c.status().faults).toEqual(["partition h1,h3 -> h2"]);
      const [cut] = await probeTcp(c.host("h1"), [`${c.host("h2").ip}:7000`], 700);
      expect(cut).toMatchObject({ ok: false, code: "TIMEOUT" });
      expect((await cliHere("heal", "--name", name)).code).toBe(0);
      expect(c.status().faults).toEqual([]);

      expect(await cli("kill", "--name", name, "--proc", "web", "h2")).toMatchObject({ code: 0, stdout: "h2/web: dead\n" });
      expect(c.procState("h2", "web")).toBe("dead");
      const restarted = await cliHere("restart", "--name", name, "--proc", "web", "h2");
      expect(restarted.stdout).toMatch(/^h2\/web restarted: pid [0-9]+/);
      await waitFor(() => probeTcp(c.host("h1"), [`${c.host("h2").ip}:7000`], 2_000), (r) => r[0]?.ok === true, { timeoutMs: 10_000, describe: "h2/web back after restart" });
      expect((await cliHere("logs", "--name", name, "--proc", "web", "h2")).stdout).toContain("listening 7000");

      expect(await cliHere("down", "--name", name)).toMatchObject({ code: 0, stderr: "" });
      expect(isClean(await findLeftovers(name))).toBe(true);
    } finally {
      await c.down();
    }
  });

  it("the CLI rejects bad input with the field and value, and changes nothing", async () => {
    const name = newName();
    expect(await cliHere("up", "--name", "Bad-Name")).toMatchObject({ code: 1, stderr: expect.stringContaining('cluster.name: "Bad-Name" is not 1–6 characters') as unknown });
    expect(await cliHere("up", "--name", name, "--subnet", "8.8.8.0/24")).toMatchObject({ code: 1, stderr: expect.stringContaining("is not inside a private range") as unknown });
    expect(isClean(await findLeftovers(name))).toBe(true);
    expect(await cliHere("status", "--name", name)).toMatchObject({ code: 1, stderr: expect.stringContaining(`cluster "${name}" is not up`) as unknown });

    expect((await cliHere("up", "--name", name, "--hosts", "2")).code).toBe(0);
    expect(await cliHere("partition", "--name", name, "h1", "h9")).toMatchObject({ code: 1, stderr: expect.stringContaining('partition.to: "h9" is not a host of this cluster (h1, h2)') as unknown });
    expect(await cliHere("partition", "--name", name, "h1,h2", "h2")).toMatchObject({ code: 1, stderr: expect.stringContaining("h2 on both sides") as unknown });
    expect(await cliHere("loss", "--name", name, "150%")).toMatchObject({ code: 1, stderr: expect.stringContaining('probability: "150%" is not within (0, 1]') as unknown });
    expect(await cliHere("kill", "--name", name, "h1")).toMatchObject({ code: 1, stderr: expect.stringContaining('no process "main" was started in h1') as unknown });
    expect(Cluster.attach(name).status().faults).toEqual([]);
    expect((await cliHere("down", "--name", name)).code).toBe(0);
  });
});
