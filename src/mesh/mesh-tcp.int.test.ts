// Real sockets on loopback: TCP forwarding, balancing, liveness verdicts, drain, retry, PROXY headers —
// each copied in-process (relays: 0) and by two native relay processes (relays: 2, swarmd's default
// on the 2-core box).
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Mesh } from "./mesh.js";
import { encodeProxyV1, encodeProxyV2 } from "./proxy-protocol.js";
import {
  connectTcp,
  freePort,
  readUntil,
  roundTrip,
  startEchoBackend,
  waitFor,
  type EchoBackend,
} from "./testing/backends.js";
import type { Backend, ServiceRoutes } from "./types.js";

const HOST = "127.0.0.1";
const cleanups: (() => Promise<void> | void)[] = [];
/** Native relay processes of the meshes the current describe block makes. */
let relays = 0;
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function backends(...names: string[]): Promise<EchoBackend[]> {
  const list = await Promise.all(names.map((n) => startEchoBackend(n, HOST)));
  for (const b of list) cleanups.push(() => b.close());
  return list;
}

function asBackend(b: EchoBackend, nodeId = `node-${b.name}`): Backend {
  return { id: b.name, taskId: `task-${b.name}`, nodeId, addr: b.host, port: b.port };
}

async function meshWith(list: readonly Backend[], extra: Partial<ServiceRoutes> = {}, port?: number): Promise<{ mesh: Mesh; port: number }> {
  const mesh = new Mesh({ bindAddress: HOST, connectTimeoutMs: 1000, relays });
  cleanups.push(() => mesh.close());
  const published = port ?? (await freePort(HOST));
  await mesh.setService("web", { ports: [{ published, target: 80, protocol: "tcp", mode: "ingress" }], backends: list, ...extra });
  return { mesh, port: published };
}

describe.each([0, 2])("mesh TCP forwarding (relays: %i)", (n) => {
  beforeAll(() => {
    relays = n;
  });

  it("relays bytes both ways and carries a half-close through", async () => {
    const [a] = await backends("a");
    if (a === undefined) throw new Error("no backend");
    const { port } = await meshWith([asBackend(a)]);
    const c = await connectTcp(port);
    cleanups.push(() => void c.destroy());
    const payload = Buffer.alloc(256 * 1024, 7).toString("latin1");
    c.write(payload);
    // After our FIN the backend still sends: the echo of everything, then "bye:a", then its FIN.
    c.end();
    const got = await readUntil(c, (g) => g.endsWith("bye:a"), 5000);
    expect(got.length).toBe(payload.length + "bye:a".length);
    expect(got.startsWith(payload)).toBe(true);
    await waitFor("client socket closed", () => c.readableEnded, (v) => v);
    expect(Buffer.concat(a.received[0] ?? []).length).toBe(payload.length);
  });

  it("spreads connections round-robin over the backends", async () => {
    const list = await backends("a", "b", "c");
    const { mesh, port } = await meshWith(list.map((b) => asBackend(b)));
    for (let i = 0; i < 30; i++) await roundTrip(port, `req${i}`);
    expect(list.map((b) => b.connections)).toEqual([10, 10, 10]);
    // Bytes are counted when a connection closed (the relays report them then).
    const m = await waitFor("all connections closed", () => mesh.metrics(), (ms) => ms.every((x) => x.active === 0));
    expect(m.map((x) => [x.backendId, x.total])).toEqual([
      ["a", 10],
      ["b", 10],
      ["c", 10],
    ]);
    expect(m.every((x) => x.bytesIn > 0 && x.bytesOut >= x.bytesIn && x.failures === 0)).toBe(true);
    expect(mesh.relayPids()).toHaveLength(relays);
  });

  it("least-connections sends new connections to the idle backend", async () => {
    const list = await backends("a", "b");
    const { mesh, port } = await meshWith(list.map((b) => asBackend(b)), { balance: "least-connections" });
    const held = await connectTcp(port);
    cleanups.push(() => void held.destroy());
    const busy = await waitFor("held connection reached a backend", () => list.find((b) => b.open === 1), (b) => b !== undefined);
    const idle = list.find((b) => b !== busy);
    const idleActive = async (): Promise<number> =>
      (await mesh.metrics()).find((m) => m.backendId === idle?.name)?.active ?? 0;
    for (let i = 0; i < 6; i++) {
      await roundTrip(port, `r${i}`);
      // Wait until the mesh saw the short connection close, so "idle" is idle again.
      await waitFor("short connection closed in the mesh", idleActive, (n) => n === 0);
    }
    expect(busy?.connections).toBe(1);
    expect(idle?.connections).toBe(6);
  });

  it("sends no new connection to the backends of a node gossip declared dead, and resumes when alive", async () => {
    const list = await backends("a", "b", "c");
    const { mesh, port } = await meshWith([asBackend(list[0]!, "n1"), asBackend(list[1]!, "n2"), asBackend(list[2]!, "n2")]);
    mesh.markNodeDead("n2");
    for (let i = 0; i < 6; i++) await roundTrip(port, `r${i}`);
    expect(list.map((b) => b.connections)).toEqual([6, 0, 0]);
    mesh.markNodeAlive("n2");
    for (let i = 0; i < 6; i++) await roundTrip(port, `r${i}`);
    expect(list[1]!.connections + list[2]!.connections).toBe(4);
  });

  it("drain stops new connections to the task at once and resolves when its open connection closes", async () => {
    const list = await backends("a", "b");
    const { mesh, port } = await meshWith(list.map((b) => asBackend(b)));
    const held = await connectTcp(port); // round-robin: first connection goes to "a"
    held.write("hold");
    await readUntil(held, (g) => g === "hold");
    expect(list[0]!.open).toBe(1);
    let settled = false;
    const drained = mesh.drain("task-a", { timeoutMs: 10_000 }).finally(() => (settled = true));
    for (let i = 0; i < 4; i++) await roundTrip(port, `during${i}`);
    expect(list[0]!.connections).toBe(1);
    expect(list[1]!.connections).toBe(4);
    expect(settled).toBe(false);
    // The held connection still works while draining.
    held.write("still");
    await readUntil(held, (g) => g === "still");
    held.end();
    const r = await drained;
    expect(r).toMatchObject({ taskId: "task-a", drained: true, remaining: 0 });
    expect(r.waitedMs).toBeLessThan(10_000);
  });

  it("drain gives up at its timeout and reports the connections still open", async () => {
    const list = await backends("a");
    const { mesh, port } = await meshWith(list.map((b) => asBackend(b)));
    const held = await connectTcp(port);
    cleanups.push(() => void held.destroy());
    await waitFor("backend sees the connection", () => list[0]!.open, (n) => n === 1);
    const r = await mesh.drain("task-a", { timeoutMs: 150 });
    expect(r).toMatchObject({ drained: false, remaining: 1 });
    expect(r.waitedMs).toBeGreaterThanOrEqual(150);
    // No backend is eligible now: a new connection is reset rather than sent to the draining task.
    const c = connect({ port, host: HOST });
    c.on("error", () => undefined);
    await waitFor("refused connection closed", () => c.destroyed, (v) => v);
    expect(list[0]!.connections).toBe(1);
  });

  it("retries the next backend when one refuses, so the request still succeeds, then cools the refuser down", async () => {
    const [a] = await backends("a");
    const deadPort = await freePort(HOST);
    const dead: Backend = { id: "dead", taskId: "task-dead", nodeId: "n9", addr: HOST, port: deadPort };
    const { mesh, port } = await meshWith([dead, asBackend(a!)]);
    for (let i = 0; i < 6; i++) expect(await roundTrip(port, `r${i}`)).toBe(`r${i}`);
    expect(a!.connections).toBe(6);
    const m = await mesh.metrics();
    // Only the first request paid a retry: afterwards the refusing backend is tried last.
    expect(m.find((x) => x.backendId === "dead")).toMatchObject({ failures: 1, total: 0, active: 0 });
  });

  it("probes a failing backend once per cooldown, and doubles the cooldown while it keeps failing", async () => {
    const [a] = await backends("a");
    const dead: Backend = { id: "dead", taskId: "task-dead", nodeId: "n9", addr: HOST, port: await freePort(HOST) };
    let clock = 0;
    const mesh = new Mesh({ bindAddress: HOST, connectTimeoutMs: 500, failureCooldownMs: 1000, now: () => clock, relays });
    cleanups.push(() => mesh.close());
    const port = await freePort(HOST);
    await mesh.setService("web", { ports: [{ published: port, target: 80, protocol: "tcp", mode: "ingress" }], backends: [dead, asBackend(a!)] });
    const failuresAt = async (t: number): Promise<number> => {
      clock = t;
      for (let i = 0; i < 4; i++) expect(await roundTrip(port, `t${t}-${i}`)).toBe(`t${t}-${i}`);
      return (await mesh.metrics()).find((x) => x.backendId === "dead")?.failures ?? 0;
    };
    // Cooldowns: 1 s after the first failure, then 2 s, then 4 s; each time one probe, never more.
    expect(await failuresAt(0)).toBe(1);
    expect(await failuresAt(999)).toBe(1);
    expect(await failuresAt(1000)).toBe(2);
    expect(await failuresAt(2999)).toBe(2);
    expect(await failuresAt(3000)).toBe(3);
    expect(await failuresAt(6999)).toBe(3);
    expect(await failuresAt(7000)).toBe(4);
    expect(a!.connections).toBe(28);
  });

  it("retries the next backend when a connect times out (a backend whose accept queue is full)", async () => {
    const [a] = await backends("a");
    // A listener that never accepts, with its one-slot backlog filled: further SYNs are dropped.
    const stuck = spawn("python3", [
      "-c",
      "import socket,sys,time\ns=socket.socket();s.bind(('127.0.0.1',0));s.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)",
    ]);
    cleanups.push(() => void stuck.kill("SIGKILL"));
    const stuckPort = await new Promise<number>((resolve, reject) => {
      stuck.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
      stuck.once("error", (err) => reject(new Error(`python3 is needed for this test: ${err.message}`)));
    });
    const fillers = [0, 1, 2].map(() => connect({ port: stuckPort, host: HOST }).on("error", () => undefined));
    cleanups.push(() => fillers.forEach((f) => f.destroy()));
    await new Promise((r) => setTimeout(r, 100)); // let the fillers' handshakes reach the backlog
    const mesh = new Mesh({ bindAddress: HOST, connectTimeoutMs: 300, relays });
    cleanups.push(() => mesh.close());
    const published = await freePort(HOST);
    await mesh.setService("web", {
      ports: [{ published, target: 80, protocol: "tcp", mode: "ingress" }],
      backends: [{ id: "stuck", taskId: "t-stuck", nodeId: "n1", addr: HOST, port: stuckPort }, asBackend(a!)],
    });
    const t0 = Date.now();
    expect(await roundTrip(published, "slow-but-ok")).toBe("slow-but-ok");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    const m = await mesh.metrics();
    expect(m.find((x) => x.backendId === "stuck")).toMatchObject({ failures: 1, total: 0, active: 0 });
  });

  it("refuses the connection after the bounded number of attempts when every backend is down", async () => {
    const ports = await Promise.all([freePort(HOST), freePort(HOST)]);
    const down = ports.map((p, i): Backend => ({ id: `d${i}`, taskId: `t${i}`, nodeId: "n", addr: HOST, port: p }));
    const { mesh, port } = await meshWith(down);
    const c = connect({ port, host: HOST });
    c.on("error", () => undefined);
    await waitFor("client closed by the mesh", () => c.destroyed || c.readableEnded, (v) => v);
    const m = await mesh.metrics();
    expect(m.reduce((n, x) => n + x.failures, 0)).toBe(2);
  });

  it("sends a PROXY v1 header that arrives at the backend byte-exact", async () => {
    const [a] = await backends("a");
    const port = await freePort(HOST);
    await meshWith([asBackend(a!)], { ports: [{ published: port, target: 80, protocol: "tcp", mode: "ingress", proxyProtocol: "v1" }] });
    const c = await connectTcp(port);
    c.write("GET");
    await readUntil(c, (g) => g.endsWith("GET"));
    const expected = encodeProxyV1({ sourceAddress: HOST, sourcePort: c.localPort, destinationAddress: HOST, destinationPort: port });
    expect(expected.toString("latin1")).toBe(`PROXY TCP4 127.0.0.1 127.0.0.1 ${c.localPort} ${port}\r\n`);
    expect(Buffer.concat(a!.received[0] ?? []).equals(Buffer.concat([expected, Buffer.from("GET")]))).toBe(true);
    c.destroy();
  });

  it("sends a PROXY v2 header that arrives at the backend byte-exact", async () => {
    const [a] = await backends("a");
    const published = await freePort(HOST);
    await meshWith([asBackend(a!)], { ports: [{ published, target: 80, protocol: "tcp", mode: "ingress", proxyProtocol: "v2" }] });
    const c = await connectTcp(published);
    c.write("GET");
    await readUntil(c, (g) => g.endsWith("GET"));
    const got = Buffer.concat(a!.received[0] ?? []);
    const header = Buffer.concat([
      Buffer.from("0d0a0d0a000d0a515549540a", "hex"),
      Buffer.from([0x21, 0x11, 0x00, 0x0c, 127, 0, 0, 1, 127, 0, 0, 1]),
      Buffer.from([c.localPort! >> 8, c.localPort! & 0xff, published >> 8, published & 0xff]),
    ]);
    expect(encodeProxyV2({ sourceAddress: HOST, sourcePort: c.localPort, destinationAddress: HOST, destinationPort: published }).equals(header)).toBe(true);
    expect(got.toString("hex")).toBe(Buffer.concat([header, Buffer.from("GET")]).toString("hex"));
    c.destroy();
  });

  it("listens on IPv6 and describes the client as TCP6 in PROXY v1 and v2", async () => {
    const [a] = await backends("a");
    const mesh = new Mesh({ bindAddress: "::1", relays });
    cleanups.push(() => mesh.close());
    const [p1, p2] = [await freePort(HOST), await freePort(HOST)];
    await mesh.setService("web", {
      ports: [
        { published: p1, target: 80, protocol: "tcp", mode: "ingress", proxyProtocol: "v1" },
        { published: p2, target: 80, protocol: "tcp", mode: "ingress", proxyProtocol: "v2" },
      ],
      backends: [asBackend(a!)],
    });
    const c1 = await connectTcp(p1, "::1");
    c1.write("x");
    await readUntil(c1, (g) => g.endsWith("x"));
    expect(Buffer.concat(a!.received[0] ?? []).toString("latin1")).toBe(`PROXY TCP6 ::1 ::1 ${c1.localPort} ${p1}\r\nx`);
    const c2 = await connectTcp(p2, "::1");
    c2.write("y");
    await readUntil(c2, (g) => g.endsWith("y"));
    const v2 = Buffer.concat(a!.received[1] ?? []);
    expect(v2.subarray(12, 16).toString("hex")).toBe("21210024"); // PROXY, AF_INET6 + STREAM, 36 bytes
    expect(v2.subarray(16, 48).toString("hex")).toBe(`${"0".repeat(31)}1${"0".repeat(31)}1`);
    expect(v2.readUInt16BE(48)).toBe(c2.localPort);
    expect(v2.readUInt16BE(50)).toBe(p2);
    expect(v2.subarray(52).toString()).toBe("y");
    c1.destroy();
    c2.destroy();
  });
});
