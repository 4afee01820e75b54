// The README story on loopback: five real swarmd processes (127.0.0.1-5), init, join 2 managers and
// 2 workers, node ls, kill -9 the leader, a new leader, the old one rejoins. Uses the built launchers
// (dist/, built by `npm ci`), as a user would.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../..", import.meta.url).pathname;
const base = mkdtempSync(join(tmpdir(), "swarm-story-"));
const PORT = 4577;
const daemons = new Map<number, ChildProcess>();

function startDaemon(i: number): void {
  const child = spawn(process.execPath, [`${root}/bin/swarmd.js`, "--data-dir", `${base}/n${i}`, "--listen-addr", `127.0.0.${i}:${PORT}`, "--advertise-addr", `127.0.0.${i}:${PORT}`], {
    stdio: "ignore",
    env: { ...process.env, SWARM_LOG_LEVEL: "warn" },
  });
  daemons.set(i, child);
}

async function ctl(i: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [`${root}/bin/swarmctl.js`, "--socket", `${base}/n${i}/swarmd.sock`, ...args]);
  return stdout;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${last instanceof Error ? last.message : String(last)}`);
}

const rows = (table: string) => table.trim().split("\n").slice(1);

afterAll(() => {
  for (const d of daemons.values()) d.kill("SIGKILL");
  rmSync(base, { recursive: true, force: true });
});

describe("a five-node swarm on loopback", () => {
  it("init, join, node ls, leader failover and rejoin, promote and demote", async () => {
    expect(existsSync(`${root}/dist/src/daemon/swarmd.js`), "dist/ missing: run `npm run build`").toBe(true);
    for (let i = 1; i <= 5; i++) startDaemon(i);
    await waitFor("daemon sockets", async () => ([1, 2, 3, 4, 5].every((i) => existsSync(`${base}/n${i}/swarmd.sock`)) ? true : undefined));

    const init = await ctl(1, "init", "--advertise-addr", `127.0.0.1:${PORT}`, "--dispatcher-heartbeat", "1s");
    expect(init).toMatch(/Swarm initialized: current node \(\w+\) is now a manager/);
    expect(init).toMatch(new RegExp(`swarmctl join --token SWMTKN-1-\\w+-\\w+ 127.0.0.1:${PORT}`));
    const worker = (await ctl(1, "join-token", "-q", "worker")).trim();
    const manager = (await ctl(1, "join-token", "-q", "manager")).trim();

    // A wrong token is refused with a clear message and leaves the node out of the swarm.
    const wrong = `${worker.slice(0, -5)}zzzzz`;
    await expect(ctl(4, "join", "--token", wrong, `127.0.0.1:${PORT}`)).rejects.toMatchObject({ stderr: expect.stringMatching(/join token is not valid/) as unknown });

    expect(await ctl(2, "join", "--token", manager, `127.0.0.1:${PORT}`)).toMatch(/joined a swarm as a manager/);
    expect(await ctl(3, "join", "--token", manager, `127.0.0.1:${PORT}`)).toMatch(/joined a swarm as a manager/);
    expect(await ctl(4, "join", "--token", worker, `127.0.0.1:${PORT}`)).toMatch(/joined a swarm as a worker/);
    expect(await ctl(5, "join", "--token", worker, `127.0.0.1:${PORT}`)).toMatch(/joined a swarm as a worker/);

    for (const i of [1, 2, 3]) {
      const table = await waitFor(`5 nodes Ready with one Leader on manager ${i}`, async () => {
        const t = await ctl(i, "node", "ls");
        const r = rows(t);
        return r.length === 5 && r.every((l) => / Ready /.test(l)) && r.filter((l) => /Leader$/.test(l)).length === 1 ? t : undefined;
      });
      expect(rows(table).filter((l) => /(Leader|Reachable)$/.test(l))).toHaveLength(3);
      expect(rows(table).filter((l) => l.includes(" * "))).toHaveLength(1);
    }
    await expect(ctl(4, "node", "ls")).rejects.toMatchObject({ stderr: expect.stringMatching(/this node is not a swarm manager/) as unknown });

    // kill -9 the leader: a surviving manager sees a new leader; the old one rejoins as a follower.
    const leaderRow = rows(await ctl(2, "node", "ls")).find((l) => /Leader$/.test(l))!;
    const leaderId = leaderRow.split(/\s+/)[0]!;
    const leaderIndex = await waitFor("the leader's daemon", async () => {
      for (const i of [1, 2, 3]) if ((await ctl(i, "info", "--format", "json")).includes(`"nodeId": "${leaderId}"`)) return i;
      return undefined;
    });
    const killedAt = Date.now();
    daemons.get(leaderIndex)!.kill("SIGKILL");
    const survivor = leaderIndex === 1 ? 2 : 1;
    await waitFor("a new leader", async () => {
      const r = rows(await ctl(survivor, "node", "ls"));
      return r.some((l) => /Leader$/.test(l) && !l.startsWith(leaderId)) ? true : undefined;
    }, 10_000);
    const failoverMs = Date.now() - killedAt;
    console.log(`leader failover seen through swarmctl after ${failoverMs} ms`);
    expect(failoverMs).toBeLessThan(10_000);

    startDaemon(leaderIndex);
    await waitFor("the old leader to rejoin as a follower", async () => {
      const r = rows(await ctl(leaderIndex, "node", "ls"));
      const self = r.find((l) => l.includes(" * "));
      return r.length === 5 && self !== undefined && /Reachable$/.test(self) ? true : undefined;
    });

    // Promote a worker: it renews its certificate, starts a manager and joins Raft; demote it back.
    const w4 = JSON.parse(await ctl(4, "info", "--format", "json")) as { nodeId: string };
    await ctl(survivor, "node", "promote", w4.nodeId);
    await waitFor("node 4 to serve node ls as a Raft member", async () => {
      const self = rows(await ctl(4, "node", "ls")).find((l) => l.includes(" * "));
      return self !== undefined && /(Reachable|Leader)$/.test(self) ? true : undefined;
    });
    const managers = rows(await ctl(survivor, "node", "ls")).filter((l) => /(Leader|Reachable)$/.test(l));
    expect(managers).toHaveLength(4);
    await ctl(survivor, "node", "demote", w4.nodeId);
    await waitFor("node 4 to be a worker again", async () => {
      const r = rows(await ctl(survivor, "node", "ls"));
      const line = r.find((l) => l.startsWith(w4.nodeId));
      return line !== undefined && !/(Leader|Reachable)$/.test(line) ? true : undefined;
    });
    await waitFor("node 4 to refuse the control API", async () => {
      try {
        await ctl(4, "node", "ls");
        return undefined;
      } catch (err) {
        return /this node is not a swarm manager/.test(String((err as { stderr?: string }).stderr)) ? true : undefined;
      }
    });
  });
});
