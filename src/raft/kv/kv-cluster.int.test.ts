import { describe, it, expect, afterAll, beforeAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkOperations, kvModel, HistoryRecorder, type KvInput, type KvOutput } from "../../lincheck/index.js";
import { KvClusterHarness, waitUntil } from "./testing/cluster-harness.js";
import { KvClient } from "./client.js";

const base = mkdtempSync(join(tmpdir(), "swarm-kv-cluster-"));
let cluster: KvClusterHarness;

beforeAll(async () => {
  cluster = await KvClusterHarness.start({ size: 3, baseDir: base, tickMs: 50, electionTicks: 10 });
});

afterAll(async () => {
  await cluster.stop();
  rmSync(base, { recursive: true, force: true });
});

describe("KV on a 3-process Raft cluster (loopback)", () => {
  it("serves puts, gets and deletes on any member, and rejects a bad key clearly", async () => {
    const [a, b, c] = cluster.members.map((m) => m.client) as [KvClient, KvClient, KvClient];
    const w = await a.put("greeting", Buffer.from("hello"));
    expect(w.existed).toBe(false);
    expect((await b.get("greeting"))?.toString()).toBe("hello");
    expect((await c.get("greeting"))?.toString()).toBe("hello");
    const d = await c.delete("greeting");
    expect(d.existed).toBe(true);
    expect(d.revision).toBeGreaterThan(w.revision);
    expect(await a.get("greeting")).toBeNull();
    await expect(a.put("", Buffer.from("x"))).rejects.toThrow(/INVALID_ARGUMENT.*kv\.key: 0 bytes/);
  });

  it("stays linearizable and loses no acknowledged write while leaders are SIGKILLed and restarted under load", { timeout: process.env.SOAK === "1" ? 900_000 : 120_000 }, async () => {
    const rec = new HistoryRecorder<KvInput, KvOutput>();
    const keys = ["x", "y", "z"];
    const acked: { key: string; value: string }[] = [];
    let stop = false;
    let errors = 0;
    const clients = Array.from({ length: 8 }, (_, c) => {
      return (async () => {
        let member = c % 3;
        for (let n = 0; !stop; n++) {
          const client = (cluster.members[member] as { client: KvClient }).client;
          const key = keys[(c + n) % keys.length] as string;
          if ((n + c) % 2 === 0) {
            const value = `c${c}-${n}`;
            const h = rec.invoke(c, { op: "put", key, value });
            try {
              await client.put(key, Buffer.from(value), 2000);
              rec.complete(h, { value: null });
              acked.push({ key, value });
            } catch {
              errors++; // outcome unknown: stays open (return = ∞)
              member = (member + 1) % 3;
            }
          } else {
            const h = rec.invoke(c, { op: "get", key });
            try {
              const v = await client.get(key, { timeoutMs: 2000 });
              rec.complete(h, { value: v === null ? null : v.toString() });
            } catch {
              rec.complete(h, { unknown: true }); // a failed read has no effect
              errors++;
              member = (member + 1) % 3;
            }
          }
        }
      })();
    });
    const failovers: number[] = [];
    const rounds = process.env.SOAK === "1" ? 10 : 2; // SOAK=1: ten leader kills
    for (let round = 0; round < rounds; round++) {
      await waitUntil("writes flowing", () => (acked.length > (round + 1) * 150 ? true : undefined), 20_000);
      const leader = await cluster.waitForLeader();
      const killedAt = Date.now();
      await cluster.kill(leader, "SIGKILL");
      await cluster.waitForLeader(20_000, leader);
      failovers.push(Date.now() - killedAt);
      await cluster.restart(leader);
    }
    const before = acked.length;
    await waitUntil("writes after the restarts", () => (acked.length > before + 100 ? true : undefined), 20_000);
    stop = true;
    await Promise.all(clients);

    // Every acknowledged write is visible or was overwritten by a later one: checked by the model, with
    // final linearizable reads appended to the history.
    const reader = new KvClient(cluster.members[0]?.clientAddr as string);
    for (const key of keys) {
      const h = rec.invoke(99, { op: "get", key });
      const v = await waitUntil(`final read of ${key}`, async () => ({ v: await reader.get(key, { timeoutMs: 2000 }) }));
      rec.complete(h, { value: v.v === null ? null : v.v.toString() });
    }
    reader.close();
    const history = rec.history({ unknown: true });
    const res = checkOperations(kvModel, history, { timeoutMs: 60_000 });
    expect(res.failure?.explanation ?? "").toBe("");
    expect(res.verdict).toBe("ok");
    expect(acked.length).toBeGreaterThan(400);
    expect(res.partitions).toBe(3);
    // sanity: the cluster healed — all three members answer and agree on the leader
    // (a restarted member's client channel may still be in reconnect back-off: poll)
    const leaders = await waitUntil("all members answering with one leader", async () => {
      const st = await Promise.all(cluster.members.map((m) => m.client.status()));
      const set = new Set(st.map((s) => s.leader));
      return set.size === 1 && !set.has(0) ? set : undefined;
    });
    expect(leaders.size).toBe(1);
    console.log(`kv cluster: ${history.length} ops, ${acked.length} acked writes, ${errors} errors, failovers ${failovers.join(", ")} ms, ${res.steps} search steps`);
  });
});
