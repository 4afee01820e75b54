import { describe, expect, it } from "vitest";
import { taskMac } from "./node-network.js";

describe("taskMac", () => {
  it("derives a locally administered MAC from the task's IPv4 address, the same every time", () => {
    expect(taskMac("10.0.0.5")).toBe("02:42:0a:00:00:05");
    expect(taskMac("10.255.17.200")).toBe("02:42:0a:ff:11:c8");
    expect(taskMac("10.0.0.5")).toBe(taskMac("10.0.0.5"));
  });

  it("refuses something that is not an IPv4 address, naming it", () => {
    expect(() => taskMac("10.0.0")).toThrow(/"10\.0\.0" is not an IPv4 address/);
    expect(() => taskMac("10.0.0.256")).toThrow(/not an IPv4 address/);
  });
});
