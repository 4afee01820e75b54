/**
 * What the kernel currently holds that looks like ours: netns, links, root FORWARD rules, mounts and
 * cgroups whose names carry the prefix. Read-only queries; `cleanup.ts` acts on them.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { PREFIX, clusterOfObject } from "./names.js";
import { runOk } from "./run.js";

/** Where `ip netns` keeps its namespace files. */
export const NETNS_DIR = "/run/netns";

/** `iptables` with the xtables lock wait, so concurrent harness steps do not fail on the lock. */
export const IPTABLES = ["iptables", "-w", "5"] as const;

/** True when `name` belongs to cluster `cluster` (or to any harness cluster when cluster is undefined). */
function ours(name: string, cluster: string | undefined): boolean {
  const owner = clusterOfObject(name);
  return owner !== undefined && (cluster === undefined || owner === cluster);
}

/** Harness network namespaces (`/run/netns/swt-…`). */
export function harnessNetns(cluster?: string): string[] {
  try {
    return readdirSync(NETNS_DIR).filter((n) => ours(n, cluster)).sort();
  } catch {
    return [];
  }
}

/** Harness links in the root namespace (bridges and veth ends named `swt-…`). */
export function harnessLinks(cluster?: string): string[] {
  return readdirSync("/sys/class/net").filter((n) => ours(n, cluster)).sort();
}

/** Root FORWARD rules tagged with the harness comment, as `iptables -S` lines. */
export async function harnessForwardRules(cluster?: string): Promise<string[]> {
  const out = await runOk([...IPTABLES, "-S", "FORWARD"]);
  return out
    .split("\n")
    .filter((line) => {
      const m = /--comment "?(swt:[^" ]+)"?/.exec(line);
      return m?.[1] !== undefined && ours(m[1], cluster);
    });
}

/** Splits an `iptables -S` line into argv words (handles the quotes iptables puts around comments). */
export function splitRuleLine(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? "");
  return words;
}

/** Decodes the octal escapes (`\040`) of /proc/self/mountinfo paths. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** One line of /proc/self/mountinfo, reduced to what the harness needs. */
export interface MountEntry {
  readonly mountPoint: string;
  readonly fsType: string;
}

/** Parses /proc/self/mountinfo. */
export function readMounts(): MountEntry[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((line) => {
      const fields = line.split(" ");
      const dash = fields.indexOf("-");
      return { mountPoint: unescapeMountPath(fields[4] ?? ""), fsType: fields[dash + 1] ?? "" };
    });
}

/** Mount points under any of `roots` (deepest first, so they can be unmounted in order). */
export function mountsUnder(roots: readonly string[]): string[] {
  const found = readMounts()
    .map((m) => m.mountPoint)
    .filter((p) => roots.some((r) => p === r || p.startsWith(`${r}/`)));
  return [...new Set(found)].sort((a, b) => b.length - a.length);
}

/** Mount point of the cgroup v2 hierarchy (`/sys/fs/cgroup` or `/sys/fs/cgroup/unified`), if any. */
export function cgroup2Root(): string | undefined {
  return readMounts().find((m) => m.fsType === "cgroup2")?.mountPoint;
}

/** Roots of every cgroup hierarchy (v2 and each v1 controller). */
export function cgroupRoots(): string[] {
  return [...new Set(readMounts().filter((m) => m.fsType === "cgroup" || m.fsType === "cgroup2").map((m) => m.mountPoint))];
}

/** Top-level harness cgroups (`<root>/swt-…`) in every hierarchy. */
export function harnessCgroups(cluster?: string): string[] {
  const found: string[] = [];
  for (const root of cgroupRoots()) {
    try {
      for (const entry of readdirSync(root, { withFileTypes: true })) {
        if (entry.isDirectory() && entry.name.startsWith(`${PREFIX}-`) && ours(entry.name, cluster)) found.push(join(root, entry.name));
      }
    } catch {
      // an unreadable hierarchy holds nothing of ours
    }
  }
  return found.sort();
}

/** True when the tool is on PATH (checked before `up`, so a missing package fails with its name). */
export function onPath(tool: string): boolean {
  return (process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(":").some((dir) => existsSync(join(dir, tool)));
}

/** Netns, links and cgroups of `cluster` that exist now (a non-empty list means "already up or left over"). */
export function harnessObjectsExist(cluster: string): string[] {
  return [...harnessNetns(cluster), ...harnessLinks(cluster), ...harnessCgroups(cluster)];
}
