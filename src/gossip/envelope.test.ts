// Replay protection: the per-sender window accepts each (sender, epoch, seq) once, tolerates
// reordering inside the window, and refuses old epochs, old numbers and envelopes without a sender.
import { describe, expect, it } from "vitest";
import { decodePacket, encodePacket } from "./codec.js";
import { PacketSealer, REPLAY_WINDOW, ReplayGuard } from "./envelope.js";
import { Prng } from "../lib/prng.js";

describe("gossip replay window", () => {
  it("accepts every sealed packet once, and refuses each repeat", () => {
    const sealer = new PacketSealer("a", 1_000);
    const guard = new ReplayGuard();
    const wire = [1, 2, 3].map(() => encodePacket(sealer.stamp({ messages: [{ ack: { seqNo: 7 } }] })));
    const verdicts = (): string[] => wire.map((b) => {
      const d = decodePacket(b);
      if (!d.ok) throw new Error(d.detail);
      return guard.check(d.packet);
    });
    expect(verdicts()).toEqual(["accepted", "accepted", "accepted"]);
    expect(verdicts()).toEqual(["replayed", "replayed", "replayed"]);
  });

  it("tolerates reordering inside the window and refuses what fell out of it", () => {
    const guard = new ReplayGuard();
    expect(guard.accept("a", 1, 10)).toBe("accepted");
    expect(guard.accept("a", 1, 5)).toBe("accepted"); // late but inside the window
    expect(guard.accept("a", 1, 5)).toBe("replayed");
    expect(guard.accept("a", 1, 10 + REPLAY_WINDOW)).toBe("accepted");
    expect(guard.accept("a", 1, 10)).toBe("stale"); // exactly one window below the top
    expect(guard.accept("a", 1, 11)).toBe("accepted"); // never seen, just inside
    expect(guard.accept("a", 1, 11)).toBe("replayed");
  });

  it("matches a reference set over a seeded shuffle of delivery orders", () => {
    const rnd = new Prng(42).fn();
    const guard = new ReplayGuard();
    const seen = new Set<number>();
    let top = 0;
    for (let i = 0; i < 20_000; i++) {
      // Mostly fresh numbers, some reordered, some duplicates, some far in the past.
      const r = rnd();
      const seq = r < 0.6 ? top + 1 + Math.floor(rnd() * 3) : Math.max(1, top - Math.floor(rnd() * (REPLAY_WINDOW * 1.5)));
      const verdict = guard.accept("s", 7, seq);
      const expected = seq > top ? "accepted" : top - seq >= REPLAY_WINDOW ? "stale" : seen.has(seq) ? "replayed" : "accepted";
      expect(verdict, `step ${i} seq ${seq} top ${top}`).toBe(expected);
      if (verdict === "accepted") {
        seen.add(seq);
        top = Math.max(top, seq);
      }
    }
  });

  it("starts a new window for a newer epoch (a restart) and refuses the older epoch from then on", () => {
    const guard = new ReplayGuard();
    expect(guard.accept("a", 100, 50)).toBe("accepted");
    expect(guard.accept("a", 200, 1)).toBe("accepted");
    expect(guard.accept("a", 100, 51)).toBe("stale");
    expect(guard.accept("a", 200, 1)).toBe("replayed");
  });

  it("refuses packets without an envelope and keeps the number of senders bounded", () => {
    const guard = new ReplayGuard(3);
    expect(guard.accept("", 1, 1)).toBe("missing");
    expect(guard.accept("a", 1, 0)).toBe("missing");
    for (const s of ["a", "b", "c", "d"]) expect(guard.accept(s, 1, 1)).toBe("accepted");
    expect(guard.size).toBe(3);
    // The least recently heard sender ("a") was forgotten: it starts over, the others are remembered.
    expect(guard.accept("b", 1, 1)).toBe("replayed");
  });
});
