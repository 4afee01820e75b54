import { describe, expect, it } from "vitest";
import { formatDurationMs, formatMemoryBytes, formatNanoCpus, parseDurationMs, parseMemoryBytes, parseNanoCpus } from "./units.js";
import { ValidationError } from "../lib/errors.js";

describe("parseMemoryBytes", () => {
  it.each([
    ["512M", 512 * 1024 ** 2],
    ["1.5g", 1.5 * 1024 ** 3],
    ["100", 100],
    ["100b", 100],
    ["64k", 65536],
    ["64KiB", 65536],
    ["2 GB", 2 * 1024 ** 3],
    ["1t", 1024 ** 4],
  ])("%s → %i bytes", (text, bytes) => {
    expect(parseMemoryBytes("memory", text)).toBe(bytes);
  });

  it.each(["12 parsecs", "", "-1m", "1.5.5g", "m", "12 parsec"])("rejects %j naming the field and value", (text) => {
    let caught: unknown;
    try {
      parseMemoryBytes("spec.task.resources.limits.memoryBytes", text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const e = caught as ValidationError;
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.field).toBe("spec.task.resources.limits.memoryBytes");
    expect(e.message).toBe(`spec.task.resources.limits.memoryBytes: invalid memory size ${JSON.stringify(text)} (expected e.g. "512M", "1.5g", "1073741824")`);
  });

  it("formats sizes back", () => {
    expect(formatMemoryBytes(512 * 1024 ** 2)).toBe("512MiB");
    expect(formatMemoryBytes(1.5 * 1024 ** 3)).toBe("1.5GiB");
    expect(formatMemoryBytes(100)).toBe("100B");
  });
});

describe("parseNanoCpus", () => {
  it("converts decimal cores", () => {
    expect(parseNanoCpus("cpus", "0.5")).toBe(500_000_000);
    expect(parseNanoCpus("cpus", "2")).toBe(2_000_000_000);
    expect(parseNanoCpus("cpus", "1.25")).toBe(1_250_000_000);
    expect(parseNanoCpus("cpus", "0.000000001")).toBe(1);
    expect(formatNanoCpus(500_000_000)).toBe("0.5");
  });

  it("rejects nonsense, zero and excess precision", () => {
    expect(() => parseNanoCpus("--limit-cpu", "half")).toThrow('--limit-cpu: invalid CPU amount "half"');
    expect(() => parseNanoCpus("--limit-cpu", "0")).toThrow('--limit-cpu: CPU amount "0" must be greater than 0');
    expect(() => parseNanoCpus("--limit-cpu", "0.0000000001")).toThrow("at most 9 decimals");
    expect(() => parseNanoCpus("--limit-cpu", "-1")).toThrow(ValidationError);
  });
});

describe("parseDurationMs", () => {
  it.each([
    ["1s", 1000],
    ["1m30s", 90_000],
    ["500ms", 500],
    ["1.5h", 5_400_000],
    ["0", 0],
    ["0s", 0],
    ["2h3m4s5ms", 7_384_005],
    ["1000us", 1],
    [".5s", 500],
  ])("%s → %i ms", (text, ms) => {
    expect(parseDurationMs("d", text)).toBe(ms);
  });

  it("rejects bad durations with the reason", () => {
    expect(() => parseDurationMs("--update-delay", "10")).toThrow('--update-delay: invalid duration "10": missing unit');
    expect(() => parseDurationMs("--update-delay", "-1s")).toThrow("negative durations are not allowed");
    expect(() => parseDurationMs("--update-delay", "1x")).toThrow('unexpected "1x"');
    expect(() => parseDurationMs("--update-delay", "")).toThrow("empty");
    expect(() => parseDurationMs("--update-delay", "1500us")).toThrow("finer than 1ms");
  });

  it("formats durations back", () => {
    expect(formatDurationMs(90_000)).toBe("1m30s");
    expect(formatDurationMs(500)).toBe("500ms");
    expect(formatDurationMs(0)).toBe("0s");
    expect(formatDurationMs(3_600_000)).toBe("1h");
    expect(formatDurationMs(1500)).toBe("1.5s");
    for (const ms of [1, 999, 1000, 61_000, 7_384_005]) expect(parseDurationMs("d", formatDurationMs(ms))).toBe(ms);
  });
});
