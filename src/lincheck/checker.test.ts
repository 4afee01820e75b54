import { describe, it, expect } from "vitest";
import { checkOperations } from "./checker.js";
import { kvModel, registerModel, type KvInput, type KvOutput, type Operation, type RegisterInput } from "./model.js";
import { HistoryRecorder } from "./recorder.js";
import { Prng } from "../lib/prng.js";

type RegOp = Operation<RegisterInput, number | null>;
const w = (clientId: number, value: number, call: number, ret: number): RegOp => ({ clientId, input: { op: "write", value }, output: null, call, return: ret });
const r = (clientId: number, value: number, call: number, ret: number): RegOp => ({ clientId, input: { op: "read" }, output: value, call, return: ret });

type KvOp = Operation<KvInput, KvOutput>;
const put = (clientId: number, key: string, value: string, call: number, ret: number): KvOp => ({ clientId, input: { op: "put", key, value }, output: { value: null }, call, return: ret });
const get = (clientId: number, key: string, value: string | null, call: number, ret: number): KvOp => ({ clientId, input: { op: "get", key }, output: { value }, call, return: ret });

/**
 * Generates a linearizable KV history by construction: each operation takes effect atomically at a
 * random point inside its [call, return] interval on a real map.
 */
function linearizableKvHistory(seed: number, clients: number, opsPerClient: number, keys: number): KvOp[] {
  const rnd = new Prng(seed).fn(); // seeded: generated histories are reproducible
  type Planned = { clientId: number; input: KvInput; call: number; ret: number; at: number };
  const planned: Planned[] = [];
  for (let c = 0; c < clients; c++) {
    let t = rnd() * 5;
    for (let k = 0; k < opsPerClient; k++) {
      const call = t;
      const ret = call + 0.5 + rnd() * 10;
      const key = `k${Math.floor(rnd() * keys)}`;
      const x = rnd();
      const input: KvInput = x < 0.45 ? { op: "get", key } : x < 0.9 ? { op: "put", key, value: `c${c}-${k}` } : { op: "delete", key };
      planned.push({ clientId: c, input, call, ret, at: call + rnd() * (ret - call) });
      t = ret + rnd() * 2;
    }
  }
  const store = new Map<string, string>();
  const out: KvOp[] = [];
  for (const p of [...planned].sort((a, b) => a.at - b.at)) {
    let output: KvOutput = { value: null };
    if (p.input.op === "get") output = { value: store.get(p.input.key) ?? null };
    else if (p.input.op === "put") store.set(p.input.key, p.input.value);
    else store.delete(p.input.key);
    out.push({ clientId: p.clientId, input: p.input, output, call: p.call, return: p.ret });
  }
  return out;
}

describe("linearizability checker: register", () => {
  it("accepts a sequential history and the empty history", () => {
    expect(checkOperations(registerModel, []).verdict).toBe("ok");
    expect(checkOperations(registerModel, [w(0, 1, 0, 1), r(1, 1, 2, 3), w(0, 2, 4, 5), r(1, 2, 6, 7)]).verdict).toBe("ok");
  });

  it("rejects a read of a value that was overwritten before the read began", () => {
    const res = checkOperations(registerModel, [w(0, 1, 0, 1), w(0, 2, 2, 3), r(1, 1, 4, 5)]);
    expect(res.verdict).toBe("illegal");
    expect(res.failure?.explanation).toMatch(/read\(\) → 1/);
    expect(res.failure?.longestPrefix.length).toBe(2);
  });

  it("accepts reads that see a concurrent write either way, but not flip back (new-old inversion)", () => {
    // write(1) spans [0, 10]; the first read sees 0, the second sees 1: fine.
    expect(checkOperations(registerModel, [w(0, 1, 0, 10), r(1, 0, 1, 2), r(1, 1, 3, 4), r(2, 1, 5, 6)]).verdict).toBe("ok");
    // once a read returned 1, a later read (starting after it returned) cannot see 0 again.
    expect(checkOperations(registerModel, [w(0, 1, 0, 10), r(1, 1, 1, 2), r(2, 0, 3, 4)]).verdict).toBe("illegal");
  });

  it("finds the one order that works among several concurrent writes", () => {
    // three overlapping writes; reads after all of them pin the order: last must be 3, and 2 was seen mid-way
    const h = [w(0, 1, 0, 10), w(1, 2, 0, 10), w(2, 3, 0, 10), r(3, 2, 1, 9), r(3, 3, 11, 12), r(4, 3, 13, 14)];
    expect(checkOperations(registerModel, h).verdict).toBe("ok");
    // but no order lets a read after all writes return 2 and then 3 and then 2 again
    expect(checkOperations(registerModel, [...h, r(4, 2, 15, 16)]).verdict).toBe("illegal");
  });

  it("treats equal timestamps as overlapping (a call at the same instant as a return)", () => {
    expect(checkOperations(registerModel, [w(0, 1, 0, 5), r(1, 0, 5, 6)]).verdict).toBe("ok");
  });
});

describe("linearizability checker: KV with P-compositionality", () => {
  it("checks each key on its own and reports the failing key's operations", () => {
    const h = [put(0, "a", "1", 0, 1), put(1, "b", "x", 0, 1), get(2, "a", "1", 2, 3), get(2, "b", null, 2, 3)];
    const res = checkOperations(kvModel, h);
    expect(res.verdict).toBe("illegal");
    expect(res.partitions).toBe(2);
    expect(res.failure?.operations.every((op) => op.input.key === "b")).toBe(true);
    expect(res.failure?.explanation).toMatch(/get\(b\) → ∅/);
  });

  it("allows an operation with an unknown outcome to have happened or not", () => {
    const unknownPut: KvOp = { clientId: 0, input: { op: "put", key: "a", value: "1" }, output: { unknown: true }, call: 0, return: Infinity };
    expect(checkOperations(kvModel, [unknownPut, get(1, "a", null, 1, 2)]).verdict).toBe("ok");
    expect(checkOperations(kvModel, [unknownPut, get(1, "a", "1", 1, 2)]).verdict).toBe("ok");
    expect(checkOperations(kvModel, [unknownPut, get(1, "a", "1", 1, 2), get(1, "a", null, 3, 4)]).verdict).toBe("illegal");
  });

  it("accepts 200 generated linearizable histories (8 clients, 3 keys, heavy overlap)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const h = linearizableKvHistory(seed, 8, 25, 3);
      const res = checkOperations(kvModel, h, { timeoutMs: 10_000 });
      expect(res.verdict, `seed ${seed}`).toBe("ok");
    }
  });

  it("rejects generated histories after one read is corrupted to a value never written", () => {
    let rejected = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const h = linearizableKvHistory(seed, 6, 20, 2);
      const i = h.findIndex((op) => op.input.op === "get");
      if (i < 0) continue;
      const bad = h.map((op, k) => (k === i ? { ...op, output: { value: "never-written" } } : op));
      expect(checkOperations(kvModel, bad).verdict, `seed ${seed}`).toBe("illegal");
      rejected++;
    }
    expect(rejected).toBeGreaterThan(90);
  });

  it("rejects a stale read hidden among concurrent traffic (returns a value overwritten before it began)", () => {
    let checked = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const h = linearizableKvHistory(seed, 4, 30, 1);
      // P = the first put; Q = any write called after P returned, so Q is ordered after P. A read that
      // starts after everything finished and returns P's (unique) value is therefore stale.
      const p = h.filter((op) => op.input.op === "put").sort((a, b) => a.call - b.call)[0];
      const q = h.find((op) => p !== undefined && op.input.op !== "get" && op.call > p.return);
      if (p?.input.op !== "put" || q === undefined) continue;
      const end = Math.max(...h.map((op) => op.return)) + 1;
      expect(checkOperations(kvModel, [...h, get(9, "k0", p.input.value, end, end + 1)]).verdict, `seed ${seed}`).toBe("illegal");
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });

  it("gives up with 'unknown' at the time bound instead of hanging", () => {
    // 40 fully concurrent writes and reads that pin nothing down until an impossible final read:
    // proving illegality needs to explore a huge space.
    const ops: KvOp[] = [];
    for (let c = 0; c < 40; c++) ops.push(put(c, "k", `v${c}`, 0, 100));
    for (let c = 0; c < 20; c++) ops.push(get(100 + c, "k", `v${c * 2}`, 1, 99));
    ops.push(get(200, "k", "never", 101, 102));
    let t = 0;
    const clock = (): number => (t += 1); // each call advances one "ms"
    const res = checkOperations(kvModel, ops, { timeoutMs: 50, now: clock });
    expect(res.verdict).toBe("unknown");
    const start = Date.now();
    expect(checkOperations(kvModel, ops, { timeoutMs: 300 }).verdict).toBe("unknown");
    expect(Date.now() - start).toBeLessThan(3000);
  });
});

describe("history recorder", () => {
  it("records call/return times and closes open operations as unknown at Infinity", () => {
    let t = 0;
    const rec = new HistoryRecorder<KvInput, KvOutput>(() => t++);
    const a = rec.invoke(1, { op: "put", key: "x", value: "1" });
    const b = rec.invoke(2, { op: "get", key: "x" });
    rec.complete(a, { value: null });
    const h = rec.history({ unknown: true });
    expect(h).toEqual([
      { clientId: 1, input: { op: "put", key: "x", value: "1" }, output: { value: null }, call: 0, return: 2 },
      { clientId: 2, input: { op: "get", key: "x" }, output: { unknown: true }, call: 1, return: Infinity },
    ]);
    expect(() => rec.complete(a, { value: null })).toThrow(/operation 0 is not open/);
    void b;
    expect(checkOperations(kvModel, h).verdict).toBe("ok");
  });
});
