// Real sockets on loopback: UDP flows, port conflicts, the control-plane feed going away, relay processes.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type Socket } from "node:net";
import { pathToFileURL } from "node:url";
import { createInterface } from "node:readline";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PortInUseError } from "./errors.js";
import { PublishedPortConflictError } from "../spec/port-conflicts.js";
import { Mesh } from "./mesh.js";
import {
  connectTcp,
  freePort,
  readUntil,
  roundTrip,
  startEchoBackend,
  startUdpEchoBackend,
  udpRequest,
  waitFor,
} from "./testing/backends.js";
import type { Backend, MeshUpdate } from "./types.js";

const HOST = "127.0.0.1";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Native relay processes of the meshes newMesh makes, unless a test says otherwise. */
let relays = 0;

function newMesh(options: ConstructorParameters<typeof Mesh>[0] = {}): Mesh {
  const mesh = new Mesh({ bindAddress: HOST, relays, ...options });
  cleanups.push(() => mesh.close());
  return mesh;
}

// Everything but the relay tests runs with TCP copied in-process and by two relays (swarmd's
// default on the 2-core box): UDP, binding and port errors stay in the mesh process.
describe.each([0, 2])("with relays: %i", (n) => {
  beforeAll(() => {
    relays = n;
  });

  describe("mesh UDP", () => {
    it("relays a UDP echo per client flow, spreads flows round-robin, and closes idle flows", async () => {
      const backends = await Promise.all([startUdpEchoBackend("u1"), startUdpEchoBackend("u2")]);
      for (const b of backends) cleanups.push(() => b.close());
      const mesh = newMesh({ udpIdleTimeoutMs: 200 });
      const published = await freePort(HOST);
      await mesh.setService("dns", {
        ports: [{ published, target: 53, protocol: "udp", mode: "ingress" }],
        backends: backends.map((b) => ({ id: b.name, taskId: `task-${b.name}`, nodeId: "n1", addr: HOST, port: b.port })),
      });
      const replies = [];
      for (let i = 0; i < 4; i++) replies.push(await udpRequest(published, `q${i}`));
      expect(replies).toEqual(["u1:q0", "u2:q1", "u1:q2", "u2:q3"]);
      const m = await mesh.metrics();
      expect(m.map((x) => [x.backendId, x.total, x.bytesIn])).toEqual([
        ["u1", 2, 4],
        ["u2", 2, 4],
      ]);
      await waitFor("idle flows closed", () => mesh.metrics(), (ms) => ms.every((x) => x.active === 0), 3000);
    });

    it("prefixes each datagram with a PROXY v2 DGRAM header when asked", async () => {
      const b = await startUdpEchoBackend("u1");
      cleanups.push(() => b.close());
      const mesh = newMesh();
      const published = await freePort(HOST);
      await mesh.setService("dns", {
        ports: [{ published, target: 53, protocol: "udp", mode: "ingress", proxyProtocol: "v2" }],
        backends: [{ id: "u1", taskId: "t1", nodeId: "n1", addr: HOST, port: b.port }],
      });
      await udpRequest(published, "hi");
      const got = b.received[0];
      expect(got?.subarray(0, 16).toString("hex")).toBe("0d0a0d0a000d0a515549540a2112000c");
      expect(got?.subarray(16, 24).toString("hex")).toBe("7f0000017f000001");
      expect(got?.readUInt16BE(26)).toBe(published);
      expect(got?.subarray(28).toString()).toBe("hi");
    });
  });

  describe("mesh UDP liveness", () => {
    it("moves a flow to another backend when gossip declares its node dead", async () => {
      const backends = await Promise.all([startUdpEchoBackend("u1"), startUdpEchoBackend("u2")]);
      for (const b of backends) cleanups.push(() => b.close());
      const mesh = newMesh();
      const published = await freePort(HOST);
      await mesh.setService("dns", {
        ports: [{ published, target: 53, protocol: "udp", mode: "ingress" }],
        backends: backends.map((b, i) => ({ id: b.name, taskId: `t-${b.name}`, nodeId: `n${i + 1}`, addr: HOST, port: b.port })),
      });
      // One client socket = one flow: it sticks to its backend until that backend's node dies.
      const { createSocket } = await import("node:dgram");
      const client = createSocket("udp4");
      cleanups.push(() => void client.close());
      const replies: string[] = [];
      client.on("message", (m) => replies.push(m.toString()));
      const ask = async (q: string): Promise<string> => {
        const n = replies.length;
        client.send(q, published, HOST);
        await waitFor(`reply to ${q}`, () => replies.length, (k) => k > n);
        return replies[n] ?? "";
      };
      expect(await ask("a")).toBe("u1:a");
      expect(await ask("b")).toBe("u1:b");
      mesh.markNodeDead("n1");
      expect(await ask("c")).toBe("u2:c");
      expect(backends[0].received.map(String)).toEqual(["a", "b"]);
    });
  });

  describe("mesh port conflicts", () => {
    it("refuses a published port another process holds, naming the port and the holder", async () => {
      const squatter = createServer();
      await new Promise<void>((r) => squatter.listen(0, HOST, r));
      cleanups.push(() => new Promise<void>((r) => squatter.close(() => r())));
      const taken = (squatter.address() as { port: number }).port;
      const mesh = newMesh();
      const err = await mesh
        .setService("web", { ports: [{ published: taken, target: 80, protocol: "tcp", mode: "ingress" }], backends: [] })
        .then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      const e = err as PortInUseError;
      expect(e.code).toBe("MESH_PORT_IN_USE");
      expect(e.holder?.pid).toBe(process.pid);
      expect(e.message).toBe(
        `published port ${taken}/tcp: address ${HOST}:${taken} is already in use on this host, held by ${e.holder?.command ?? "?"} (pid ${process.pid})`,
      );
      // The failed service was rolled back: nothing listens, nothing is stored.
      expect(mesh.listening()).toEqual([]);
    });

    it("refuses a UDP published port another socket holds", async () => {
      const { createSocket } = await import("node:dgram");
      const squatter = createSocket("udp4");
      await new Promise<void>((r) => squatter.bind(0, HOST, r));
      cleanups.push(() => void squatter.close());
      const taken = squatter.address().port;
      const mesh = newMesh();
      await expect(
        mesh.setService("dns", { ports: [{ published: taken, target: 53, protocol: "udp", mode: "ingress" }], backends: [] }),
      ).rejects.toThrow(new RegExp(`^published port ${taken}/udp: address ${HOST}:${taken} is already in use on this host, held by .+ \\(pid ${process.pid}\\)$`));
      expect(mesh.listening()).toEqual([]);
    });

    it("refuses a second service on the same published port and keeps serving the first", async () => {
      const a = await startEchoBackend("a", HOST);
      cleanups.push(() => a.close());
      const mesh = newMesh();
      const published = await freePort(HOST);
      const ports = [{ published, target: 80, protocol: "tcp" as const, mode: "ingress" as const }];
      await mesh.setService("web", { ports, backends: [{ id: "a", taskId: "a", nodeId: "n", addr: HOST, port: a.port }] });
      await expect(mesh.setService("api", { ports, backends: [] })).rejects.toThrow(PublishedPortConflictError);
      await expect(mesh.setService("api", { ports, backends: [] })).rejects.toThrow(`port ${published}/tcp is already published by service web`);
      expect(await roundTrip(published, "still-web")).toBe("still-web");
    });

    it("closes a removed service's listener", async () => {
      const mesh = newMesh();
      const published = await freePort(HOST);
      await mesh.setService("web", { ports: [{ published, target: 80, protocol: "tcp", mode: "ingress" }], backends: [] });
      expect(mesh.listening()).toEqual([{ protocol: "tcp", published, address: HOST, serviceId: "web" }]);
      await mesh.removeService("web");
      expect(mesh.listening()).toEqual([]);
      await expect(roundTrip(published, "x")).rejects.toThrow(/ECONNREFUSED/);
    });
  });

  /** A stand-in control plane: streams JSON-line MeshUpdates to whoever connects, until it dies. */
  async function startControlPlane(updates: readonly MeshUpdate[]): Promise<{ port: number; kill: () => Promise<void> }> {
    const conns = new Set<Socket>();
    const server = createServer((s) => {
      conns.add(s);
      for (const u of updates) s.write(`${JSON.stringify(u)}\n`);
    });
    await new Promise<void>((r) => server.listen(0, HOST, r));
    const kill = async (): Promise<void> => {
      for (const s of conns) s.resetAndDestroy();
      await new Promise<void>((r) => server.close(() => r()));
    };
    return { port: (server.address() as { port: number }).port, kill };
  }

  async function* feedFrom(port: number): AsyncGenerator<MeshUpdate> {
    const { connect } = await import("node:net");
    const s = connect(port, HOST);
    s.on("error", () => undefined);
    for await (const line of createInterface({ input: s })) yield JSON.parse(line) as MeshUpdate;
  }

  describe("mesh without its control plane", () => {
    it("keeps forwarding from the last table after the feed is gone", async () => {
      const backends = await Promise.all([startEchoBackend("a", HOST), startEchoBackend("b", HOST)]);
      for (const b of backends) cleanups.push(() => b.close());
      const published = await freePort(HOST);
      const cp = await startControlPlane([
        {
          type: "set-service",
          serviceId: "web",
          routes: {
            ports: [{ published, target: 80, protocol: "tcp", mode: "ingress" }],
            backends: backends.map((b) => ({ id: b.name, taskId: b.name, nodeId: "n1", addr: HOST, port: b.port })),
          },
        },
      ]);
      const mesh = newMesh();
      const following = mesh.follow(feedFrom(cp.port));
      await waitFor("feed applied", () => mesh.listening().length, (n) => n === 1);
      expect(mesh.feedState).toBe("following");
      await cp.kill();
      const end = await following;
      expect(end.applied).toBe(1);
      expect(mesh.feedState).toBe("lost");
      const answers = [];
      for (let i = 0; i < 20; i++) answers.push(await roundTrip(published, `r${i}`));
      expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`));
      expect(backends.map((b) => b.connections)).toEqual([10, 10]);
    });
  });

  describe("mesh feed with bad updates", () => {
    it("skips a malformed update, applies the rest, and says how many it rejected", async () => {
      const a = await startEchoBackend("a", HOST);
      cleanups.push(() => a.close());
      const published = await freePort(HOST);
      const good: MeshUpdate = {
        type: "set-service",
        serviceId: "web",
        routes: {
          ports: [{ published, target: 80, protocol: "tcp", mode: "ingress" }],
          backends: [{ id: "a", taskId: "a", nodeId: "n1", addr: HOST, port: a.port }],
        },
      };
      const bad: MeshUpdate = {
        type: "set-service",
        serviceId: "broken",
        routes: { ports: [{ published: 70000, target: 80, protocol: "tcp", mode: "ingress" }], backends: [] },
      };
      async function* feed(): AsyncGenerator<MeshUpdate> {
        yield bad;
        yield good;
        yield { type: "node-dead", nodeId: "n9" };
      }
      const mesh = newMesh();
      const end = await mesh.follow(feed());
      expect(end).toEqual({ reason: "ended", applied: 2, rejected: 1 });
      expect(mesh.listening().map((l) => l.serviceId)).toEqual(["web"]);
      expect(await roundTrip(published, "ok")).toBe("ok");
    });

    it("reports a feed that throws as failed and keeps serving", async () => {
      const a = await startEchoBackend("a", HOST);
      cleanups.push(() => a.close());
      const published = await freePort(HOST);
      async function* feed(): AsyncGenerator<MeshUpdate> {
        yield {
          type: "set-service",
          serviceId: "web",
          routes: {
            ports: [{ published, target: 80, protocol: "tcp", mode: "ingress" }],
            backends: [{ id: "a", taskId: "a", nodeId: "n1", addr: HOST, port: a.port }],
          },
        };
        throw new Error("dispatcher session lost");
      }
      const mesh = newMesh();
      const end = await mesh.follow(feed());
      expect(end.reason).toBe("failed");
      expect(end.reason === "failed" ? (end.error as Error).message : "").toBe("dispatcher session lost");
      expect(mesh.feedState).toBe("lost");
      expect(await roundTrip(published, "ok")).toBe("ok");
    });
  });
});

describe("mesh relay processes", () => {
  beforeAll(() => {
    relays = 0;
  });

  it("deals connections round-robin to the relays, with half-close, drain and verdicts over all of them", async () => {
    const backends = await Promise.all([startEchoBackend("a", HOST), startEchoBackend("b", HOST)]);
    for (const b of backends) cleanups.push(() => b.close());
    const mesh = newMesh({ relays: 2 });
    const published = await freePort(HOST);
    await mesh.setService("web", {
      ports: [{ published, target: 80, protocol: "tcp", mode: "ingress" }],
      backends: backends.map((b, i) => ({ id: b.name, taskId: `task-${b.name}`, nodeId: `n${i}`, addr: HOST, port: b.port })),
    });
    expect(mesh.relayPids()).toHaveLength(2);
    // Half-close through whichever relay gets the connection: after our FIN the echo still arrives.
    for (let i = 0; i < 4; i++) {
      const c = await connectTcp(published);
      c.end(`half${i}`);
      expect(await readUntil(c, (g) => g.startsWith(`half${i}bye:`))).toMatch(new RegExp(`^half${i}bye:[ab]$`));
    }
    for (let i = 0; i < 16; i++) expect(await roundTrip(published, `r${i}`)).toBe(`r${i}`);
    const settled = await waitFor("counters settled", () => mesh.metrics(), (ms) => ms.every((x) => x.active === 0));
    expect(settled.map((x) => [x.backendId, x.total])).toEqual([
      ["a", 10],
      ["b", 10],
    ]);
    // A dead node's backend gets no new connection.
    mesh.markNodeDead("n1");
    for (let i = 0; i < 6; i++) await roundTrip(published, `x${i}`);
    expect(backends.map((b) => b.connections)).toEqual([16, 10]);
    mesh.markNodeAlive("n1");
    // Held connections in both relays; the drain of task-a waits for its ones in each.
    const held = [];
    for (let i = 0; i < 4; i++) {
      const c = await connectTcp(published);
      cleanups.push(() => void c.destroy());
      c.write(`h${i}`);
      await readUntil(c, (g) => g === `h${i}`);
      held.push(c);
    }
    const onA = held.filter((_, i) => backends[0].received.some((chunks) => Buffer.concat(chunks).toString() === `h${i}`));
    expect(onA).toHaveLength(2);
    const activeOnA = async (): Promise<number> => (await mesh.metrics()).filter((x) => x.taskId === "task-a").reduce((n, x) => n + x.active, 0);
    expect(await activeOnA()).toBe(2);
    let done = false;
    const drained = mesh.drain("task-a", { timeoutMs: 10_000 }).finally(() => (done = true));
    for (let i = 0; i < 6; i++) await roundTrip(published, `d${i}`);
    expect(backends[0].connections).toBe(18);
    onA[0]?.end();
    await waitFor("one of task-a's connections closed", activeOnA, (a) => a === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toBe(false);
    onA[1]?.end();
    expect(await drained).toMatchObject({ drained: true, remaining: 0 });
  });

  it("a route change takes effect for the very next connection", async () => {
    const [a, b] = await Promise.all([startEchoBackend("a", HOST), startEchoBackend("b", HOST)]);
    cleanups.push(() => a.close(), () => b.close());
    const mesh = newMesh({ relays: 1 });
    const published = await freePort(HOST);
    const ports = [{ published, target: 80, protocol: "tcp" as const, mode: "ingress" as const }];
    const to = (e: typeof a): Backend => ({ id: e.name, taskId: e.name, nodeId: "n1", addr: HOST, port: e.port });
    await mesh.setService("web", { ports, backends: [to(a)] });
    for (let round = 0; round < 5; round++) {
      await mesh.setService("web", { ports, backends: [to(b)] });
      await roundTrip(published, "x");
      await mesh.setService("web", { ports, backends: [to(a)] });
      await roundTrip(published, "y");
    }
    expect([a.connections, b.connections]).toEqual([5, 5]);
  });
});

describe("mesh relay failure", () => {
  beforeAll(() => {
    relays = 0;
  });

  it("after a relay is killed: its held connection ends and is counted out, new ones are forwarded meanwhile, and it is restarted", async () => {
    const a = await startEchoBackend("a", HOST);
    cleanups.push(() => a.close());
    const mesh = newMesh({ relays: 1 });
    const published = await freePort(HOST);
    await mesh.setService("web", {
      ports: [{ published, target: 80, protocol: "tcp", mode: "ingress" }],
      backends: [{ id: "a", taskId: "a", nodeId: "n1", addr: HOST, port: a.port }],
    });
    const held = await connectTcp(published);
    cleanups.push(() => void held.destroy());
    held.write("hold");
    expect(await readUntil(held, (g) => g === "hold")).toBe("hold");
    const [first] = mesh.relayPids();
    expect(first).toBeGreaterThan(0);
    const ended = new Promise((r) => held.once("end", r));
    process.kill(first ?? 0, "SIGKILL");
    await ended; // the kernel closed the relay's sockets: a FIN, not a hang
    await waitFor("the lost connection counted out", () => mesh.activeForTask("a"), (n) => n === 0);
    // Meanwhile this process forwards: not one connection is refused.
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await roundTrip(published, `r${i}`));
    expect(answers).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    // After its backoff the relay is started again, and takes the connections.
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 4; i++) expect(await roundTrip(published, `n${i}`)).toBe(`n${i}`);
    const [second] = mesh.relayPids();
    expect(second).toBeGreaterThan(0);
    expect(second).not.toBe(first);
    // A connection held open now sits in the new relay: its two sockets (client, backend).
    await waitFor("the short connections closed", () => mesh.activeForTask("a"), (n) => n === 0);
    const sockets = socketsOf(second ?? 0);
    const c = await connectTcp(published);
    cleanups.push(() => void c.destroy());
    c.write("again");
    expect(await readUntil(c, (g) => g === "again")).toBe("again");
    expect(socketsOf(second ?? 0)).toBe(sockets + 2);
  });

  it("leaves no relay process behind when the mesh's process is SIGKILLed, even with a connection open", async () => {
    const a = await startEchoBackend("a", HOST);
    cleanups.push(() => a.close());
    const published = await freePort(HOST);
    // A separate Node process (through tsx, as vitest runs this file) that opens a mesh with one
    // relay and prints the relay's pid.
    const backend = { id: "a", taskId: "a", nodeId: "n1", addr: HOST, port: a.port };
    const script = [
      `import { Mesh } from ${JSON.stringify(new URL("./mesh.ts", import.meta.url).href)};`,
      `const mesh = new Mesh({ bindAddress: "127.0.0.1", relays: 1 });`,
      `await mesh.setService("web", { ports: [{ published: ${published}, target: 80, protocol: "tcp", mode: "ingress" }], backends: [${JSON.stringify(backend)}] });`,
      `console.log(mesh.relayPids().join(","));`,
      `setInterval(() => undefined, 1000);`,
    ].join("\n");
    const tsx = createRequire(import.meta.url).resolve("tsx");
    const parent = spawn(process.execPath, ["--import", pathToFileURL(tsx).href, "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    cleanups.push(() => void parent.kill("SIGKILL"));
    const line = await new Promise<string>((resolve, reject) => {
      parent.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
      parent.once("exit", (code) => reject(new Error(`mesh process exited ${String(code)} before printing its relay`)));
    });
    const relay = Number(line);
    expect(relay).toBeGreaterThan(0);
    expect(alive(relay)).toBe(true);
    cleanups.push(() => {
      if (alive(relay)) process.kill(relay, "SIGKILL");
    });
    const held = await connectTcp(published);
    cleanups.push(() => void held.destroy());
    held.write("hold");
    expect(await readUntil(held, (g) => g === "hold")).toBe("hold");
    expect(a.open).toBe(1);
    parent.kill("SIGKILL");
    await waitFor(`relay ${relay} gone after its parent was killed`, () => alive(relay), (v) => !v, 5000);
    // The connection it held is closed, not left half-open.
    await waitFor("held connection closed at the backend", () => a.open, (n) => n === 0, 5000);
  });
});

/** How many sockets a process has open. */
function socketsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:");
    } catch {
      return false;
    }
  }).length;
}

/** Whether a pid is a live (not zombie) process. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
