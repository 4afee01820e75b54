import { afterAll, afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KvMembers, freeAddr, waitFor } from "../raft/server/testing/kv-members.js";
import { liveReachability, type ReachabilityClock } from "./reachability.js";

const root = mkdtempSync(join(tmpdir(), "swarm-reachability-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const members = new KvMembers();
afterEach(() => members.stopAll());

describe("manager reachability from Raft activity", () => {
  it("the leader calls a stopped member unreachable and a restarted one reachable; followers defer to the recorded value", async () => {
    const peers = new Map<number, string>();
    for (const id of [1, 2, 3]) peers.set(id, await freeAddr());
    const group = await Promise.all([1, 2, 3].map((id) => members.start(id, join(root, `m${id}`), peers, { bootstrap: [1, 2, 3] })));
    const leader = await waitFor("a leader", () => group.find((m) => m.server.status().isLeader));
    const [a, b] = group.filter((m) => m !== leader) as [(typeof group)[0], (typeof group)[0]];
    const clock: ReachabilityClock = { leaderSince: () => 0, unreachableAfterMs: 600 };
    const seenBy = (m: (typeof group)[0], id: number, stored: "REACHABLE" | "UNREACHABLE" = "REACHABLE") => liveReachability(m.server, clock, id, stored);

    await waitFor("every member reachable from the leader", () => group.every((m) => seenBy(leader, m.id, "UNREACHABLE") === "REACHABLE"));
    expect(seenBy(leader, 99)).toBe("UNREACHABLE"); // not a member
    expect(seenBy(a, a.id, "UNREACHABLE")).toBe("REACHABLE"); // itself
    await waitFor("a follower hearing from its leader", () => seenBy(a, leader.id, "UNREACHABLE") === "REACHABLE"); // the leader it hears from

    await members.stop(b);
    await waitFor("the stopped member unreachable from the leader", () => seenBy(leader, b.id) === "UNREACHABLE", 5_000);
    const p = leader.server.peerActivity().find((x) => x.id === b.id);
    expect(p?.lastHeardAgoMs).toBeGreaterThanOrEqual(600);
    expect(p?.progress).toBeDefined();
    // A follower does not talk to other followers: it shows what the leader recorded.
    expect(seenBy(a, b.id, "REACHABLE")).toBe("REACHABLE");
    expect(seenBy(a, b.id, "UNREACHABLE")).toBe("UNREACHABLE");

    await members.start(b.id, b.dir, peers);
    await waitFor("the restarted member reachable again", () => seenBy(leader, b.id, "UNREACHABLE") === "REACHABLE", 10_000);
  });
});
