/**
 * Best-effort answer to "what holds this port?" from /proc: the socket inode listed in
 * /proc/net/{tcp,tcp6,udp,udp6} for the port, then the process whose fd table links to that inode.
 * Used only to make the port-in-use error clear; returns undefined when it cannot tell.
 */
import { readdir, readFile, readlink } from "node:fs/promises";
import type { PortHolder } from "./errors.js";
import type { Protocol } from "./types.js";

const TCP_LISTEN = "0A";
const UDP_UNCONNECTED = "07";

/** Socket inodes bound to `port` in the given /proc/net table text (listening TCP / unconnected UDP). */
export function inodesForPort(table: string, port: number, protocol: Protocol): string[] {
  const wantState = protocol === "tcp" ? TCP_LISTEN : UDP_UNCONNECTED;
  const out: string[] = [];
  for (const line of table.split("\n").slice(1)) {
    const cols = line.trim().split(/\s+/);
    const local = cols[1];
    const state = cols[3];
    const inode = cols[9];
    if (local === undefined || state === undefined || inode === undefined) continue;
    const hexPort = local.slice(local.lastIndexOf(":") + 1);
    if (parseInt(hexPort, 16) === port && state === wantState && inode !== "0") out.push(inode);
  }
  return out;
}

/** Finds the process holding `port` (or undefined). Never throws. */
export async function findPortHolder(port: number, protocol: Protocol): Promise<PortHolder | undefined> {
  try {
    const inodes = new Set<string>();
    for (const file of protocol === "tcp" ? ["tcp", "tcp6"] : ["udp", "udp6"]) {
      const text = await readFile(`/proc/net/${file}`, "utf8").catch(() => "");
      for (const i of inodesForPort(text, port, protocol)) inodes.add(i);
    }
    if (inodes.size === 0) return undefined;
    const pids = (await readdir("/proc")).filter((d) => /^\d+$/.test(d));
    for (const pid of pids) {
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
      for (const fd of fds) {
        const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m?.[1] !== undefined && inodes.has(m[1])) {
          const command = (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "?")).trim();
          return { pid: Number(pid), command };
        }
      }
    }
    return undefined;
  } catch {
    return undefined;
  }
}
