/**
 * Runs KV members as real processes on loopback (one 127.0.4.x address per member) for tests and the
 * benchmark: start, SIGKILL, restart, find the leader, stop. Data dirs live under `baseDir`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KvClient } from "../client.js";
import { errorMessage } from "../../../lib/errors.js";

const MEMBER_SCRIPT = fileURLToPath(new URL("../member.ts", import.meta.url));

/** One member process. */
export interface MemberProcess {
  readonly id: number;
  readonly raftAddr: string;
  readonly clientAddr: string;
  readonly dataDir: string;
  proc: ChildProcess | null;
  client: KvClient;
}

/** Options of {@link KvClusterHarness.start}. */
export interface HarnessOptions {
  readonly size: number;
  readonly baseDir: string;
  /** Third octet of the 127.0.x.y addresses (default 4). */
  readonly subnet?: number;
  readonly tickMs?: number;
  readonly electionTicks?: number;
  /** Extra environment for members (e.g. SWARM_LOG_LEVEL). */
  readonly env?: Record<string, string>;
  /** Extra node flags for members (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, host, () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value, or throws naming `what` after `timeoutMs`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = undefined;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last !== undefined ? ` (last error: ${errorMessage(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A cluster of KV member processes. */
export class KvClusterHarness {
  private constructor(
    readonly members: MemberProcess[],
    private readonly opts: HarnessOptions,
    private readonly peersArg: string,
  ) {}

  /** Starts `size` members bootstrapping a new cluster and waits until a leader is elected. */
  static async start(opts: HarnessOptions): Promise<KvClusterHarness> {
    const subnet = opts.subnet ?? 4;
    const members: MemberProcess[] = [];
    for (let id = 1; id <= opts.size; id++) {
      const host = `127.0.${subnet}.${id}`;
      const raftAddr = `${host}:${await freePort(host)}`;
      const clientAddr = `${host}:${await freePort(host)}`;
      members.push({ id, raftAddr, clientAddr, dataDir: join(opts.baseDir, `member-${id}`), proc: null, client: new KvClient(clientAddr) });
    }
    const peersArg = members.map((m) => `${m.id}=${m.raftAddr}`).join(",");
    const h = new KvClusterHarness(members, opts, peersArg);
    await Promise.all(members.map((m) => h.launch(m)));
    await h.waitForLeader();
    return h;
  }

  private member(id: number): MemberProcess {
    const m = this.members.find((x) => x.id === id);
    if (m === undefined) throw new Error(`no member ${id}`);
    return m;
  }

  private async launch(m: MemberProcess): Promise<void> {
    const args = [...(this.opts.nodeArgs ?? []), "--import", "tsx", MEMBER_SCRIPT, "--id", String(m.id), "--peers", this.peersArg, "--client", m.clientAddr, "--data-dir", m.dataDir, "--bootstrap"];
    if (this.opts.tickMs !== undefined) args.push("--tick-ms", String(this.opts.tickMs));
    if (this.opts.electionTicks !== undefined) args.push("--election-ticks", String(this.opts.electionTicks));
    const proc = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SWARM_LOG_LEVEL: "warn", ...this.opts.env },
    });
    m.proc = proc;
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => {
      if (process.env.SWARM_HARNESS_ECHO !== undefined) process.stderr.write(d);
      stderr = (stderr + d.toString()).slice(-4000);
    });
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`member ${m.id} not ready in 30 s; stderr: ${stderr}`)), 30_000);
      proc.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes('"ready":true')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.on("exit", (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`member ${m.id} exited (${code ?? sig}) before ready; stderr: ${stderr}`));
      });
    });
    proc.removeAllListeners("exit");
  }

  /** Waits until the running members agree on a leader; returns its id. */
  async waitForLeader(timeoutMs = 20_000, exclude = 0): Promise<number> {
    return waitUntil(
      "a leader",
      async () => {
        const alive = this.members.filter((m) => m.proc !== null);
        const st = await Promise.all(alive.map((m) => m.client.status(1000).catch(() => null)));
        const leaders = new Set(st.map((s) => s?.leader ?? 0));
        const [l] = [...leaders];
        if (leaders.size !== 1 || l === undefined || l === 0 || l === exclude) return undefined;
        return alive.some((m) => m.id === l) ? l : undefined;
      },
      timeoutMs,
    );
  }

  /** Sends a signal to a member and waits for the process to exit. */
  async kill(id: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const m = this.member(id);
    const proc = m.proc;
    if (proc === null) return;
    m.proc = null;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once("exit", () => resolve());
      proc.kill(signal);
    });
  }

  /** Restarts a stopped member on its data dir. */
  async restart(id: number): Promise<void> {
    await this.launch(this.member(id));
  }

  /** Stops every member (SIGTERM, then SIGKILL after 5 s) and closes clients. */
  async stop(): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        const proc = m.proc;
        m.client.close();
        if (proc === null) return;
        m.proc = null;
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => proc.kill("SIGKILL"), 5000);
          proc.once("exit", () => {
            clearTimeout(t);
            resolve();
          });
          proc.kill("SIGTERM");
        });
      }),
    );
  }
}
