/**
 * Open TCP connections to a task, counted where they all end: in the task's network namespace. A
 * node's mesh knows only its own connections; the task's netns also holds those of every other node's
 * mesh (and of any client that dialled the task address), so drain-before-stop waits on this count.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** TCP state ESTABLISHED in /proc/net/tcp (include/net/tcp_states.h). */
const ESTABLISHED = "01";

/**
 * Counts the ESTABLISHED sockets of `/proc/net/tcp{,6}` text whose local port is one of `ports`
 * (connections the task accepted on them). Lines that do not parse are skipped.
 */
export function countEstablished(procNetTcp: string, ports: ReadonlySet<number>): number {
  let n = 0;
  for (const line of procNetTcp.split("\n")) {
    // "  0: 0A000203:0050 0A000101:D3A2 01 …": slot, local address:port, remote, state.
    const f = line.trim().split(/\s+/);
    const local = f[1];
    if (f[3] !== ESTABLISHED || local === undefined) continue;
    const port = Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16);
    if (ports.has(port)) n++;
  }
  return n;
}

/** {@link countEstablished} inside the netns at `netnsPath` (one `nsenter … cat` process). */
export async function taskConnections(netnsPath: string, ports: ReadonlySet<number>): Promise<number> {
  let text: string;
  try {
    text = (await run("nsenter", [`--net=${netnsPath}`, "cat", "/proc/net/tcp", "/proc/net/tcp6"], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (err) {
    // Without IPv6 there is no tcp6 file: cat still printed tcp. Without the netns there is nothing to count.
    const out = (err as { stdout?: unknown }).stdout;
    if (typeof out !== "string" || out === "") throw err;
    text = out;
  }
  return countEstablished(text, ports);
}
