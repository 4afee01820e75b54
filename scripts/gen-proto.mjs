#!/usr/bin/env node
// Regenerates TypeScript types for every proto/*.proto into src/gen with proto-loader-gen-types.
// `--check` regenerates into a temporary directory and fails if src/gen differs (CI uses it), so
// generated files are never edited by hand. The loader options here must match src/lib/proto.ts.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const protoDir = join(root, "proto");
const outDir = join(root, "src/gen");
const check = process.argv.includes("--check");

const protos = readdirSync(protoDir).filter((f) => f.endsWith(".proto")).sort();
if (protos.length === 0) {
  console.error("gen-proto: no .proto files in proto/");
  process.exit(1);
}

function generate(target) {
  rmSync(target, { recursive: true, force: true });
  execFileSync(
    join(root, "node_modules/.bin/proto-loader-gen-types"),
    [
      "--longs=Number",
      "--enums=String",
      "--defaults",
      "--oneofs",
      "--includeComments",
      "--importFileExtension=.js",
      "--grpcLib=@grpc/grpc-js",
      "--includeDirs", protoDir,
      "--outDir", target,
      ...protos,
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  // The generator writes the absolute path of each .proto into a header comment; make it relative so
  // the output does not depend on where the checkout lives.
  for (const file of listFiles(target)) {
    const text = readFileSync(file, "utf8");
    const fixed = text.split(`// Original file: ${protoDir}/`).join("// Original file: proto/");
    if (fixed !== text) writeFileSync(file, fixed);
  }
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

if (!check) {
  generate(outDir);
  console.log(`gen-proto: generated ${listFiles(outDir).length} files from ${protos.length} protos into src/gen`);
  process.exit(0);
}

const tmp = mkdtempSync(join(tmpdir(), "swarm-gen-"));
try {
  generate(tmp);
  const want = new Map(listFiles(tmp).map((p) => [relative(tmp, p), readFileSync(p, "utf8")]));
  const have = new Map(listFiles(outDir).map((p) => [relative(outDir, p), readFileSync(p, "utf8")]));
  const stale = [];
  for (const [name, text] of want) if (have.get(name) !== text) stale.push(name);
  for (const name of have.keys()) if (!want.has(name)) stale.push(name);
  if (stale.length > 0) {
    console.error(`gen-proto --check: src/gen is stale for ${stale.length} file(s), e.g. ${stale.slice(0, 5).join(", ")}`);
    console.error("run `npm run gen:proto` and commit the result");
    process.exit(1);
  }
  console.log(`gen-proto --check: src/gen matches ${protos.length} protos`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
