#!/usr/bin/env node
// Fails when the TypeScript sources have an import cycle (STYLE.md: no import cycles).
// Reads every relative `import … from "./x.js"` / `export … from` / `import("./x.js")` in src/,
// cluster-test/ and bench/, and reports each strongly connected component with more than one file (or a
// self-import). `import type` lines are skipped: they are erased at compile time, so they cannot cause
// the module-initialization bugs runtime cycles do (the Raft core's leader/follower handlers take the
// Raft type they are methods of, as etcd's do).
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
const roots = ["src", "cluster-test", "bench"].map((d) => join(root, d)).filter(existsSync);
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

const files = roots.flatMap((d) => walk(d, []));
const known = new Set(files);
const spec = /(?:import|export)\s(?!type\s)[^'"]*?from\s*["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;
const graph = new Map();
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const deps = new Set();
  for (const m of text.matchAll(spec)) {
    const target = resolve(dirname(file), (m[1] ?? m[2]).replace(/\.js$/, ".ts"));
    if (known.has(target)) deps.add(target);
  }
  graph.set(file, [...deps]);
}

// Tarjan's strongly connected components.
let index = 0;
const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], sccs = [];
function connect(v) {
  idx.set(v, index); low.set(v, index); index++; stack.push(v); onStack.add(v);
  for (const w of graph.get(v)) {
    if (!idx.has(w)) { connect(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const scc = [];
    let w;
    do { w = stack.pop(); onStack.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1 || graph.get(v).includes(v)) sccs.push(scc);
  }
}
for (const v of graph.keys()) if (!idx.has(v)) connect(v);

if (sccs.length > 0) {
  console.error(`check-cycles: ${sccs.length} import cycle(s):`);
  for (const scc of sccs) console.error(`  ${scc.map((f) => relative(root, f)).sort().join(" <-> ")}`);
  process.exit(1);
}
console.log(`check-cycles: ${files.length} files, no import cycles`);
