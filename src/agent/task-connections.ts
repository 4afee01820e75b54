/**
 * Open TCP connections to a task, counted where they all end: in the task's network namespace. A
 * node's mesh knows only its own connections; the task's netns also holds those of every other node's
 * mesh (and of any client that dialled the task address), so drain-before-stop waits on this count.
 */
import { runProcess } from "../lib/spawner.js";

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

/** {@link countEstablished} inside the netns at `netnsPath` (one `nsenter … cat`, via the shared spawner). */
export async function taskConnections(netnsPath: string, ports: ReadonlySet<number>): Promise<number> {
  const r = await runProcess("nsenter", [`--net=${netnsPath}`, "cat", "/proc/net/tcp", "/proc/net/tcp6"]);
  // Without IPv6 there is no tcp6 file: cat fails but printed tcp. Without the netns nothing is printed.
  if (r.stdout === "") throw new Error(`cannot read the connections in ${netnsPath}: ${r.stderr.trim() || `exit ${String(r.code ?? r.signal)}`}`);
  return countEstablished(r.stdout, ports);
}
