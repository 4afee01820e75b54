#!/usr/bin/env node
// The import rules of CONTRIBUTING.md ("Rooms and the import rule"), checked by `npm test`:
//  1. No import cycle between files (STYLE.md). Reads every relative `import … from "./x.js"` /
//     `export … from` / `import("./x.js")` in src/, cluster-test/ and bench/. `import type` lines are
//     skipped here: erased at compile time, they cannot cause module-initialization bugs (the Raft core's
//     leader/follower handlers take the Raft type they are methods of, as etcd's do).
//  2. No circle between rooms: a room is a top-level folder of src/, and each folder inside src/manager/
//     and src/raft/ (their parts are roles of their own); a room's own sub-folders (image/tar,
//     agent/testing) belong to it. `import type` counts: a room that names another's types depends on
//     it. Test files (*.test.ts) and testing/ helpers are not part of a room's code.
//  3. src/manager/ is imported only by src/daemon/ (and by tests, testing/ helpers, bench/, cluster-test/):
//     worker-side code, the CLI and the shared rooms never reach into the manager.
//  4. No file in src/ over 500 lines, generated code (src/gen/) aside.
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Longest file allowed in src/ (generated code aside). */
export const MAX_LINES = 500;

const skip = new Set(["node_modules", "dist", "gen"]);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith(".ts") && !p.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

const importSpec = /(?:import|export)\s(type\s)?[^'"]*?from\s*["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

/** Strongly connected components with more than one node (or a self-loop), Tarjan. */
function cycles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], out = [];
  function connect(v) {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { connect(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc);
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) connect(v);
  return out;
}

const isTest = (rel) => rel.endsWith(".test.ts");
/** Folders whose sub-folders are rooms of their own. */
const SPLIT_ROOMS = new Set(["manager", "raft"]);

/** The room of a file of src/ ("agent", "manager/scheduler", "manager" for manager/manager.ts). */
function roomOf(relToSrc) {
  const parts = relToSrc.split(sep);
  const first = parts[0];
  if (parts.length === 1) return ".";
  if (SPLIT_ROOMS.has(first) && parts.length > 2) return `${first}/${parts[1]}`;
  return first;
}
const isTestingHelper = (rel) => rel.split(sep).includes("testing");

/**
 * Checks the rules on the tree at `root`; returns one message per violation (empty: all hold).
 * Paths in messages are relative to `root`.
 */
export function analyze(root) {
  const roots = ["src", "cluster-test", "bench"].map((d) => join(root, d)).filter(existsSync);
  const files = roots.flatMap((d) => walk(d, []));
  const known = new Set(files);
  const src = join(root, "src");
  const rel = (f) => relative(root, f);
  const runtime = new Map();
  const all = new Map();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const deps = new Set(), allDeps = new Set();
    for (const m of text.matchAll(importSpec)) {
      const target = resolve(dirname(file), (m[2] ?? m[3]).replace(/\.js$/, ".ts"));
      if (!known.has(target)) continue;
      allDeps.add(target);
      if (m[1] === undefined) deps.add(target);
    }
    runtime.set(file, [...deps]);
    all.set(file, [...allDeps]);
  }
  const problems = [];
  for (const scc of cycles(runtime)) problems.push(`import cycle: ${scc.map(rel).sort().join(" <-> ")}`);

  const inSrc = (f) => f.startsWith(src + sep);
  const folders = new Map();
  const why = new Map();
  for (const [file, deps] of all) {
    if (!inSrc(file) || isTest(rel(file)) || isTestingHelper(rel(file))) continue;
    const from = roomOf(relative(src, file));
    if (!folders.has(from)) folders.set(from, []);
    for (const d of deps) {
      const to = roomOf(relative(src, d));
      if (to === from || !inSrc(d)) continue;
      if (!folders.get(from).includes(to)) folders.get(from).push(to);
      const key = `${from} -> ${to}`;
      if (!why.has(key)) why.set(key, `${rel(file)} imports ${rel(d)}`);
    }
  }
  for (const scc of cycles(folders)) {
    const set = new Set(scc);
    const edges = [...why].filter(([k]) => { const [a, b] = k.split(" -> "); return set.has(a) && set.has(b); }).map(([, v]) => v);
    problems.push(`folder circle: ${scc.map((r) => `src/${r}`).sort().join(" <-> ")} (${edges.join("; ")})`);
  }

  const manager = join(src, "manager") + sep;
  const daemon = join(src, "daemon") + sep;
  for (const [file, deps] of all) {
    const r = rel(file);
    if (!inSrc(file) || file.startsWith(manager) || file.startsWith(daemon) || isTest(r) || isTestingHelper(r)) continue;
    for (const d of deps) if (d.startsWith(manager)) problems.push(`only src/daemon/ may import src/manager/: ${r} imports ${rel(d)}`);
  }

  for (const file of files) {
    if (!inSrc(file)) continue;
    const lines = readFileSync(file, "utf8").split("\n").length - 1;
    if (lines > MAX_LINES) problems.push(`${rel(file)} has ${lines} lines (at most ${MAX_LINES}; split it into named parts)`);
  }
  return { files: files.length, problems };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, problems } = analyze(resolve(dirname(fileURLToPath(import.meta.url)), ".."));
  if (problems.length > 0) {
    console.error(`check-cycles: ${problems.length} problem(s) (CONTRIBUTING.md, "Rooms and the import rule"):`);
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
  console.log(`check-cycles: ${files} files, no import cycles, no folder circles, src/manager/ imported only by src/daemon/, no file over ${MAX_LINES} lines`);
}
