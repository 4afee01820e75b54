import { describe, expect, it } from "vitest";
import { parseCriLog } from "./logs.js";

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
