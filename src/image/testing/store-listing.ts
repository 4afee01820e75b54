/**
 * Test support: a recursive listing of a directory (path, type, size, mode) to assert that a refused
 * operation left a store exactly as it was.
 */
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Sorted "path type size mode" lines for everything under `dir` (the lock file excluded). */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel === "" ? name : `${rel}/${name}`;
      if (path === "lock") continue;
      const st = lstatSync(join(dir, path));
      const type = st.isDirectory() ? "d" : st.isSymbolicLink() ? "l" : st.isFile() ? "f" : "o";
      out.push(`${path} ${type} ${st.isFile() ? st.size : 0} ${(st.mode & 0o7777).toString(8)}`);
      if (st.isDirectory()) walk(path);
    }
  };
  walk("");
  return out;
}
