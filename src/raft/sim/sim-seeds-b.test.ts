import { describe, expect, it } from "vitest";
import { runSeeds, seedsFor } from "./seeds.js";

// Part 2 of 2 of the seeded simulation sweep (see seeds.ts for SEED / SOAK / SIM_SEEDS).
describe("raft simulator seeds (part 2/2)", () => {
  it("keeps every safety invariant and a linearizable KV history on every seed", () => {
    const seeds = seedsFor(1, 2);
    const report = runSeeds(seeds);
    console.log(`raft sim part 2: ${report.seeds} seeds, ${report.progressed} made progress, totals ${JSON.stringify(report.totals)}, lincheck unknown ${report.lincheckUnknown}`);
    expect(report.failures.slice(0, 5).join("\n\n")).toBe("");
    // Not a vacuous run: most seeds commit client writes (some seeds are deliberately hostile).
    expect(report.progressed).toBeGreaterThanOrEqual(Math.floor(seeds.length * 0.8));
  }, process.env.SOAK === "1" ? 4 * 3_600_000 : 600_000);
});
