import { describe, expect, it } from "vitest";
import { validateNodeAddr } from "./addr.js";

describe("validateNodeAddr", () => {
  it("accepts IPv4 and bracketed IPv6 addresses, with or without a port", () => {
    for (const ok of ["10.0.0.4", "10.0.0.4:2377", "[fd00::4]:2377", "[::1]"]) expect(() => validateNodeAddr("addr", ok)).not.toThrow();
  });

  it("refuses argv injection, host names, bad octets and ports, naming the field and the value", () => {
    expect(() => validateNodeAddr("addr", "10.0.0.1 dev lo")).toThrow('addr: "10.0.0.1 dev lo" is not an IP address or IP:port');
    for (const bad of ["", "h1", "h1:2377", "10.0.0.256", "10.0.0", "fd00::4", "[10.0.0.1]:1", "10.0.0.1:", "-10.0.0.1", "10.0.0.1\n", "10.0.0.1:2377 dev lo"]) {
      expect(() => validateNodeAddr("addr", bad), bad).toThrow(/^addr: .* is not an IP address or IP:port$/);
    }
    expect(() => validateNodeAddr("addr", "10.0.0.1:70000")).toThrow('addr: "10.0.0.1:70000" has port 70000, not in 1-65535');
    expect(() => validateNodeAddr("addr", "10.0.0.1:0")).toThrow(/has port 0/);
    expect(() => validateNodeAddr("hb", "x".repeat(200))).toThrow(`hb: "${"x".repeat(80)}…" is not an IP address or IP:port`);
  });
});
