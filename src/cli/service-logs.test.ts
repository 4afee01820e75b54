import { describe, expect, it } from "vitest";
import { linePrefix, parseSince, parseTail } from "./service-logs.js";

describe("service logs flags", () => {
  const now = Date.parse("2026-12-01T12:00:00Z");
  it("parses --since as a duration back from now, RFC 3339, or Unix seconds", () => {
    expect(parseSince("10m", now)).toBe(now - 600_000);
    expect(parseSince("1h30m", now)).toBe(now - 5_400_000);
    expect(parseSince("2026-12-01T11:00:00.123456789Z", now)).toBe(Date.parse("2026-12-01T11:00:00.123Z"));
    expect(parseSince("1796140800", now)).toBe(1_796_140_800_000);
    expect(parseSince("1796140800.5", now)).toBe(1_796_140_800_500);
  });
  it("refuses a --since it cannot read, naming the flag and value", () => {
    expect(() => parseSince("yesterday", now)).toThrow(/--since.*"yesterday"/);
    expect(() => parseSince("2026-13-45T99:00:00Z", now)).toThrow(/--since.*RFC 3339/);
    expect(() => parseSince("-5m", now)).toThrow(/--since/);
  });
  it("parses --tail", () => {
    expect(parseTail("all")).toBe(-1);
    expect(parseTail("0")).toBe(0);
    expect(parseTail("25")).toBe(25);
    expect(() => parseTail("-3")).toThrow(/--tail.*"-3"/);
    expect(() => parseTail("ten")).toThrow(/--tail/);
  });
  it("prefixes a line Docker-style: <service>.<slot>.<task id>@<node>", () => {
    const prefix = linePrefix({
      context: { serviceId: "s", nodeId: "n", taskId: "8oa6tyydmo15mc1tquubqo281", taskName: "web.3", nodeHostname: "h4" },
      timeMs: 0,
      stream: "stdout",
      data: Buffer.from("x"),
    });
    expect(prefix).toBe("web.3.8oa6tyydmo15@h4");
  });
});
