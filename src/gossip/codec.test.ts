// The packet codec: round trips, and untrusted bytes that never throw.
import { describe, expect, it } from "vitest";
import { decodePacket, encodePacket, messageWireSize } from "./codec.js";
import { Prng } from "../lib/prng.js";

describe("gossip codec", () => {
  it("round-trips a compound packet with metadata and push-pull state", () => {
    const bytes = encodePacket({ messages: [
      { ping: { seqNo: 3, target: "b", source: "a", sourceAddr: "127.0.0.1:7946" } },
      { alive: { incarnation: 2, node: "a", addr: "127.0.0.1:7946", meta: { role: "worker", addresses: ["10.0.0.1"], labels: { zone: "x" } } } },
      { pushPull: { join: true, source: "a", states: [{ name: "a", addr: "127.0.0.1:7946", incarnation: 2, state: "MEMBER_SUSPECT" }] } },
    ] });
    const decoded = decodePacket(bytes);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    const [ping, alive, pp] = decoded.packet.messages;
    expect(ping?.body).toBe("ping");
    expect(ping?.ping?.seqNo).toBe(3);
    expect(alive?.alive?.meta?.labels).toEqual({ zone: "x" });
    expect(pp?.pushPull?.states[0]?.state).toBe("MEMBER_SUSPECT");
    expect(messageWireSize({ ack: { seqNo: 1 } })).toBe(6);
  });

  it("reports empty, truncated and random input as errors without throwing", () => {
    expect(decodePacket(new Uint8Array())).toMatchObject({ ok: false, reason: "empty" });
    const valid = encodePacket({ messages: [{ suspect: { incarnation: 1, node: "nodename", from: "other" } }] });
    expect(decodePacket(valid.subarray(0, valid.length - 3))).toMatchObject({ ok: false, reason: "malformed" });
    const rnd = new Prng(1).fn();
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const buf = new Uint8Array(1 + Math.floor(rnd() * 200)).map(() => Math.floor(rnd() * 256));
      const r = decodePacket(buf);
      if (!r.ok) rejected++;
    }
    expect(rejected).toBeGreaterThan(1500);
  });
});
