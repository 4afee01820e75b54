import { describe, expect, it } from "vitest";
import { mean, median, quantile } from "./results.js";

describe("bench statistics", () => {
  it("nearest-rank quantiles", () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(median(xs)).toBe(5);
    expect(quantile(xs, 0.99)).toBe(10);
    expect(quantile(xs, 0)).toBe(1);
    expect(mean([1, 2, 3])).toBe(2);
    expect(Number.isNaN(median([]))).toBe(true);
  });
});
