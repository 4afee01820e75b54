// Real sockets on loopback: a 10-member cluster loses a SIGKILLed child process, an encrypted cluster
// refuses a member with the wrong key (and rotates keys without a partition), and thousands of
// random datagrams and TCP frames are dropped and counted while the members stay healthy.
import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { GossipNode, type GossipNodeOptions } from "./node.js";
import { encodePacket } from "./codec.js";
import { Prng } from "../lib/prng.js";
import type { MemberStatus } from "./types.js";

const MEMBER_PROCESS = fileURLToPath(new URL("./testing/member-process.ts", import.meta.url));
const started: GossipNode[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await Promise.all(started.splice(0).map(async (n) => {
    n.destroy();
    await n.closed;
  }));
});

async function startNode(name: string, host: string, options: Partial<GossipNodeOptions> = {}): Promise<GossipNode> {
  const node = await GossipNode.start({ name, bindHost: host, bindPort: 0, profile: "local", ...options });
  started.push(node);
  return node;
}

function statusOf(node: GossipNode, name: string): MemberStatus | undefined {
  return node.members().find((m) => m.name === name)?.status;
}

/** Polls `check` until it holds or the deadline passes; fails with `describeState()` otherwise. */
async function waitFor(what: string, check: () => boolean, timeoutMs: number, describeState: () => unknown = () => ""): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (check()) return;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw ${JSON.stringify(describeState())}`);
}

function allSee(nodes: readonly GossipNode[], names: readonly string[], status: MemberStatus): boolean {
  return nodes.every((n) => names.every((name) => statusOf(n, name) === status));
}

function views(nodes: readonly GossipNode[]): Record<string, string> {
  return Object.fromEntries(nodes.map((n) => [n.name, n.members().map((m) => `${m.name}:${m.status}`).join(",")]));
}

describe("gossip on real sockets", () => {
  it("10 members on loopback all declare a SIGKILLed member process dead", async () => {
    const nodes: GossipNode[] = [];
    for (let i = 1; i <= 9; i++) nodes.push(await startNode(`m${i}`, `127.0.0.${10 + i}`));
    const seed = (nodes[0] as GossipNode).addr;
    const child = spawn(process.execPath, ["--import", "tsx", MEMBER_PROCESS, JSON.stringify({
      name: "victim", bindHost: "127.0.0.20", bindPort: 0, profile: "local", seeds: [seed],
    })], { stdio: ["ignore", "pipe", "inherit"] });
    children.push(child);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    let childReady = false;
    lines.on("line", (line) => {
      if (line.includes('"ready"')) childReady = true;
    });
    await Promise.all(nodes.slice(1).map((n) => n.join([seed])));
    await waitFor("the child to start and join", () => childReady, 20_000);
    const everyone = [...nodes.map((n) => n.name), "victim"];
    await waitFor("all 9 to see all 10 alive", () => allSee(nodes, everyone, "alive"), 10_000, () => views(nodes));

    const deadAt = new Map<string, number>();
    const wrongDeaths: string[] = [];
    for (const n of nodes) {
      void (async () => {
        for await (const e of n.subscribe()) {
          if (e.type === "dead" && e.member.name === "victim") deadAt.set(n.name, Date.now());
          else if (e.type === "dead") wrongDeaths.push(`${n.name} declared ${e.member.name} dead`);
        }
      })();
    }
    const killedAt = Date.now();
    child.kill("SIGKILL");
    await waitFor("all 9 to declare the victim dead", () => allSee(nodes, ["victim"], "dead"), 15_000, () => views(nodes));
    expect(deadAt.size).toBe(9);
    expect(wrongDeaths).toEqual([]); // a busy machine may delay acks (suspicions), never kill a healthy member
    const slowest = Math.max(...deadAt.values()) - killedAt;
    expect(slowest).toBeLessThan(15_000);
  });

  it("an encrypted cluster rejects a member with the wrong key and rotates keys without a partition", async () => {
    const keyA = randomBytes(32);
    const keyB = randomBytes(32);
    const a = await startNode("a", "127.0.0.31", { keys: [keyA] });
    const b = await startNode("b", "127.0.0.32", { keys: [keyA] });
    const c = await startNode("c", "127.0.0.33", { keys: [keyA] });
    expect(await b.join([a.addr])).toBe(1);
    expect(await c.join([a.addr])).toBe(1);
    await waitFor("a, b, c alive everywhere", () => allSee([a, b, c], ["a", "b", "c"], "alive"), 10_000, () => views([a, b, c]));

    const intruder = await startNode("intruder", "127.0.0.34", { keys: [keyB] });
    expect(await intruder.join([a.addr])).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([a, b, c].every((n) => statusOf(n, "intruder") === undefined)).toBe(true);
    expect(a.metrics().droppedUnauthenticated + a.metrics().tcpRejected).toBeGreaterThan(0);
    intruder.destroy();

    // Rotation: install B everywhere, switch to it everywhere, drop A — not one packet is refused.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refusedBefore = [a, b, c].map((n) => n.metrics().droppedUnauthenticated + n.metrics().tcpRejected);
    const deaths: string[] = [];
    for (const n of [a, b, c]) {
      void (async () => {
        for await (const e of n.subscribe()) if (e.type === "dead") deaths.push(`${n.name}:${e.member.name}`);
      })();
    }
    for (const n of [a, b, c]) n.keyring?.install(keyB);
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const n of [a, b, c]) {
      n.keyring?.use(keyB);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const n of [a, b, c]) n.keyring?.remove(keyA);
    expect(() => a.keyring?.remove(keyB)).toThrow(/primary key cannot be removed/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect([a, b, c].map((n) => n.metrics().droppedUnauthenticated + n.metrics().tcpRejected)).toEqual(refusedBefore);
    expect(deaths).toEqual([]);
    expect(a.keyring?.list()).toEqual([Uint8Array.from(keyB)]);
    await waitFor("a, b, c alive everywhere after rotation", () => allSee([a, b, c], ["a", "b", "c"], "alive"), 5_000, () => views([a, b, c]));

    const newcomer = await startNode("newcomer", "127.0.0.35", { keys: [keyB] });
    expect(await newcomer.join([b.addr])).toBe(1);
    await waitFor("newcomer alive everywhere", () => allSee([a, b, c, newcomer], ["newcomer"], "alive"), 10_000, () => views([a, b, c, newcomer]));
  });

  it("spreads metadata updates and user messages, and reports a graceful close as a leave", async () => {
    const a = await startNode("ua", "127.0.0.51", { meta: { role: "manager" } });
    const b = await startNode("ub", "127.0.0.52");
    const c = await startNode("uc", "127.0.0.53");
    expect(await b.join([a.addr])).toBe(1);
    expect(await c.join([b.addr])).toBe(1);
    await waitFor("ua, ub, uc alive everywhere", () => allSee([a, b, c], ["ua", "ub", "uc"], "alive"), 10_000, () => views([a, b, c]));
    expect(c.members().find((m) => m.name === "ua")?.meta.role).toBe("manager");

    const seen: string[] = [];
    const abort = new AbortController();
    const consumer = (async () => {
      for await (const e of c.subscribe(abort.signal)) {
        // (On a starved machine a member may be declared dead and rejoin: then the news is a join.)
        if (e.type === "update" || e.type === "join") seen.push(`update:${e.member.name}:${e.member.meta.labels.zone}`);
        if (e.type === "user") seen.push(`user:${e.origin}:${new TextDecoder().decode(e.payload)}`);
        if (e.type === "leave") seen.push(`leave:${e.member.name}`);
      }
    })();
    b.updateMeta({ role: "worker", addresses: ["10.1.0.2"], labels: { zone: "z1" } });
    a.sendUserMessage(new TextEncoder().encode("backend t1 draining"));
    await waitFor("the update and the message at uc", () => seen.includes("update:ub:z1") && seen.includes("user:ua:backend t1 draining"), 15_000,
      () => ({ seen, views: views([a, b, c]), metrics: c.metrics() }));
    await a.close();
    await waitFor("ua's leave at uc", () => seen.includes("leave:ua"), 15_000, () => ({ seen, views: views([b, c]) }));
    expect(statusOf(b, "ua")).toBe("left");
    abort.abort();
    await consumer;
    expect(seen.filter((e) => e.startsWith("user:"))).toHaveLength(1);
  });

  it("drops thousands of random and malformed datagrams and TCP frames, counts them, and stays healthy", async () => {
    const a = await startNode("fa", "127.0.0.41");
    const b = await startNode("fb", "127.0.0.42");
    const c = await startNode("fc", "127.0.0.43");
    await b.join([a.addr]);
    await c.join([a.addr]);
    await waitFor("fa, fb, fc alive everywhere", () => allSee([a, b, c], ["fa", "fb", "fc"], "alive"), 10_000, () => views([a, b, c]));

    const rnd = new Prng(Number(process.env.SEED ?? 6)).fn();
    const valid = encodePacket({ messages: [{ ping: { seqNo: 7, target: "fa", source: "x", sourceAddr: "127.0.0.1:9" } }] });
    const sender = createSocket("udp4");
    const [host, port] = [a.addr.split(":")[0] as string, Number(a.addr.split(":")[1])];
    const before = a.metrics();
    const count = 3000;
    try {
      for (let i = 0; i < count; i++) {
        let buf: Buffer;
        const kind = i % 4;
        if (kind === 0) buf = randomBytes(Math.floor(rnd() * 1500));
        else if (kind === 1) buf = Buffer.from(valid.subarray(0, Math.floor(rnd() * valid.length))); // truncated
        else if (kind === 2) buf = randomBytes(2049 + Math.floor(rnd() * 4000)); // oversize
        else {
          buf = Buffer.from(valid); // bit flips
          for (let j = 0; j < 3; j++) buf[Math.floor(rnd() * buf.length)] = Math.floor(rnd() * 256);
        }
        await new Promise<void>((resolve) => sender.send(buf, port, host, () => resolve()));
        if (i % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 2)); // let the receiver keep up
      }
      for (let i = 0; i < 20; i++) {
        await new Promise<void>((resolve) => {
          const s = connect({ host, port }, () => s.end(i % 2 === 0 ? randomBytes(64) : Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2])));
          s.on("error", () => resolve());
          s.on("close", () => resolve());
        });
      }
    } finally {
      sender.close();
    }
    await waitFor("every datagram to be read", () => a.metrics().udpPacketsReceived - before.udpPacketsReceived >= count * 0.9, 10_000, () => a.metrics());
    const after = a.metrics();
    const dropped = (after.droppedMalformed - before.droppedMalformed) + (after.droppedOversize - before.droppedOversize);
    expect(after.droppedOversize - before.droppedOversize).toBeGreaterThan(count / 4 - 100);
    expect(dropped).toBeGreaterThan(count / 2);
    expect(after.tcpRejected).toBeGreaterThanOrEqual(20);
    await waitFor("fa, fb, fc alive everywhere after the fuzz", () => allSee([a, b, c], ["fa", "fb", "fc"], "alive"), 5_000, () => views([a, b, c]));
    expect([a, b, c].every((n) => n.members().every((m) => m.status === "alive"))).toBe(true);
  });
});
