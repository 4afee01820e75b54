import { describe, expect, it } from "vitest";
import { CONTROL_PLANE_RESERVE_MIN, fdBudgetFor, FDS_PER_TCP, FDS_PER_UDP, MeshLedger, parseNofile, resolveMeshLimits, type MeshLimits } from "./limits.js";

const LIMITS_TEXT = `Limit                     Soft Limit           Hard Limit           Units
Max processes             63556                63556                processes
Max open files            20000                524288               files
Max locked memory         8388608              8388608              bytes
`;

const small: MeshLimits = { fdBudget: 10, tcpPerPort: 3, tcpPerSource: 2, udpPerPort: 3, udpPerSource: 2, tcpIdleTimeoutMs: 1000 };

describe("fd budget", () => {
  it("leaves the control plane a quarter of the limit, at least the minimum reserve", () => {
    expect(fdBudgetFor(20_000)).toBe(15_000);
    expect(fdBudgetFor(1_048_576)).toBe(786_432);
    expect(fdBudgetFor(2048)).toBe(2048 - CONTROL_PLANE_RESERVE_MIN);
    expect(fdBudgetFor(1024)).toBe(0);
    expect(fdBudgetFor(Infinity)).toBe(1 << 20);
  });

  it("reads the soft limit from /proc/<pid>/limits", () => {
    expect(parseNofile(LIMITS_TEXT)).toBe(20_000);
    expect(parseNofile("Max open files            unlimited            unlimited            files\n")).toBe(Infinity);
    expect(() => parseNofile("Max processes 1 1 processes\n")).toThrow("limits.Max open files: null has no soft limit");
    expect(() => parseNofile("Max open files   x   y   files\n")).toThrow(/has no soft limit/);
  });

  it("defaults the budget from the process limit and checks each field", () => {
    const l = resolveMeshLimits({}, () => 4096);
    expect(l).toEqual({ fdBudget: 3072, tcpPerPort: 4096, tcpPerSource: 512, udpPerPort: 4096, udpPerSource: 256, tcpIdleTimeoutMs: 900_000 });
    expect(resolveMeshLimits({ fdBudget: 0 }, () => 4096).fdBudget).toBe(0);
    expect(() => resolveMeshLimits({ tcpPerPort: 0 })).toThrow("mesh.tcpPerPort: 0 is not a whole number ≥ 1");
    expect(() => resolveMeshLimits({ fdBudget: -1 })).toThrow("mesh.fdBudget: -1 is not a whole number ≥ 0");
    expect(() => resolveMeshLimits({ tcpIdleTimeoutMs: 1.5 })).toThrow("mesh.tcpIdleTimeoutMs: 1.5 is not a whole number ≥ 1");
  });
});

describe("MeshLedger", () => {
  it("caps TCP per source, then per port, and frees on remove", () => {
    const l = new MeshLedger(small);
    expect(l.tcpVerdict("tcp/80", "10.0.0.1")).toBeUndefined();
    l.add("tcp/80", "10.0.0.1", FDS_PER_TCP);
    l.add("tcp/80", "10.0.0.1", FDS_PER_TCP);
    expect(l.tcpVerdict("tcp/80", "10.0.0.1")).toEqual({ refused: "source", limit: 2 });
    // Another port counts its sources on its own.
    expect(l.tcpVerdict("tcp/81", "10.0.0.1")).toBeUndefined();
    expect(l.tcpVerdict("tcp/80", "10.0.0.2")).toBeUndefined();
    l.add("tcp/80", "10.0.0.2", FDS_PER_TCP);
    expect(l.tcpVerdict("tcp/80", "10.0.0.3")).toEqual({ refused: "port", limit: 3 });
    expect(l.fdsHeld).toBe(6);
    l.remove("tcp/80", "10.0.0.1", FDS_PER_TCP);
    expect(l.tcpVerdict("tcp/80", "10.0.0.1")).toBeUndefined();
    expect(l.openOn("tcp/80")).toBe(2);
    expect(l.fdsHeld).toBe(4);
  });

  it("refuses TCP when the descriptors would pass the budget", () => {
    const l = new MeshLedger({ ...small, fdBudget: 5, tcpPerPort: 10 });
    l.add("tcp/80", "a", FDS_PER_TCP);
    l.add("tcp/81", "b", FDS_PER_TCP);
    expect(l.tcpVerdict("tcp/82", "c")).toEqual({ refused: "budget", limit: 5 });
  });

  it("evicts the oldest UDP flow at the port cap, drops a source over its cap", () => {
    const l = new MeshLedger(small);
    for (const s of ["a", "b", "c"]) {
      expect(l.udpVerdict("udp/53", s)).toBe("admit");
      l.add("udp/53", s, FDS_PER_UDP);
    }
    expect(l.udpVerdict("udp/53", "d")).toBe("evict-oldest");
    l.add("udp/53", "a", FDS_PER_UDP);
    expect(l.udpVerdict("udp/53", "a")).toEqual({ refused: "source", limit: 2 });
  });

  it("evicts at the budget when the port has flows, refuses when it has none", () => {
    const l = new MeshLedger({ ...small, fdBudget: 3, udpPerPort: 100, udpPerSource: 100 });
    l.add("tcp/80", "x", FDS_PER_TCP);
    l.add("udp/53", "a", FDS_PER_UDP);
    expect(l.udpVerdict("udp/53", "b")).toBe("evict-oldest");
    expect(l.udpVerdict("udp/54", "b")).toEqual({ refused: "budget", limit: 3 });
  });
});
