// Pure checks of the runtime controller (no root): stop signal names.
import { describe, expect, it } from "vitest";
import { checkStopSignal } from "./runtime-controller.js";

describe("stop signal check", () => {
  it("accepts names with or without SIG and numbers; refuses others naming the field", () => {
    for (const ok of ["SIGTERM", "TERM", "sigquit", "9", "64"]) expect(checkStopSignal(ok, "f")).toBe(ok);
    expect(() => checkStopSignal("SIGFOO", "spec.container.stopSignal")).toThrow('spec.container.stopSignal: "SIGFOO" is not a signal name or number');
    expect(() => checkStopSignal("0", "f")).toThrow(/is not a signal/);
    expect(() => checkStopSignal("99", "f")).toThrow(/is not a signal/);
  });
});
