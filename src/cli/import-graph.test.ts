/**
 * Every swarmctl call is a fresh process, so what its entry point imports is paid on every call. The
 * CLI speaks to the daemon over gRPC and must not load the daemon's or the manager's graphs (the CA's
 * X.509 library alone cost ~0.7 s per call under load).
 */
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Files and packages reached from `entry` by runtime imports (`import type` erased, as tsc does). */
function runtimeGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(join(SRC, file), "utf8");
    for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+"([^"]+)";|^import\s+"([^"]+)";/gms)) {
      const target = m[1] ?? m[2] ?? "";
      if (target.startsWith(".")) visit(normalize(join(dirname(file), target.replace(/\.js$/, ".ts"))));
      else packages.add(target);
    }
  };
  visit(entry);
  return { files, packages };
}

describe("swarmctl's import graph", () => {
  it("holds no daemon, manager server, CA or Raft code", () => {
    const { files, packages } = runtimeGraph("cli/swarmctl.ts");
    expect(files.size).toBeGreaterThan(10);
    expect([...packages].filter((p) => p === "@peculiar/x509" || p === "reflect-metadata")).toEqual([]);
    const heavy = [...files].filter((f) => /^(daemon|manager|ca|raft|store|agent|mesh|network|gossip)\//.test(f));
    expect(heavy).toEqual([]);
  });
});
