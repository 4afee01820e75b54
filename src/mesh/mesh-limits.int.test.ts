// Real sockets on loopback (issue [10]): the mesh's caps per port and per source IP, the descriptor
// budget, UDP eviction under a many-source flood, and the TCP idle timeout — TCP copied in-process
// and by two native relay processes. Sources are spread over 127.0.0.0/8, all local on Linux.
import { createSocket, type Socket as DgramSocket } from "node:dgram";
import { readdirSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { MeshLimitOptions } from "./limits.js";
import { Mesh } from "./mesh.js";
import { freePort, readUntil, startEchoBackend, startUdpEchoBackend, udpRequest, waitFor } from "./testing/backends.js";

const HOST = "127.0.0.1";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let relays = 0;

async function udpMesh(limits: MeshLimitOptions): Promise<{ mesh: Mesh; port: number }> {
  const b = await startUdpEchoBackend("u1");
  cleanups.push(() => b.close());
  const mesh = new Mesh({ bindAddress: HOST, relays: 0, limits });
  cleanups.push(() => mesh.close());
  const port = await freePort(HOST);
  await mesh.setService("dns", { ports: [{ published: port, target: 53, protocol: "udp", mode: "ingress" }], backends: [{ id: "u1", taskId: "t1", nodeId: "n1", addr: HOST, port: b.port }] });
  return { mesh, port };
}

async function tcpMesh(limits: MeshLimitOptions): Promise<{ mesh: Mesh; port: number; backendOpen: () => number }> {
  const b = await startEchoBackend("t1", HOST);
  cleanups.push(() => b.close());
  const mesh = new Mesh({ bindAddress: HOST, relays, limits });
  cleanups.push(() => mesh.close());
  const port = await freePort(HOST);
  await mesh.setService("web", { ports: [{ published: port, target: 80, protocol: "tcp", mode: "ingress" }], backends: [{ id: "t1", taskId: "t1", nodeId: "n1", addr: HOST, port: b.port }] });
  return { mesh, port, backendOpen: () => b.open };
}

/** A UDP socket bound to `address` (a loopback source other than 127.0.0.1). */
async function udpFrom(address: string): Promise<DgramSocket> {
  const s = createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, address, resolve));
  return s;
}

const openFds = (): number => readdirSync("/proc/self/fd").length;

/** Connects from `source`, sends `text` and resolves with the echo, or with "refused: …" when the mesh reset it. */
async function ask(port: number, source: string, text: string): Promise<{ socket: Socket; answer: string }> {
  const socket = connect({ port, host: HOST, localAddress: source });
  cleanups.push(() => void socket.destroy());
  socket.on("error", () => undefined);
  // On loopback the mesh's reset can arrive before Node reports the connect.
  const connected = await new Promise<string | undefined>((resolve) => {
    socket.once("connect", () => resolve(undefined));
    socket.once("error", (err) => resolve(`refused: ${String(err)}`));
  });
  if (connected !== undefined) return { socket, answer: connected };
  socket.write(text);
  const answer = await readUntil(socket, (g) => g.includes(text)).catch((err: unknown) => `refused: ${String(err)}`);
  return { socket, answer };
}

describe("mesh UDP caps", () => {
  it("evicts the least recently used flow at the port cap: a flood from 250 sources holds 50 sockets and a real client still gets its echo", async () => {
    const { mesh, port } = await udpMesh({ udpPerPort: 50, udpPerSource: 10 });
    const real = await udpFrom(HOST);
    cleanups.push(() => void real.close());
    const replies: string[] = [];
    real.on("message", (m) => replies.push(m.toString()));
    /** Sends until answered, as a real UDP client (DNS) retries: a datagram may be lost in a flood. */
    const askReal = async (q: string): Promise<number> => {
      for (let tries = 1; tries <= 10; tries++) {
        real.send(q, port, HOST);
        const ok = await waitFor(`echo of ${q}`, () => replies.includes(`u1:${q}`), (x) => x, 200).then(() => true, () => false);
        if (ok) return tries;
      }
      throw new Error(`no echo of ${q} in 10 tries; got ${JSON.stringify(replies)}`);
    };
    await askReal("before");
    const fdsBefore = openFds();

    // 250 spoofed-looking sources (127.0.1.1 … 127.0.1.250), one datagram each, as a flood sends;
    // the real client asks while it runs.
    const flood = (async () => {
      for (let i = 0; i < 250; i++) {
        const s = await udpFrom(`127.0.1.${1 + i}`);
        await new Promise<void>((resolve) => s.send("flood", port, HOST, () => resolve()));
        s.close();
      }
    })();
    await askReal("during");
    await flood;
    // Datagrams are handled in arrival order: once a later one is answered, the flood was handled.
    await askReal("after");
    const p = mesh.pressure();
    expect(p.udpEvicted).toBeGreaterThanOrEqual(150);
    expect(p.fdsHeld).toBe(50);
    // The flows' sockets are real descriptors of this process: at most the cap more than before.
    expect(openFds() - fdsBefore).toBeLessThanOrEqual(50);
    expect(p.udpDropped).toBe(0);
    expect(await udpRequest(port, "fresh")).toBe("u1:fresh");
  });

  it("drops a source's new flows beyond its cap; other sources still get answers", async () => {
    const { mesh, port } = await udpMesh({ udpPerPort: 100, udpPerSource: 10 });
    const answered: string[] = [];
    for (let i = 0; i < 20; i++) {
      const s = await udpFrom("127.0.0.7");
      cleanups.push(() => void s.close());
      s.on("message", (m) => answered.push(m.toString()));
      s.send(`q${i}`, port, HOST);
    }
    await waitFor("10 flows answered and 10 dropped", () => [answered.length, mesh.pressure().udpDropped], ([a, d]) => a === 10 && d === 10);
    expect(answered.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `u1:q${i}`).sort());
    expect(await udpRequest(port, "other")).toBe("u1:other");
    expect(mesh.pressure().fdsHeld).toBe(11);
  });
});

describe.each([0, 2])("mesh TCP caps, relays: %i", (n) => {
  beforeAll(() => {
    relays = n;
  });

  it("resets connections beyond the per-source and per-port caps and frees a slot when one closes", async () => {
    const { mesh, port } = await tcpMesh({ tcpPerSource: 3, tcpPerPort: 5 });
    const a = await Promise.all([1, 2, 3].map((i) => ask(port, "127.0.0.1", `a${i}`)));
    expect(a.map((x) => x.answer)).toEqual(["a1", "a2", "a3"]);
    expect((await ask(port, "127.0.0.1", "a4")).answer).toMatch(/^refused: /);
    expect((await Promise.all([1, 2].map((i) => ask(port, "127.0.0.2", `b${i}`)))).map((x) => x.answer)).toEqual(["b1", "b2"]);
    expect((await ask(port, "127.0.0.3", "c1")).answer).toMatch(/^refused: /);
    expect(mesh.pressure()).toMatchObject({ fdsHeld: 10, tcpRefused: 2 });
    a[0]?.socket.destroy();
    await waitFor("a slot freed", () => mesh.pressure().fdsHeld, (f) => f === 8);
    expect((await ask(port, "127.0.0.1", "a5")).answer).toBe("a5");
  });

  it("refuses connections that would pass the descriptor budget", async () => {
    const { mesh, port } = await tcpMesh({ fdBudget: 5 });
    expect((await Promise.all([1, 2].map((i) => ask(port, `127.0.0.${i}`, `x${i}`)))).map((x) => x.answer)).toEqual(["x1", "x2"]);
    expect((await ask(port, "127.0.0.3", "x3")).answer).toMatch(/^refused: /);
    expect(mesh.pressure()).toMatchObject({ fdsHeld: 4, fdBudget: 5, tcpRefused: 1 });
  });

  it("resets a connection idle for the timeout; one that keeps talking stays open", async () => {
    const { mesh, port, backendOpen } = await tcpMesh({ tcpIdleTimeoutMs: 300 });
    const idle = await ask(port, HOST, "idle");
    const chatty = await ask(port, HOST, "chat");
    let idleClosedAt = 0;
    const opened = Date.now();
    idle.socket.on("close", () => (idleClosedAt = Date.now()));
    let echoes = 0;
    chatty.socket.on("data", () => echoes++);
    const talk = setInterval(() => chatty.socket.write("."), 100);
    cleanups.push(() => clearInterval(talk));
    await waitFor("the idle connection closed", () => idleClosedAt, (t) => t > 0, 3000);
    // Idle since its echo, closed within 1.25 timeouts (the relay walks its connections every quarter).
    expect(idleClosedAt - opened).toBeGreaterThanOrEqual(250);
    expect(idleClosedAt - opened).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 600));
    expect(chatty.socket.destroyed).toBe(false);
    expect(echoes).toBeGreaterThanOrEqual(5);
    expect(backendOpen()).toBe(1);
    await waitFor("the ledger counts the one left", () => mesh.pressure().fdsHeld, (f) => f === 2);
  });
});
