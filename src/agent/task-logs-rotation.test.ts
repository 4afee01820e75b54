// Task logs across rotation (native/src/logfile.c renames name → name.1 … and reopens name), over real
// files: reads take the rotated files oldest first, and a follow keeps every line across a rename.
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { readTaskLog, type TaskLogLine } from "./task-logs.js";

const root = mkdtempSync(join(tmpdir(), "swarm-agent-logrot-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const line = (sec: number, text: string): string => `2026-11-23T10:00:${String(sec).padStart(2, "0")}.123456789Z stdout F ${text}\n`;

/** A log dir holding `c.log.2`, `c.log.1`, `c.log` with two lines each (1–6, oldest first). */
function rotatedLog(): string {
  const dir = join(root, `d${String(++n)}`);
  mkdirSync(dir);
  const p = join(dir, "c.log");
  writeFileSync(`${p}.2`, line(1, "1") + line(2, "2"));
  writeFileSync(`${p}.1`, line(3, "3") + line(4, "4"));
  writeFileSync(p, line(5, "5") + line(6, "6"));
  return p;
}

async function collect(it: AsyncIterable<TaskLogLine>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) out.push(e.text);
  return out;
}

describe("task logs across rotated files", () => {
  it("a read takes the rotated files oldest first; --tail and --since reach into them", async () => {
    const p = rotatedLog();
    expect(await collect(readTaskLog(p, {}, () => true))).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(await collect(readTaskLog(p, { tail: 3 }, () => true))).toEqual(["4", "5", "6"]);
    expect(await collect(readTaskLog(p, { tail: 2 }, () => true))).toEqual(["5", "6"]);
    expect(await collect(readTaskLog(p, { tail: 100 }, () => true))).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(await collect(readTaskLog(p, { since: Date.parse("2026-11-23T10:00:02Z") }, () => true))).toEqual(["2", "3", "4", "5", "6"]);
  });

  it("a follow survives rotations: lines written just before and after each rename all arrive, in order", async () => {
    const p = rotatedLog();
    let finished = false;
    const got: string[] = [];
    const follow = (async () => {
      for await (const e of readTaskLog(p, { follow: true, tail: 1, intervalMs: 10 }, () => finished)) got.push(e.text);
    })();
    await vi.waitFor(() => expect(got).toEqual(["6"]), { timeout: 2000, interval: 10 });
    // As the writer does: the last line into the old file, rename (shifting .1 → .2 over the oldest), reopen.
    for (let r = 0; r < 3; r++) {
      appendFileSync(p, line(10, `last-${String(r)}`));
      renameSync(`${p}.1`, `${p}.2`);
      renameSync(p, `${p}.1`);
      writeFileSync(p, line(11, `first-${String(r)}`));
      appendFileSync(p, line(12, `more-${String(r)}`));
      await vi.waitFor(() => expect(got.at(-1)).toBe(`more-${String(r)}`), { timeout: 2000, interval: 10 });
    }
    finished = true;
    await follow;
    expect(got).toEqual(["6", ...[0, 1, 2].flatMap((r) => [`last-${String(r)}`, `first-${String(r)}`, `more-${String(r)}`])]);
  });

  it("a follow of a file truncated in place (max-file 1) reads it again from the start", async () => {
    const dir = join(root, `d${String(++n)}`);
    mkdirSync(dir);
    const p = join(dir, "c.log");
    writeFileSync(p, line(1, "before-a-long-line-so-the-file-shrinks"));
    let finished = false;
    const got: string[] = [];
    const follow = (async () => {
      for await (const e of readTaskLog(p, { follow: true, intervalMs: 10 }, () => finished)) got.push(e.text);
    })();
    await vi.waitFor(() => expect(got).toHaveLength(1), { timeout: 2000, interval: 10 });
    writeFileSync(p, line(2, "after"));
    await vi.waitFor(() => expect(got).toHaveLength(2), { timeout: 2000, interval: 10 });
    finished = true;
    await follow;
    expect(got).toEqual(["before-a-long-line-so-the-file-shrinks", "after"]);
  });
});
