// Lifeguard suspicion math, checked against the formulas in the Lifeguard paper / memberlist.
import { describe, expect, it } from "vitest";
import { retransmitLimit, suspicionBounds, suspicionMinMs, suspicionTimeoutMs } from "./suspicion.js";

describe("suspicion timeouts", () => {
  it("min = SuspicionMult · max(1, log10 N) · ProbeInterval", () => {
    expect(suspicionMinMs(4, 1, 1000)).toBe(4000);
    expect(suspicionMinMs(4, 10, 1000)).toBe(4000);
    expect(suspicionMinMs(4, 100, 1000)).toBe(8000);
    expect(suspicionMinMs(4, 1000, 1000)).toBe(12000);
  });

  it("starts at max = SuspicionMaxTimeoutMult · min and reaches min after k confirmations", () => {
    const b = suspicionBounds(4, 6, 100, 1000);
    expect(b).toEqual({ minMs: 8000, maxMs: 48000, expectedConfirmations: 2 });
    expect(suspicionTimeoutMs(b, 0)).toBe(48000);
    const one = suspicionTimeoutMs(b, 1);
    expect(one).toBeLessThan(48000);
    expect(one).toBeGreaterThan(8000);
    expect(one).toBe(Math.floor(48000 - (Math.log(2) / Math.log(3)) * 40000));
    expect(suspicionTimeoutMs(b, 2)).toBe(8000);
    expect(suspicionTimeoutMs(b, 5)).toBe(8000); // never below min
  });

  it("uses min at once when the cluster is too small to confirm", () => {
    const b = suspicionBounds(4, 6, 3, 1000);
    expect(b.expectedConfirmations).toBe(0);
    expect(suspicionTimeoutMs(b, 0)).toBe(b.minMs);
  });

  it("retransmits RetransmitMult · ceil(log10(N+1)) times", () => {
    expect(retransmitLimit(4, 1)).toBe(4);
    expect(retransmitLimit(4, 9)).toBe(4);
    expect(retransmitLimit(4, 10)).toBe(8);
    expect(retransmitLimit(4, 1000)).toBe(16);
  });
});
