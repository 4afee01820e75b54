/**
 * In-process Raft members over the KV state machine on loopback, for tests of the server and of the
 * components built on it: free addresses, start/stop with bookkeeping, and a polling wait.
 */
import { createServer } from "node:net";
import { KvStateMachine, type KvApplyResult } from "../../kv/state-machine.js";
import { RaftServer } from "../server.js";
import type { RaftServerOptions } from "../options.js";

/** A loopback "127.0.0.1:port" that was free a moment ago. */
export async function freeAddr(): Promise<string> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(`127.0.0.1:${typeof a === "object" && a !== null ? a.port : 0}`));
    });
  });
}

/** Polls `probe` until it returns a truthy value; throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One running member. */
export interface KvMember {
  readonly id: number;
  readonly dir: string;
  readonly sm: KvStateMachine;
  readonly server: RaftServer<KvApplyResult>;
}

/** Starts and stops members, remembering the running ones for `stopAll` (call it in afterEach). */
export class KvMembers {
  private readonly running = new Set<KvMember>();

  /** Starts member `id` listening on `peers.get(id)` (30 ms ticks unless overridden). */
  async start(id: number, dir: string, peers: Map<number, string>, extra: Partial<Omit<RaftServerOptions<KvApplyResult>, "id" | "dataDir" | "listen" | "peers" | "stateMachine">> = {}): Promise<KvMember> {
    const sm = new KvStateMachine();
    const server = await RaftServer.start({ id, dataDir: dir, listen: peers.get(id)!, peers, stateMachine: sm, tickMs: 30, ...extra });
    const m = { id, dir, sm, server };
    this.running.add(m);
    return m;
  }

  /** Stops one member. */
  async stop(m: KvMember): Promise<void> {
    await m.server.stop();
    this.running.delete(m);
  }

  /** Stops every running member. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((m) => m.server.stop()));
    this.running.clear();
  }
}
