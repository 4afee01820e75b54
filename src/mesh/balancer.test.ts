import { describe, expect, it } from "vitest";
import { newBalancerState, pickBackend } from "./balancer.js";

const three = [{ id: "a" }, { id: "b" }, { id: "c" }];

describe("pickBackend round-robin", () => {
  it("cycles through the backends in order", () => {
    const s = newBalancerState();
    const picks = Array.from({ length: 7 }, () => pickBackend("round-robin", three, s, () => 0)?.id);
    expect(picks).toEqual(["a", "b", "c", "a", "b", "c", "a"]);
  });

  it("skips excluded backends and returns undefined when all are excluded", () => {
    const s = newBalancerState();
    expect(pickBackend("round-robin", three, s, () => 0, new Set(["a"]))?.id).toBe("b");
    expect(pickBackend("round-robin", three, s, () => 0, new Set(["a", "b", "c"]))).toBeUndefined();
  });

  it("returns undefined for no candidates", () => {
    expect(pickBackend("round-robin", [], newBalancerState(), () => 0)).toBeUndefined();
  });

  it("spreads evenly when the candidate list shrinks between picks", () => {
    const s = newBalancerState();
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const list = i < 150 ? three : three.slice(0, 2);
      const id = pickBackend("round-robin", list, s, () => 0)?.id ?? "none";
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.get("a")).toBeGreaterThanOrEqual(120);
    expect(counts.get("b")).toBeGreaterThanOrEqual(120);
    expect(counts.get("c")).toBe(50);
  });
});

describe("pickBackend least-connections", () => {
  it("picks the backend with the fewest open connections", () => {
    const active: Record<string, number> = { a: 5, b: 0, c: 2 };
    expect(pickBackend("least-connections", three, newBalancerState(), (c) => active[c.id] ?? 0)?.id).toBe("b");
  });

  it("breaks ties round-robin instead of always taking the first", () => {
    const s = newBalancerState();
    const picks = Array.from({ length: 3 }, () => pickBackend("least-connections", three, s, () => 1)?.id);
    expect(new Set(picks)).toEqual(new Set(["a", "b", "c"]));
  });

  it("ignores excluded backends even if idle", () => {
    const active: Record<string, number> = { a: 0, b: 3, c: 4 };
    expect(pickBackend("least-connections", three, newBalancerState(), (c) => active[c.id] ?? 0, new Set(["a"]))?.id).toBe("b");
  });
});
