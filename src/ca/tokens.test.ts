import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { base36, caDigest, formatJoinToken, parseJoinToken, secretsEqual } from "./tokens.js";

describe("join tokens", () => {
  const digest = caDigest(Buffer.from("a certificate"));

  it("round-trips SWMTKN-1-<digest>-<secret> with fixed widths", () => {
    const token = formatJoinToken(digest, randomBytes(16));
    expect(token).toMatch(/^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
    const parsed = parseJoinToken(token);
    expect(parsed.caDigest).toBe(digest);
    expect(parsed.version).toBe("1");
  });

  it("pads base 36 on the left", () => {
    expect(base36(Uint8Array.from([0, 0, 35]), 4)).toBe("000z");
    expect(base36(Uint8Array.from([1, 0]), 3)).toBe("074");
  });

  it.each([
    ["", /expected SWMTKN-1/],
    ["SWMTKN-2-" + "a".repeat(50) + "-" + "b".repeat(25), /unsupported version "2"/],
    ["SWMTKN-1-" + "a".repeat(49) + "-" + "b".repeat(25), /CA digest must be 50/],
    ["SWMTKN-1-" + "a".repeat(50) + "-" + "B".repeat(25), /secret must be 25/],
    ["XXXXXX-1-" + "a".repeat(50) + "-" + "b".repeat(25), /expected SWMTKN-1/],
  ])("refuses malformed token %j with a clear message", (token, message) => {
    expect(() => parseJoinToken(token)).toThrow(message);
  });

  it("never echoes the secret in an error", () => {
    const secret = "q".repeat(24) + "Q";
    expect(() => parseJoinToken(`SWMTKN-1-${digest}-${secret}`)).toThrow(/^(?!.*qqqq)/);
  });

  it("compares secrets exactly", () => {
    expect(secretsEqual("abc", "abc")).toBe(true);
    expect(secretsEqual("abc", "abd")).toBe(false);
    expect(secretsEqual("abc", "abcd")).toBe(false);
  });
});
