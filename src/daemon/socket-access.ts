/**
 * Who may use the local socket. Node has no SO_PEERCRED, so the kernel's own check is the gate: connect(2)
 * on a path-bound unix socket needs write permission on the socket file (and search permission on every
 * directory above it). The socket is therefore created under umask 077 (0600 root:root from its first
 * instant — there is no window in which it is wider), and only `--socket-group NAME` widens it, afterwards,
 * to 0660 root:NAME. Why not a per-connection uid check: the only way without a native addon is to match the
 * connection's socket inode in /proc/net/unix against every /proc/PID/fd of the host — O(processes × fds)
 * per call and racy against fd passing; the file mode gives the same guarantee with no window. See
 * design/agent.md ("Data at rest and the local socket").
 */
import { chmodSync, chownSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { ErrorCode, SwarmError } from "../lib/errors.js";

/** Mode of the socket when only root may connect. */
export const ROOT_ONLY_SOCKET_MODE = 0o600;
/** Mode of the socket when `--socket-group` names a group that may connect too. */
export const GROUP_SOCKET_MODE = 0o660;

/** The gid of `name` in an /etc/group text (`name:x:gid:members`), or undefined. A number is taken as a gid. */
export function groupId(groupFile: string, name: string): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  for (const line of groupFile.split("\n")) {
    const [n, , gid] = line.split(":");
    if (n === name && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}

/** Resolves `--socket-group NAME` against /etc/group; an unknown group is an error naming it. */
export function resolveSocketGroup(name: string, groupFile = "/etc/group"): number {
  const gid = groupId(readFileSync(groupFile, "utf8"), name);
  if (gid === undefined) throw new SwarmError(ErrorCode.InvalidArgument, `--socket-group: no group ${JSON.stringify(name)} in ${groupFile}`);
  return gid;
}

/**
 * Lets group `gid` connect to the socket at `path` (0660 root:gid). Refuses when the group could not reach
 * it anyway (a parent directory without search permission for it, e.g. the 0700 data dir): a socket
 * group that silently does nothing would leave the operator guessing.
 */
export function grantSocketGroup(path: string, gid: number): void {
  const dir = dirname(path);
  const st = statSync(dir);
  const groupCanSearch = (st.gid === gid && (st.mode & 0o010) !== 0) || (st.mode & 0o001) !== 0;
  if (!groupCanSearch) {
    throw new SwarmError(
      ErrorCode.FailedPrecondition,
      `--socket-group: group ${gid} cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8)}): put --socket in a directory it can reach, e.g. /run/swarmd`,
    );
  }
  chownSync(path, -1, gid); // owner stays the daemon (root)
  chmodSync(path, GROUP_SOCKET_MODE);
}
