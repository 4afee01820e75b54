/**
 * Processes seen through /proc: identity (pid + start time, so a reused pid is not mistaken for our
 * daemon), run state, and which network namespace a process is in.
 */
import { readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";

/** Observed state of a tracked process. */
export type ProcState = "running" | "stopped" | "dead";

/** The fields of /proc/<pid>/stat the harness uses. */
export interface ProcStat {
  /** One-letter state: R, S, D, T (stopped), t, Z (zombie), X … */
  readonly state: string;
  /** Start time in clock ticks after boot: with the pid, identifies a process across pid reuse. */
  readonly startTime: number;
}

/** Parses the content of /proc/<pid>/stat (the comm field may contain spaces and parentheses). */
export function parseProcStat(text: string): ProcStat {
  const close = text.lastIndexOf(")");
  const rest = text.slice(close + 2).split(" ");
  // rest[0] is field 3 (state); start time is field 22 → rest[19].
  return { state: rest[0] ?? "?", startTime: Number(rest[19] ?? NaN) };
}

/** Reads /proc/<pid>/stat, or undefined when the process does not exist. */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/** State of process `pid` started at `startTime`: dead when gone, a zombie, or a different process. */
export function procState(pid: number, startTime: number): ProcState {
  const stat = readProcStat(pid);
  if (stat === undefined || stat.startTime !== startTime || stat.state === "Z" || stat.state === "X") return "dead";
  return stat.state === "T" || stat.state === "t" ? "stopped" : "running";
}

/** Inode of a namespace file (`/run/netns/x` or `/proc/<pid>/ns/net`), or undefined. */
export function nsInode(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Pids of every process whose network namespace inode is in `inodes`. */
export function pidsInNetns(inodes: ReadonlySet<number>): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const link = readlinkSync(`/proc/${entry}/ns/net`); // "net:[4026532281]"
      const ino = Number(/\[([0-9]+)\]/.exec(link)?.[1]);
      if (inodes.has(ino)) pids.push(Number(entry));
    } catch {
      // the process exited meanwhile
    }
  }
  return pids;
}

/** Sends a signal, ignoring ESRCH (already gone). Returns false when the process did not exist. */
export function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw err;
  }
}
