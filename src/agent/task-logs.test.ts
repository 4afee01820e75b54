// Task log reading over real files (no root): tail, since, follow across partial writes, and the two
// ways a follow ends (task finished and drained; abort).
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { logTimeMs, readTaskLog, type TaskLogLine } from "./task-logs.js";

const dir = mkdtempSync(join(tmpdir(), "swarm-agent-logs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content: string): string => {
  const p = join(dir, `log-${String(++n)}`);
  writeFileSync(p, content);
  return p;
};
const line = (sec: number, stream: string, tag: string, text: string): string => `2026-11-23T10:00:${String(sec).padStart(2, "0")}.123456789Z ${stream} ${tag} ${text}\n`;

async function collect(it: AsyncIterable<TaskLogLine>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) out.push(`${e.stream}:${e.text}`);
  return out;
}

describe("task logs", () => {
  const base = line(1, "stdout", "F", "one") + line(2, "stderr", "F", "two") + line(3, "stdout", "P", "thr") + line(3, "stdout", "F", "ee") + line(4, "stdout", "F", "four");

  it("reads every entry with its stream, joins partial lines, skips malformed ones", async () => {
    const p = file(`${base}garbage without format\n`);
    expect(await collect(readTaskLog(p, {}, () => true))).toEqual(["stdout:one", "stderr:two", "stdout:three", "stdout:four"]);
  });

  it("tail keeps the last N entries; since drops older ones (nanosecond timestamps)", async () => {
    const p = file(base);
    expect(await collect(readTaskLog(p, { tail: 2 }, () => true))).toEqual(["stdout:three", "stdout:four"]);
    expect(await collect(readTaskLog(p, { tail: 0 }, () => true))).toEqual([]);
    expect(await collect(readTaskLog(p, { since: Date.parse("2026-11-23T10:00:03Z") }, () => true))).toEqual(["stdout:three", "stdout:four"]);
    expect(logTimeMs("2026-11-23T10:00:03.123456789Z")).toBe(Date.parse("2026-11-23T10:00:03.123Z"));
  });

  it("a missing file is an empty log", async () => {
    expect(await collect(readTaskLog(join(dir, "nope"), {}, () => true))).toEqual([]);
  });

  it("follow yields lines written later, including a line split over two writes, and ends once the task finished", async () => {
    const p = file(line(1, "stdout", "F", "first"));
    let finished = false;
    const seen: string[] = [];
    const follow = (async () => {
      for await (const e of readTaskLog(p, { follow: true, intervalMs: 10 }, () => finished)) seen.push(e.text);
    })();
    const waitFor = async (count: number): Promise<void> => {
      const deadline = Date.now() + 3000;
      while (seen.length < count) {
        if (Date.now() > deadline) throw new Error(`saw only ${JSON.stringify(seen)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await waitFor(1);
    const second = line(2, "stdout", "F", "second");
    appendFileSync(p, second.slice(0, 20)); // half a line: not yielded yet
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(["first"]);
    appendFileSync(p, second.slice(20) + line(3, "stdout", "P", "par") + line(3, "stdout", "F", "tial"));
    await waitFor(3);
    appendFileSync(p, line(4, "stderr", "F", "last words"));
    finished = true; // the task ended after writing: the follow drains, then returns
    await follow;
    expect(seen).toEqual(["first", "second", "partial", "last words"]);
  });

  it("an abort ends a follow of a task that keeps running", async () => {
    const p = file(line(1, "stdout", "F", "x"));
    const ac = new AbortController();
    const got: string[] = [];
    const follow = (async () => {
      for await (const e of readTaskLog(p, { follow: true, intervalMs: 10, signal: ac.signal }, () => false)) got.push(e.text);
    })();
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await follow;
    expect(got).toEqual(["x"]);
  });
});
