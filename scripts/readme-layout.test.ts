// README's "Layout" section lists every room of src/ (each top-level folder, and the folders inside
// src/manager/ and src/raft/) with one line each; this keeps it matching the tree.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

function folders(dir: string): string[] {
  return readdirSync(dir).filter((n) => n !== "testing" && statSync(join(dir, n)).isDirectory()).sort();
}

/** The src/ rooms the README's layout block names: "src/agent", "src/manager/scheduler"… */
function listed(readme: string): string[] {
  const section = readme.slice(readme.indexOf("## Layout"));
  const block = section.slice(section.indexOf("```") + 3, section.indexOf("```", section.indexOf("```") + 3));
  const out: string[] = [];
  let parent = "";
  for (const line of block.split("\n")) {
    const top = /^ {2}([a-z]+)\/\s/.exec(line);
    const sub = /^ {4}([a-z]+)\/\s/.exec(line);
    if (top !== null) {
      parent = top[1] ?? "";
      out.push(`src/${parent}`);
    } else if (sub !== null) out.push(`src/${parent}/${sub[1] ?? ""}`);
  }
  return out.sort();
}

describe("README layout", () => {
  it("lists every room of src/ and nothing else", () => {
    const tree = [
      ...folders(join(ROOT, "src")).map((f) => `src/${f}`),
      ...["manager", "raft"].flatMap((p) => folders(join(ROOT, "src", p)).map((f) => `src/${p}/${f}`)),
    ].sort();
    expect(listed(readFileSync(join(ROOT, "README.md"), "utf8"))).toEqual(tree);
  });
});
