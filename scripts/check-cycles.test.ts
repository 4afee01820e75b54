import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without type declarations
import { analyze } from "./check-cycles.mjs";

type Analysis = { files: number; problems: string[] };
const check = analyze as (root: string) => Analysis;

describe("check-cycles: the import rules", () => {
  let root = "";
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function tree(files: Record<string, string>): string {
    root = mkdtempSync(join(tmpdir(), "swarm-rules-"));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it("accepts a tree that keeps the rules", () => {
    const r = check(tree({
      "src/lib/errors.ts": "export const x = 1;\n",
      "src/agent/agent.ts": 'import { x } from "../lib/errors.js";\nexport const a = x;\n',
      "src/manager/manager.ts": 'import { x } from "../lib/errors.js";\nexport const m = x;\n',
      "src/daemon/daemon.ts": 'import { m } from "../manager/manager.js";\nimport { a } from "../agent/agent.js";\nexport const d = m + a;\n',
      "src/agent/agent.test.ts": 'import { m } from "../manager/manager.js";\nexport const t = m;\n',
    }));
    expect(r.problems).toEqual([]);
  });

  it("catches worker-side code that imports src/manager/, type imports too", () => {
    const r = check(tree({
      "src/manager/dispatcher.ts": "export type Handle = number;\nexport const handle = 1;\n",
      "src/agent/session.ts": 'import type { Handle } from "../manager/dispatcher.js";\nexport const h: Handle = 1;\n',
      "src/cli/node.ts": 'import { handle } from "../manager/dispatcher.js";\nexport const n = handle;\n',
    }));
    expect(r.problems).toEqual([
      "only src/daemon/ may import src/manager/: src/agent/session.ts imports src/manager/dispatcher.ts",
      "only src/daemon/ may import src/manager/: src/cli/node.ts imports src/manager/dispatcher.ts",
    ]);
  });

  it("catches a circle between two rooms even when no file cycle exists", () => {
    const r = check(tree({
      "src/image/store.ts": 'import { pin } from "../spec/pin.js";\nexport const store = pin;\n',
      "src/image/errors.ts": "export const E = 1;\n",
      "src/spec/pin.ts": "export const pin = 1;\n",
      "src/spec/refs.ts": 'import type { E } from "../image/errors.js";\nexport type R = typeof E;\n',
    }));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^folder circle: src\/image <-> src\/spec \(/);
  });

  it("treats manager/ sub-folders as rooms of their own", () => {
    const r = check(tree({
      "src/manager/orchestrator/global.ts": 'import { loop } from "../scheduler/loop.js";\nexport const g = loop;\n',
      "src/manager/scheduler/loop.ts": 'import type { G } from "../orchestrator/types.js";\nexport const loop = 1;\nexport type L = G;\n',
      "src/manager/orchestrator/types.ts": "export type G = number;\n",
    }));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^folder circle: src\/manager\/orchestrator <-> src\/manager\/scheduler/);
  });

  it("catches a file import cycle and a file over 500 lines", () => {
    const r = check(tree({
      "src/lib/a.ts": 'import { b } from "./b.js";\nexport const a = b;\n',
      "src/lib/b.ts": 'import { a } from "./a.js";\nexport const b = a;\n',
      "src/lib/long.ts": "export const x = 1;\n".repeat(501),
    }));
    expect(r.problems).toEqual(["import cycle: src/lib/a.ts <-> src/lib/b.ts", "src/lib/long.ts has 501 lines (at most 500; split it into named parts)"]);
  });
});
