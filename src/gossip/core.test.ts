// The pure core driven by hand: exact outputs for probes, indirect probes, the buddy system,
// refutation, incarnation ordering and input validation.
import { describe, expect, it } from "vitest";
import { GossipCore } from "./core.js";
import { decodePacket, encodePacket } from "./codec.js";
import { Prng } from "../lib/prng.js";
import type { CoreOutput, GossipEvent } from "./types.js";
import type { Packet, Packet__Output } from "../gen/swarm/gossip/Packet.js";

/** What a packet looks like after a trip over the wire (the core only ever sees decoded packets). */
function wire(packet: Packet): Packet__Output {
  const d = decodePacket(encodePacket(packet));
  if (!d.ok) throw new Error(d.detail);
  return d.packet;
}

function cluster(names: string[]): GossipCore {
  const core = new GossipCore({ name: "self", addr: "10.0.0.1:7946", tuning: { gossipIntervalMs: 10_000 } }, new Prng(3).fn());
  core.start(0);
  core.bootstrap(0, names.map((n, i) => ({ name: n, addr: `10.0.1.${i + 1}:7946`, incarnation: 1 })));
  core.drain();
  return core;
}

function udp(outputs: CoreOutput[]): Extract<CoreOutput, { type: "udp" }>[] {
  return outputs.filter((o): o is Extract<CoreOutput, { type: "udp" }> => o.type === "udp");
}

/** Runs the core to the first ping it sends; returns the target name and seq. */
function firstPing(core: GossipCore, from = 0): { target: string; seq: number; at: number; outputs: CoreOutput[] } {
  for (let t = from; t <= from + 2000; t += 10) {
    core.tick(t);
    const outputs = core.drain();
    for (const o of udp(outputs)) {
      const ping = o.packet.messages?.find((m) => m.ping != null)?.ping;
      if (ping != null) return { target: ping.target ?? "", seq: ping.seqNo ?? 0, at: t, outputs };
    }
  }
  throw new Error("no ping within 2 s");
}

describe("gossip core", () => {
  it("probes a suspect first, asks k alive non-target members indirectly, tries TCP, and loses health per missing nack", () => {
    const core = cluster(["a", "b", "c", "d", "e"]);
    core.handlePacket(0, "10.0.1.5:7946", wire({ messages: [{ suspect: { incarnation: 1, node: "e", from: "d" } }] }));
    const { target, seq, at: t0 } = firstPing(core);
    expect(target).toBe("e"); // a member suspected by others is probed first (confirm or let it refute)
    core.tick(t0 + 500);
    const out = core.drain();
    const indirect = udp(out).flatMap((o) => o.packet.messages ?? []).filter((m) => m.indirectPing != null).map((m) => m.indirectPing);
    expect(indirect.length).toBeGreaterThan(0);
    expect(indirect.length).toBeLessThanOrEqual(3);
    expect(indirect.every((r) => r?.target === target && r.seqNo === seq)).toBe(true);
    const helpers = udp(out).filter((o) => o.packet.messages?.some((m) => m.indirectPing != null)).map((o) => o.to);
    const addrOf = (n: string): string | undefined => core.member(n)?.addr;
    expect(helpers).not.toContain(addrOf(target));
    expect(helpers).not.toContain(addrOf("e")); // a suspect never helps
    expect(out.some((o) => o.type === "tcp-ping" && o.to === addrOf(target))).toBe(true);
    // One helper nacks: the target is unreachable for others too; the missing nacks count against us.
    core.handlePacket(t0 + 600, helpers[0] ?? "", wire({ messages: [{ nack: { seqNo: seq } }] }));
    core.tick(t0 + 1500);
    core.drain();
    expect(core.member("e")?.status).toBe("suspect");
    expect(core.counters.probeFailures).toBe(1);
    expect(core.awarenessScore).toBe(indirect.length - 1);
  });

  it("an ack ends the probe and restores health; the buddy system puts the suspicion on the ping", () => {
    const core = cluster(["a"]);
    const first = firstPing(core);
    core.tick(first.at + 1000);
    core.drain();
    expect(core.member("a")?.status).toBe("suspect");
    const second = firstPing(core, first.at + 1000);
    const ping = udp(second.outputs).find((o) => o.packet.messages?.some((m) => m.ping != null));
    expect(ping?.packet.messages?.[0]?.suspect).toMatchObject({ node: "a", from: "self" });
    expect(first.target).toBe("a");
    const before = core.awarenessScore;
    core.handlePacket(second.at + 100, "10.0.1.1:7946", wire({ messages: [{ ack: { seqNo: second.seq } }] }));
    expect(core.awarenessScore).toBe(Math.max(0, before - 1));
  });

  it("refutes a suspicion about itself with a higher incarnation", () => {
    const core = cluster(["a", "b"]);
    core.handlePacket(5, "10.0.1.1:7946", wire({ messages: [{ suspect: { incarnation: 4, node: "self", from: "a" } }] }));
    expect(core.member("self")?.incarnation).toBe(5);
    expect(core.awarenessScore).toBe(1);
    const { outputs } = firstPing(core);
    const alive = udp(outputs).flatMap((o) => o.packet.messages ?? []).find((m) => m.alive?.node === "self");
    expect(alive?.alive?.incarnation).toBe(5);
  });

  it("ends a probe at once when the TCP fallback is refused, without an awareness penalty", () => {
    const core = cluster(["a", "b", "c"]);
    const { target, seq, at } = firstPing(core);
    core.tick(at + 500);
    const out = core.drain();
    expect(out.some((o) => o.type === "tcp-ping" && o.id === seq)).toBe(true);
    core.handleTcpPingResult(at + 510, seq, "refused");
    core.tick(at + 510);
    const events = core.drain().flatMap((o) => (o.type === "event" ? [o.event] : []));
    expect(events.some((e) => e.type === "suspect" && e.member.name === target)).toBe(true);
    expect(core.awarenessScore).toBe(0);
    expect(core.counters.tcpFallbackRefused).toBe(1);
  });

  it("orders news by incarnation: older alive/suspect/dead messages change nothing", () => {
    const core = cluster(["a"]);
    core.handlePacket(1, "x:1", wire({ messages: [{ alive: { incarnation: 3, node: "a", addr: "10.0.1.1:7946", meta: { role: "worker" } } }] }));
    expect(core.member("a")).toMatchObject({ incarnation: 3, status: "alive" });
    core.handlePacket(2, "x:1", wire({ messages: [{ suspect: { incarnation: 2, node: "a", from: "z" } }, { dead: { incarnation: 2, node: "a", from: "z" } }] }));
    expect(core.member("a")).toMatchObject({ incarnation: 3, status: "alive" });
    core.handlePacket(3, "x:1", wire({ messages: [{ alive: { incarnation: 3, node: "a", addr: "10.0.1.1:7946", meta: { role: "manager" } } }] }));
    expect(core.member("a")?.meta.role).toBe("worker");
    core.handlePacket(4, "x:1", wire({ messages: [{ dead: { incarnation: 3, node: "a", from: "z" } }] }));
    expect(core.member("a")?.status).toBe("suspect"); // current news, but someone else's verdict: an accusation
    // A wrong address from the wire is refused and counted.
    core.handlePacket(5, "x:1", wire({ messages: [{ alive: { incarnation: 9, node: "q", addr: "not an address" } }] }));
    expect(core.member("q")).toBeUndefined();
    expect(core.counters.invalidMessages).toBe(1);
  });

  it("takes another member's 'dead' about a third as an accusation: dead only when corroborated", () => {
    const core = cluster(["a", "b", "c", "d", "e"]);
    const events: GossipEvent[] = [];
    /** Runs the core from `t0` to `t1`, answering every direct and TCP ping as a healthy network would. */
    const runAcking = (t0: number, t1: number): void => {
      for (let t = t0; t <= t1; t += 10) {
        core.tick(t);
        for (const o of core.drain()) {
          if (o.type === "event") events.push(o.event);
          if (o.type === "tcp-ping") core.handleTcpPingResult(t, o.id, "acked");
          const ping = o.type === "udp" ? o.packet.messages?.find((m) => m.ping != null)?.ping : undefined;
          if (o.type === "udp" && ping != null) core.handlePacket(t, o.to, wire({ messages: [{ ack: { seqNo: ping.seqNo ?? 0 } }] }));
        }
      }
    };
    // One member ("z", or a stolen key) claims a is dead; a answers our probes.
    core.handlePacket(0, "x:1", wire({ messages: [{ dead: { incarnation: 1, node: "a", from: "z" } }] }));
    expect(core.member("a")?.status).toBe("suspect");
    runAcking(0, 60_000);
    expect(core.member("a")?.status).toBe("suspect");
    expect(events.filter((e) => e.type === "dead")).toEqual([]);
    expect(core.counters.deadUncorroborated).toBeGreaterThan(3);
    // a refutes (its alive with a higher incarnation reaches us): alive again.
    core.handlePacket(60_001, "10.0.1.1:7946", wire({ messages: [{ alive: { incarnation: 2, node: "a", addr: "10.0.1.1:7946" } }] }));
    expect(core.member("a")?.status).toBe("alive");
    // Two independent accusers corroborate each other: dead within the Lifeguard bounds, acks or not.
    core.handlePacket(60_010, "x:1", wire({ messages: [{ dead: { incarnation: 2, node: "a", from: "z" } }, { suspect: { incarnation: 2, node: "a", from: "y" } }] }));
    runAcking(60_010, 120_000);
    expect(core.member("a")?.status).toBe("dead");
    expect(events.filter((e) => e.type === "dead").map((e) => e.type === "dead" && e.member.name)).toEqual(["a"]);
  });

  it("rejects bad options and oversize metadata with field-naming errors", () => {
    expect(() => new GossipCore({ name: "", addr: "1.2.3.4:5" }, Math.random)).toThrow(/gossip.name/);
    expect(() => new GossipCore({ name: "n", addr: "1.2.3.4" }, Math.random)).toThrow(/gossip.addr: "1.2.3.4" is not host:port/);
    expect(() => new GossipCore({ name: "n", addr: "h:1", tuning: { probeTimeoutMs: 5000 } }, Math.random)).toThrow(/probeTimeoutMs/);
    const core = cluster([]);
    expect(() => core.updateMeta({ role: "x".repeat(600) })).toThrow(/gossip.meta: \d+ encoded bytes exceed the limit of 512/);
  });
});
