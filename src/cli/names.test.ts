import { describe, expect, it } from "vitest";
import { randomServiceName } from "./names.js";

describe("generated service names", () => {
  it("are adjective_surname as Docker's namesgenerator (e.g. focused_turing)", () => {
    expect(randomServiceName(() => 0)).toBe("admiring_allen");
    // The top of [0, 1) picks the last words and never runs past the lists.
    expect(randomServiceName(() => 0.999999)).toBe("zealous_brewer");
    const seen = new Set(Array.from({ length: 200 }, () => randomServiceName()));
    for (const name of seen) expect(name).toMatch(/^[a-z]+_[a-z]+$/);
    // 900 combinations: 200 draws repeat only a few.
    expect(seen.size).toBeGreaterThan(150);
  });
});
