// The native relay (`swarm-runtime relay`) on loopback: its command protocol with bad input, and the
// mesh side falling back to in-process forwarding when the relay cannot take a connection.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.js";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";
import { NativeRelay } from "./native-relay.js";
import type { RouteBackend } from "./table.js";
import type { TcpPath } from "./tcp-forwarder.js";
import { connectTcp, freePort, readUntil, startEchoBackend, waitFor } from "./testing/backends.js";

const HOST = "127.0.0.1";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A listener whose accepted sockets arrive paused, as the mesh's do. */
async function pausedListener(onSocket: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, onSocket);
  await new Promise<void>((r) => server.listen(0, HOST, r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const addr = server.address();
  return { server, port: typeof addr === "object" && addr !== null ? addr.port : 0 };
}

function fdOf(s: Socket): number {
  return (s as unknown as { _handle: { fd: number } })._handle.fd;
}

/** Runs the relay as this process's child; collects its stdout lines and stderr. */
function startRelay(): { child: ChildProcessWithoutNullStreams; lines: string[]; stderr: () => string } {
  const child = spawn(RUNTIME_BINARY, ["relay"]);
  cleanups.push(() => void child.kill("SIGKILL"));
  const lines: string[] = [];
  let out = "";
  let err = "";
  child.stdout.setEncoding("latin1").on("data", (d: string) => {
    out += d;
    const parts = out.split("\n");
    out = parts.pop() ?? "";
    lines.push(...parts);
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  return { child, lines, stderr: () => err };
}

describe("swarm-runtime relay", () => {
  it("ignores malformed commands with a message, answers E for a descriptor it cannot take, and keeps relaying", async () => {
    const echo = await startEchoBackend("a", HOST);
    cleanups.push(() => echo.close());
    const relay = startRelay();
    const accepted: Socket[] = [];
    const { port } = await pausedListener((s) => accepted.push(s));
    relay.child.stdin.write(
      [
        "Z 1",
        "C 1 x 127.0.0.1 1 100 -",
        "C 2 0 127.0.0.1 1 100 zz",
        "R 99 127.0.0.1 1 100",
        "X 98",
        "I -5",
        `C 3 99999 127.0.0.1 ${echo.port} 100 -`,
        "",
      ].join("\n"),
    );
    await waitFor("E for the missing descriptor", () => relay.lines, (l) => l.includes("E 3 9"));
    expect(relay.stderr()).toMatch(/ignoring a bad command \(unknown\): Z 1/);
    expect(relay.stderr()).toMatch(/ignoring a bad command \(numbers\): C 1 x/);
    expect(relay.stderr()).toMatch(/ignoring a bad command \(header\): C 2 0/);
    expect(relay.stderr()).toMatch(/ignoring a bad command \(no connection waiting\): R 99/);
    expect(relay.stderr()).toMatch(/ignoring a bad command \(no connection waiting\): X 98/);
    expect(relay.stderr()).toMatch(/ignoring a bad command \(numbers\): I -5/);
    // Still serving: a real hand-over, a refused backend (F), a retry elsewhere (R), bytes, close (D).
    const client = await connectTcp(port);
    cleanups.push(() => void client.destroy());
    const server = await waitFor("accepted", () => accepted[0], (s) => s !== undefined);
    const refused = await freePort(HOST);
    relay.child.stdin.write(`C 4 ${fdOf(server!)} 127.0.0.1 ${refused} 1000 -\n`);
    await waitFor("F for the refused backend", () => relay.lines, (l) => l.includes("F 4 111"));
    server!.destroy(); // the relay holds its own copy now
    relay.child.stdin.write(`R 4 127.0.0.1 ${echo.port} 1000\n`);
    await waitFor("U after the retry", () => relay.lines, (l) => l.includes("U 4"));
    client.write("hello");
    expect(await readUntil(client, (g) => g === "hello")).toBe("hello");
    client.end();
    expect(await readUntil(client, (g) => g.endsWith("bye:a"))).toBe("bye:a");
    await waitFor("D with the byte counts", () => relay.lines, (l) => l.includes("D 4 5 10"));
    expect(relay.child.exitCode).toBeNull();
  });

  it("exits when its stdin closes", async () => {
    const relay = startRelay();
    relay.child.stdin.end();
    const code = await new Promise<number | null>((r) => relay.child.once("exit", (c) => r(c)));
    expect(code).toBe(0);
  });
});

describe("NativeRelay", () => {
  it("forwards in this process a connection the relay could not take (E), and the next ones too", async () => {
    const echo = await startEchoBackend("a", HOST);
    cleanups.push(() => echo.close());
    // A relay whose parent is not this process (a shell runs it as its child): every hand-over fails.
    const dir = mkdtempSync(join(tmpdir(), "swarm-relay-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const wrapper = join(dir, "relay-behind-a-shell");
    writeFileSync(wrapper, `#!/bin/sh\n${JSON.stringify(RUNTIME_BINARY)} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const logged: string[] = [];
    const logger = createLogger({ level: "warn", destination: { write: (line: string) => void logged.push(line) } });
    const relay = NativeRelay.create(logger, wrapper);
    if (relay === undefined) throw new Error("no relay");
    cleanups.push(() => relay.close());
    const backend: RouteBackend = { id: "a", taskId: "a", nodeId: "n1", serviceId: "web", addr: HOST, port: echo.port };
    const paths: TcpPath[] = [];
    const closed: [number, number][] = [];
    const { port } = await pausedListener((s) => {
      const path = relay.adopt(s);
      paths.push(path);
      path.connect(backend, undefined, 1000, {
        failed: (code) => closed.push([-1, code.length]),
        connected: () => undefined,
        closed: (bytesIn, bytesOut) => closed.push([bytesIn, bytesOut]),
      });
    });
    for (let i = 0; i < 2; i++) {
      const c = await connectTcp(port);
      cleanups.push(() => void c.destroy());
      c.end(`r${i}`);
      expect(await readUntil(c, (g) => g.endsWith("bye:a"))).toBe(`r${i}bye:a`);
    }
    await waitFor("both connections closed", () => closed, (c) => c.length === 2);
    expect(closed).toEqual([
      [2, 7],
      [2, 7],
    ]);
    const fallbacks = logged.filter((l) => l.includes("mesh relay could not take a connection; this process forwards it"));
    expect(fallbacks).toHaveLength(2);
    expect(fallbacks[0]).toContain('"errno":"EBADF"');
  });
});
