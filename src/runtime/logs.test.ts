import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { followContainerLog, parseCriLog, type LogEntry } from "./logs.js";

describe("parseCriLog", () => {
  it("parses full lines of both streams in order", () => {
    const text =
      "2026-01-01T00:00:00.000000001Z stdout F hello world\n" +
      "2026-01-01T00:00:00.000000002Z stderr F oops\n" +
      "2026-01-01T00:00:00.000000003Z stdout F \n";
    expect(parseCriLog(text)).toEqual([
      { time: "2026-01-01T00:00:00.000000001Z", stream: "stdout", text: "hello world" },
      { time: "2026-01-01T00:00:00.000000002Z", stream: "stderr", text: "oops" },
      { time: "2026-01-01T00:00:00.000000003Z", stream: "stdout", text: "" },
    ]);
  });

  it("joins partial lines with their continuation (per stream) and keeps the first timestamp", () => {
    const text =
      "2026-01-01T00:00:01Z stdout P aaa\n" +
      "2026-01-01T00:00:02Z stderr F between\n" +
      "2026-01-01T00:00:03Z stdout F bbb\n" +
      "2026-01-01T00:00:04Z stdout P tail-without-end\n";
    expect(parseCriLog(text)).toEqual([
      { time: "2026-01-01T00:00:02Z", stream: "stderr", text: "between" },
      { time: "2026-01-01T00:00:01Z", stream: "stdout", text: "aaabbb" },
      { time: "2026-01-01T00:00:04Z", stream: "stdout", text: "tail-without-end" },
    ]);
  });

  it("skips malformed lines", () => {
    expect(parseCriLog("garbage\n2026-01-01T00:00:00Z stdin F x\n\n")).toEqual([]);
  });
});

describe("followContainerLog", () => {
  it("yields entries as they are appended (waiting for the file), joins partials, stops on abort", async () => {
    const dir = mkdtempSync(join(tmpdir(), "swarm-logs-"));
    const path = join(dir, "container.log");
    const ac = new AbortController();
    const seen: LogEntry[] = [];
    const done = (async () => {
      for await (const e of followContainerLog(path, { signal: ac.signal, intervalMs: 10 })) {
        seen.push(e);
        if (seen.length === 3) ac.abort();
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 30)); // the file does not exist yet
      appendFileSync(path, "2026-01-01T00:00:01Z stdout F one\n2026-01-01T00:00:02Z stdout P tw");
      await new Promise((r) => setTimeout(r, 30));
      appendFileSync(path, "o-a\n2026-01-01T00:00:03Z stdout F -b\n");
      await new Promise((r) => setTimeout(r, 30));
      appendFileSync(path, "2026-01-01T00:00:04Z stderr F three\n");
      await done;
      expect(seen.map((e) => `${e.stream}:${e.text}`)).toEqual(["stdout:one", "stdout:two-a-b", "stderr:three"]);
      expect(seen[1]?.time).toBe("2026-01-01T00:00:02Z");
    } finally {
      ac.abort();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
