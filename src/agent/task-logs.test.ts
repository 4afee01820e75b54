// Task log reading over real files (no root): tail, since, follow across partial writes, and the two
// ways a follow ends (task finished and drained; abort).
import { appendFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseCriLog } from "../runtime/index.js";
import { logTimeMs, readTaskLog, tailStart, type TaskLogLine } from "./task-logs.js";

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

describe("tailStart: --tail reads from the end", () => {
  // Interleaved streams: stdout's "abc" is split P/P/F around two stderr entries.
  const log =
    line(1, "stdout", "F", "one") + line(2, "stdout", "P", "a") + line(2, "stderr", "F", "err1") + line(2, "stdout", "P", "b") + line(3, "stderr", "F", "err2") + line(3, "stdout", "F", "c") + "garbage line\n" + line(4, "stdout", "F", "four") + "2026-11-23T10:00:05.1Z stdout F unfinish";
  const all = parseCriLog(log.slice(0, log.lastIndexOf("\n") + 1)).map((e) => `${e.stream}:${e.text}`);

  it("starts where the last N complete entries are all read, for every chunk size and N", async () => {
    const p = file(log);
    for (const chunk of [1, 2, 7, 16, 33, 64, 1024]) {
      for (let n = 0; n <= all.length + 1; n++) {
        const at = await tailStart(p, n, chunk);
        const got = parseCriLog(log.slice(at, log.lastIndexOf("\n") + 1)).map((e) => `${e.stream}:${e.text}`);
        const want = all.slice(Math.max(0, all.length - n));
        // Entries that interleave with a split one come along (err1, err2 inside stdout's "abc", which the
        // last 2 and 3 include: they start at its "a"); nothing older.
        expect({ chunk, n, got }).toEqual({ chunk, n, got: n === 2 || n === 3 ? all.slice(1) : want });
      }
    }
    expect(await collect(readTaskLog(p, { tail: 2 }, () => true))).toEqual(["stdout:abc", "stdout:four"]);
  });

  it("a missing file starts at 0; a file without a complete line starts at 0 (its line is read once done)", async () => {
    expect(await tailStart(join(dir, "none"), 3)).toBe(0);
    expect(await tailStart(file("2026-11-23T10:00:05.1Z stdout F half"), 3)).toBe(0);
  });

  it("on a 32 MiB log, --tail 2 starts 2 lines before the end and reads only those", async () => {
    const filler = line(1, "stdout", "F", "x".repeat(1000));
    const p = file(filler.repeat(32 * 1024) + line(2, "stdout", "F", "last-but-one") + line(3, "stderr", "F", "last"));
    const at = await tailStart(p, 2);
    expect(statSync(p).size - at).toBe(line(2, "stdout", "F", "last-but-one").length + line(3, "stderr", "F", "last").length);
    expect(await collect(readTaskLog(p, { tail: 2 }, () => true))).toEqual(["stdout:last-but-one", "stderr:last"]);
  });
});
