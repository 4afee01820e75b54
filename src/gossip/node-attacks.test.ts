// Attacks on a gossip member's real UDP and TCP sockets on loopback: a replayed datagram, TCP
// connections that never send an authenticated hello, an oversized first frame, and a connection
// flood from one address — each refused and counted while the members keep working.
import { afterEach, describe, expect, it } from "vitest";
import { createSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { GossipNode, MAX_TCP_CONNECTIONS_PER_ADDRESS, TCP_HELLO_TIMEOUT_MS, type GossipNodeOptions } from "./node.js";
import { decodePacket, encodePacket } from "./codec.js";
import { PacketSealer } from "./envelope.js";
import { Keyring } from "./keyring.js";
import { frame } from "./tcp-frame.js";

const started: GossipNode[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
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

async function waitFor(what: string, check: () => boolean, timeoutMs: number, seen: () => unknown = () => ""): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (!check()) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw ${JSON.stringify(seen())}`);
}

function hostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(":");
  return { host: addr.slice(0, i), port: Number(addr.slice(i + 1)) };
}

/** Opens a TCP connection from `localAddress` and resolves once it is established. */
function open(addr: string, localAddress = "127.0.0.1"): Promise<Socket> {
  const { host, port } = hostPort(addr);
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, localAddress });
    sockets.push(s);
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}

/** Resolves with the ms until the peer closed `s` (or rejects after `limitMs`). */
function closedWithin(s: Socket, limitMs: number): Promise<number> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    if (s.destroyed || s.readableEnded) {
      resolve(0);
      return;
    }
    const timer = setTimeout(() => reject(new Error(`connection still open after ${limitMs} ms`)), limitMs);
    s.on("error", () => undefined);
    s.once("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });
}

describe("gossip under attack on real sockets", () => {
  it("answers a sealed ping once and drops the same datagram sent again (replay)", async () => {
    const key = randomBytes(32);
    const target = await startNode("target", "127.0.0.61", { keys: [key] });
    const keyring = new Keyring(key);
    const sealer = new PacketSealer("captured-sender", Date.now());
    const datagram = keyring.encrypt(encodePacket(sealer.stamp({ messages: [{ ping: { seqNo: 4242, target: "target", source: "x", sourceAddr: "" } }] })));

    const sock = createSocket("udp4");
    const acks: number[] = [];
    sock.on("message", (msg) => {
      const plain = keyring.decrypt(msg);
      const d = plain === undefined ? undefined : decodePacket(plain);
      if (d?.ok === true) for (const m of d.packet.messages) if (m.body === "ack" && m.ack?.seqNo === 4242) acks.push(m.ack.seqNo);
    });
    await new Promise<void>((resolve) => sock.bind(0, "127.0.0.62", resolve));
    try {
      const { host, port } = hostPort(target.addr);
      sock.send(datagram, port, host);
      await waitFor("the ack of the first copy", () => acks.length === 1, 5000);
      for (let i = 0; i < 5; i++) sock.send(datagram, port, host);
      await waitFor("5 replays counted", () => target.metrics().droppedReplayed === 5, 5000, () => target.metrics());
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(acks).toEqual([4242]);
      expect(target.metrics().udpPacketsReceived).toBe(6);
    } finally {
      sock.close();
    }
  });

  it("after a key rotation, the old key is heard during the grace and refused after it", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const a = await startNode("a", "127.0.0.67", { keys: [oldKey], keyGraceMs: 1500 });
    const b = await startNode("b", "127.0.0.68", { keys: [oldKey], keyGraceMs: 1500 });
    expect(await b.join([a.addr])).toBe(1);
    for (const n of [a, b]) n.setKeys([newKey, oldKey]);
    const formerMember = new PacketSealer("removed", Date.now());
    const oldRing = new Keyring(oldKey);
    const sock = createSocket("udp4");
    const acked = new Set<number>();
    sock.on("message", (msg) => {
      const plain = oldRing.decrypt(msg) ?? new Keyring(newKey).decrypt(msg);
      const d = plain === undefined ? undefined : decodePacket(plain);
      if (d?.ok === true) for (const m of d.packet.messages) if (m.body === "ack" && m.ack != null) acked.add(m.ack.seqNo);
    });
    await new Promise<void>((resolve) => sock.bind(0, "127.0.0.69", resolve));
    const ping = (seqNo: number): void => {
      const { host, port } = hostPort(a.addr);
      sock.send(oldRing.encrypt(encodePacket(formerMember.stamp({ messages: [{ ping: { seqNo, target: "a", source: "removed", sourceAddr: "" } }] }))), port, host);
    };
    try {
      ping(1);
      await waitFor("the ack within the grace", () => acked.has(1), 1000);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      const before = a.metrics().droppedUnauthenticated;
      ping(2);
      await waitFor("the old-key ping refused", () => a.metrics().droppedUnauthenticated === before + 1, 2000, () => a.metrics());
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect([...acked]).toEqual([1]);
      expect(a.keyring?.list()).toEqual([Uint8Array.from(newKey)]);
      // a and b speak the new key: they still see each other alive.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(a.members().find((m) => m.name === "b")?.status).toBe("alive");
      expect(b.members().find((m) => m.name === "a")?.status).toBe("alive");
    } finally {
      sock.close();
    }
  });

  it("closes a connection that announces a large first frame at once, and an idle one within the hello timeout", async () => {
    // A 5 s TCP timeout for requests: the idle connection must go after the (shorter) hello timeout.
    const target = await startNode("target", "127.0.0.63", { keys: [randomBytes(32)], tuning: { tcpTimeoutMs: 5000 } });
    const big = await open(target.addr);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(4 * 1024 * 1024 - 1, 0);
    big.write(header);
    expect(await closedWithin(big, 1000)).toBeLessThan(1000);

    const idle = await open(target.addr);
    const idleMs = await closedWithin(idle, TCP_HELLO_TIMEOUT_MS + 1500);
    expect(idleMs).toBeGreaterThanOrEqual(TCP_HELLO_TIMEOUT_MS - 100);

    // A well-formed hello sealed with the wrong key: closed at once, nothing more is read.
    const wrong = new Keyring(randomBytes(32));
    const forged = await open(target.addr);
    const hello = wrong.encrypt(encodePacket(new PacketSealer("intruder", Date.now()).stamp({ messages: [], nextFrameBytes: 1_000_000 })));
    forged.write(frame(hello));
    expect(await closedWithin(forged, 1000)).toBeLessThan(1000);
    await waitFor("3 rejected connections", () => target.metrics().tcpRejected === 3, 2000, () => target.metrics());
    expect(target.metrics().droppedUnauthenticated).toBe(1);
  });

  it("caps connections per source address; members elsewhere still push-pull during a flood", async () => {
    const key = randomBytes(32);
    const target = await startNode("target", "127.0.0.64", { keys: [key] });
    const attempts = 200;
    let closedByTarget = 0;
    for (let i = 0; i < attempts; i++) {
      const s = await open(target.addr, "127.0.0.65");
      s.on("error", () => undefined);
      s.once("close", () => closedByTarget++);
    }
    // All but the per-address allowance are closed at once (long before the hello timeout).
    await waitFor("the flood capped", () => closedByTarget >= attempts - MAX_TCP_CONNECTIONS_PER_ADDRESS, TCP_HELLO_TIMEOUT_MS - 500, () => ({ closedByTarget, ...target.metrics() }));
    expect(target.metrics().tcpCapped).toBe(attempts - MAX_TCP_CONNECTIONS_PER_ADDRESS);
    // An honest member from another address joins (push-pull over TCP) while the flood holds its slots.
    const honest = await startNode("honest", "127.0.0.66", { keys: [key] });
    expect(await honest.join([target.addr])).toBe(1);
    await waitFor("both see each other", () => target.members().some((m) => m.name === "honest" && m.status === "alive"), 5000);
    expect(target.metrics().tcpCapped).toBe(attempts - MAX_TCP_CONNECTIONS_PER_ADDRESS);
  });
});
