import { describe, expect, it } from "vitest";
import { applyNodeUpdate } from "./node-flags.js";
import { canonical } from "../spec/codec.js";

describe("node update flags", () => {
  const spec = canonical("NodeSpec", { annotations: { labels: { zone: "east", old: "1" } } });

  it("applies node update flags without touching the input", () => {
    const next = applyNodeUpdate(spec, { availability: "drain", labelAdd: ["rack=r1"], labelRm: ["old"], role: "manager" });
    expect(next).toEqual({ annotations: { name: "", labels: { zone: "east", rack: "r1" } }, availability: "DRAIN", desiredRole: "MANAGER" });
    expect(spec.annotations?.labels).toEqual({ zone: "east", old: "1" });
    expect(spec.availability).toBe("ACTIVE");
  });

  it("rejects bad flags", () => {
    expect(() => applyNodeUpdate(spec, { availability: "asleep" })).toThrow('--availability: invalid value "asleep" (expected active, pause, drain)');
    expect(() => applyNodeUpdate(spec, { labelRm: ["nope"] })).toThrow('--label-rm: key "nope" doesn\'t exist in the node\'s labels');
    expect(() => applyNodeUpdate(spec, { role: "boss" })).toThrow('--role: invalid value "boss"');
  });
});
