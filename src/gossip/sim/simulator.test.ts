// The SWIM/Lifeguard core in the deterministic simulator: failure detection, no false positives
// under loss, stalls, joins and metadata, partitions, graceful leaves. Every scenario is seeded;
// a failure message names the seed, and `SEED=<n> npx vitest run src/gossip/sim` replays it.
import { describe, expect, it } from "vitest";
import { Simulator, type SimOptions } from "./simulator.js";
import { encodePacket } from "../codec.js";
import { PacketSealer } from "../envelope.js";
import type { GossipEvent } from "../types.js";

const SEED = Number(process.env.SEED ?? 42);

interface Logged {
  readonly node: string;
  readonly event: GossipEvent;
  readonly at: number;
}

function simulator(options: Partial<SimOptions> = {}): { sim: Simulator; log: Logged[] } {
  const log: Logged[] = [];
  const sim = new Simulator({ seed: SEED, ...options, onEvent: (node, event, at) => log.push({ node, event, at }) });
  return { sim, log };
}

function aboutMember(e: GossipEvent): string {
  return e.type === "user" ? e.origin : e.member.name;
}

function statusAt(sim: Simulator, observer: string, member: string): string | undefined {
  return sim.node(observer).core.member(member)?.status;
}

function everyoneSees(sim: Simulator, observers: readonly string[], member: string, status: string): boolean {
  return observers.every((o) => statusAt(sim, o, member) === status);
}

describe(`gossip simulator (seed ${SEED})`, () => {
  it("declares a killed member dead at every other member within a few probe rounds", () => {
    const { sim, log } = simulator();
    const nodes = sim.addConvergedCluster(20).map((n) => n.name);
    sim.runFor(10_000);
    const killedAt = sim.now;
    sim.kill("n7");
    const others = nodes.filter((n) => n !== "n7");
    const done = sim.runUntil(() => everyoneSees(sim, others, "n7", "dead"), 60_000);
    expect(done, `seed ${SEED}: views ${others.map((o) => statusAt(sim, o, "n7")).join(",")}`).toBe(true);
    // min suspicion = 4 · log10(20) · 1 s ≈ 5.2 s; allow the probe that finds it and the spread.
    expect(sim.now - killedAt).toBeLessThan(15_000);
    const deaths = log.filter((l) => l.event.type === "dead");
    expect(new Set(deaths.map((d) => d.node))).toEqual(new Set(others));
    expect(deaths.every((d) => aboutMember(d.event) === "n7")).toBe(true);
  });

  it("has no false positive among healthy members at 5% uniform loss over a long run", () => {
    const { sim, log } = simulator({ loss: 0.05 });
    sim.addConvergedCluster(16);
    const hours = 0.5;
    sim.runFor(hours * 3600_000);
    const deaths = log.filter((l) => l.event.type === "dead");
    const suspicions = log.filter((l) => l.event.type === "suspect").length;
    expect(deaths, `seed ${SEED}: false positives ${JSON.stringify(deaths.slice(0, 3))}`).toEqual([]);
    expect(sim.dropped).toBeGreaterThan(1000); // the loss was real
    // Suspicions may happen under loss but must all have been refuted.
    for (const n of sim.allNodes()) expect(n.core.membersView().every((m) => m.status === "alive")).toBe(true);
    expect(suspicions).toBeGreaterThanOrEqual(0);
  });

  it("suspects a member whose event loop stalls and lets it refute when it recovers", () => {
    const { sim, log } = simulator();
    const nodes = sim.addConvergedCluster(10).map((n) => n.name);
    sim.runFor(5_000);
    sim.stall("n2", 60_000);
    const suspected = sim.runUntil(() => log.some((l) => l.event.type === "suspect" && aboutMember(l.event) === "n2"), 15_000);
    expect(suspected, `seed ${SEED}: nobody suspected the stalled member`).toBe(true);
    // Resume well inside the suspicion timeout (min 4 s for 10 members): it must refute, not die.
    sim.runFor(1_500);
    sim.resume("n2");
    sim.runFor(20_000);
    expect(log.filter((l) => l.event.type === "dead")).toEqual([]);
    expect(log.some((l) => l.event.type === "alive" && aboutMember(l.event) === "n2")).toBe(true);
    for (const o of nodes) expect(statusAt(sim, o, "n2")).toBe("alive");
    expect(sim.node("n2").core.member("n2")?.incarnation).toBeGreaterThan(1); // it refuted
  });

  it("spreads a join, a metadata update and a user message to every member", () => {
    const { sim, log } = simulator({ loss: 0.01 });
    const nodes = sim.addConvergedCluster(50).map((n) => n.name);
    sim.runFor(3_000);
    const joinAt = sim.now;
    sim.addNode("newcomer", { join: ["n0"], meta: { role: "worker", addresses: ["10.9.0.1"], labels: { zone: "a" } } });
    const everyone = [...nodes, "newcomer"];
    expect(sim.runUntil(() => everyoneSees(sim, nodes, "newcomer", "alive"), 10_000), `seed ${SEED}`).toBe(true);
    expect(sim.now - joinAt).toBeLessThan(3_000);
    expect(sim.runUntil(() => everyoneSees(sim, ["newcomer"], "n49", "alive"), 1_000)).toBe(true);
    for (const o of nodes) expect(sim.node(o).core.member("newcomer")?.meta.labels).toEqual({ zone: "a" });

    sim.node("n5").core.updateMeta({ role: "manager", addresses: ["10.0.0.5"], labels: { zone: "b" } });
    const updated = (): boolean => everyone.every((o) => sim.node(o).core.member("n5")?.meta.role === "manager");
    expect(sim.runUntil(updated, 10_000), `seed ${SEED}`).toBe(true);
    expect(new Set(log.filter((l) => l.event.type === "update" && aboutMember(l.event) === "n5").map((l) => l.node)).size).toBe(everyone.length - 1);

    sim.node("n9").core.sendUserMessage(new TextEncoder().encode("drain task t1"));
    const got = (): Set<string> => new Set(log.filter((l) => l.event.type === "user").map((l) => l.node));
    expect(sim.runUntil(() => got().size === everyone.length - 1, 10_000), `seed ${SEED}`).toBe(true);
    sim.runFor(5_000);
    expect(log.filter((l) => l.event.type === "user").length).toBe(everyone.length - 1); // each delivered once
  });

  it("Lifeguard: a member with 40% loss on its own links slows down and never gets a healthy member killed", () => {
    const run = (awarenessMaxMultiplier: number): { accusations: number; healthyDeaths: string[]; awareness: number } => {
      const { sim, log } = simulator({ tuning: { awarenessMaxMultiplier } });
      sim.addConvergedCluster(10);
      sim.runFor(2_000);
      sim.degrade("n0", 0.4);
      let awareness = 0;
      for (let t = 0; t < 120; t++) {
        sim.runFor(5_000);
        awareness += sim.node("n0").core.awarenessScore / 120;
      }
      const accusations = log.filter((l) => l.node === "n0" && l.event.type === "suspect" && l.event.from === "n0").length;
      const healthyDeaths = log.filter((l) => l.event.type === "dead" && aboutMember(l.event) !== "n0" && (l.node !== "n0" || l.event.from === "n0"))
        .map((l) => `${l.node}:${aboutMember(l.event)}`);
      return { accusations, healthyDeaths, awareness };
    };
    const lifeguard = run(8);
    const plain = run(1);
    expect(lifeguard.healthyDeaths, `seed ${SEED}`).toEqual([]);
    expect(lifeguard.awareness, `seed ${SEED}: mean awareness`).toBeGreaterThan(0.5); // healthy members stay at 0
    expect(lifeguard.accusations, `seed ${SEED}: lifeguard ${lifeguard.accusations} vs plain ${plain.accusations}`).toBeLessThan(plain.accusations);
  });

  it("converges the views after a partition heals", () => {
    const { sim } = simulator();
    const nodes = sim.addConvergedCluster(12).map((n) => n.name);
    sim.runFor(3_000);
    const left = nodes.slice(0, 6);
    const right = nodes.slice(6);
    sim.partition(left, right);
    expect(sim.runUntil(() => left.every((l) => everyoneSees(sim, right, l, "dead")) && right.every((r) => everyoneSees(sim, left, r, "dead")), 60_000),
      `seed ${SEED}: the sides never declared each other dead`).toBe(true);
    sim.runFor(10_000);
    sim.heal();
    const converged = (): boolean => nodes.every((m) => everyoneSees(sim, nodes, m, "alive"));
    expect(sim.runUntil(converged, 120_000), `seed ${SEED}: ${nodes.map((o) => nodes.map((m) => statusAt(sim, o, m)?.[0]).join("")).join(" ")}`).toBe(true);
  });

  it("reports a graceful leave as left, not dead, everywhere", () => {
    const { sim, log } = simulator();
    const nodes = sim.addConvergedCluster(10).map((n) => n.name);
    sim.runFor(3_000);
    sim.node("n4").core.leave(sim.now);
    const others = nodes.filter((n) => n !== "n4");
    // Gossip reaches nearly everyone within a second; push-pull repairs the rare miss.
    expect(sim.runUntil(() => everyoneSees(sim, others, "n4", "left"), 40_000), `seed ${SEED}`).toBe(true);
    sim.kill("n4");
    sim.runFor(30_000);
    expect(log.filter((l) => l.event.type === "dead")).toEqual([]);
    expect(new Set(log.filter((l) => l.event.type === "leave").map((l) => l.node))).toEqual(new Set(others));
  });

  it("lets a restarted member with the same name take its place back", () => {
    const { sim, log } = simulator();
    const nodes = sim.addConvergedCluster(8).map((n) => n.name);
    sim.runFor(2_000);
    sim.kill("n3");
    const others = nodes.filter((n) => n !== "n3");
    expect(sim.runUntil(() => everyoneSees(sim, others, "n3", "dead"), 30_000)).toBe(true);
    // Same name, new process: new address, incarnation starts over at 1 and must out-bid the dead one.
    sim.restart("n3", ["n0"]);
    expect(sim.runUntil(() => everyoneSees(sim, others, "n3", "alive"), 10_000), `seed ${SEED}`).toBe(true);
    expect(new Set(log.filter((l) => l.event.type === "join" && aboutMember(l.event) === "n3").map((l) => l.node))).toEqual(new Set(others));
    expect(sim.node("n0").core.member("n3")?.addr).toBe(sim.node("n3").addr);
  });

  it("drops every replayed datagram (an eavesdropper re-sending captured traffic) and nothing else", () => {
    const captured: { from: string; to: string; bytes: Uint8Array }[] = [];
    let capturing = false;
    const { sim, log } = simulator({
      loss: 0.02, minDelayMs: 1, maxDelayMs: 30, // reordering: packets overtake each other
      onDatagram: (from, to, bytes) => {
        if (capturing) captured.push({ from, to, bytes });
      },
    });
    const nodes = sim.addConvergedCluster(10).map((n) => n.name);
    capturing = true;
    // Capture while n3 is stalled: the suspicions about it and its refutation are on the wire.
    sim.stall("n3", 8_000);
    sim.runFor(15_000);
    capturing = false;
    sim.runFor(60_000);
    const dropsBefore = sim.allNodes().reduce((n, x) => n + x.replaysDropped, 0);
    expect(dropsBefore, `seed ${SEED}: genuine packets dropped as replays`).toBe(0);
    expect(captured.some((c) => c.bytes.length > 0)).toBe(true);
    const eventsBefore = log.length;
    const byAddr = new Map(sim.allNodes().map((n) => [n.addr, n.name]));
    let injected = 0;
    for (const c of captured) {
      const to = byAddr.get(c.to);
      if (to === undefined) continue;
      sim.injectDatagram(to, c.from, c.bytes, 1 + (injected % 500));
      injected++;
    }
    sim.runFor(5_000);
    const drops = sim.allNodes().reduce((n, x) => n + x.replaysDropped, 0);
    // Every replay is refused; only datagrams the lossy network ate the first time (2%) may get in once.
    expect(drops, `seed ${SEED}: ${injected} injected`).toBeGreaterThanOrEqual(injected * 0.95);
    expect(drops).toBeLessThanOrEqual(injected);
    if (process.env.GOSSIP_SIM_VERBOSE === "1") console.log(`replay: ${injected} injected, ${drops} dropped`);
    expect(log.slice(eventsBefore), `seed ${SEED}: events caused by the replay`).toEqual([]);
    expect(nodes.every((o) => nodes.every((m) => statusAt(sim, o, m) === "alive"))).toBe(true);
  });

  it("a forged 'dead' about a live member (one accuser, even with a valid key) takes it out of no one's view", () => {
    const { sim, log } = simulator({ loss: 0.02 });
    const nodes = sim.addConvergedCluster(10).map((n) => n.name);
    sim.runFor(5_000);
    const mallory = new PacketSealer("mallory", 1);
    // The forger tells every member, every second for 30 s, that n4 died (at n4's current incarnation).
    for (let i = 0; i < 30; i++) {
      for (const to of nodes) {
        if (to === "n4") continue;
        const incarnation = sim.node(to).core.member("n4")?.incarnation ?? 1;
        const bytes = encodePacket(mallory.stamp({ messages: [{ dead: { incarnation, node: "n4", from: "mallory" } }] }));
        sim.injectDatagram(to, "10.9.9.9:7946", bytes, i * 1000);
      }
    }
    sim.runFor(60_000);
    expect(log.filter((l) => l.event.type === "dead"), `seed ${SEED}`).toEqual([]);
    expect(log.filter((l) => l.event.type === "suspect" && aboutMember(l.event) === "n4").length).toBeGreaterThan(0); // it was heard
    expect(everyoneSees(sim, nodes, "n4", "alive"), `seed ${SEED}`).toBe(true);
  });
});
