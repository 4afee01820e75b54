/**
 * Walks a swarmd data dir and sorts every path into what must be owner-only and what is a container's own
 * file (image layers, a task's rootfs: the image's modes, closed off by a 0700 directory above them).
 * Shared by the single-daemon test and the cluster attack (cluster-test/attacks/local.ts).
 */
import { lstatSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

/** Paths whose contents are a container's files (a layer directory is the container's "/"). */
const CONTAINER_CONTENT = [/^images\/layers\/[^/]+/, /^agent\/tasks\/[^/]+\/fs\/./];

/** The walk's result: paths relative to the data dir. */
export interface DataDirModes {
  /** Paths that must grant nothing to group or others. */
  readonly checked: readonly string[];
  /** Of those, the ones that do, as "path mode" (octal). */
  readonly wide: readonly string[];
  /** Container files left to their image's modes. */
  readonly containerFiles: number;
}

/** See the module comment; symlinks are not followed. */
export function dataDirModes(dataDir: string): DataDirModes {
  const checked: string[] = [];
  const wide: string[] = [];
  let containerFiles = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      const rel = relative(dataDir, p);
      if (CONTAINER_CONTENT.some((re) => re.test(rel))) containerFiles++;
      else {
        checked.push(rel);
        if ((st.mode & 0o077) !== 0) wide.push(`${rel} ${(st.mode & 0o777).toString(8)}`);
      }
      if (st.isDirectory()) walk(p);
    }
  };
  walk(dataDir);
  return { checked, wide, containerFiles };
}
