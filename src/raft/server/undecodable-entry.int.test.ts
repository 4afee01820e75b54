/**
 * A committed entry that no replica can decode (here: a member forwards an MSG_PROP whose data is not
 * a proposal envelope — any member may propose, and the leader does not parse payloads) must not stop
 * the cluster: every replica logs the index and skips it, later proposals commit, and a member that
 * restarts replays past it instead of stopping at it again.
 */
import { describe, it, expect, afterAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentials } from "@grpc/grpc-js";
import { createLogger, type Logger } from "../../lib/logger.js";
import { encodeKvCommand } from "../kv/state-machine.js";
import { KvMembers, freeAddr, waitFor } from "./testing/kv-members.js";
import { sendRaw } from "./testing/raw-peer.js";

const root = mkdtempSync(join(tmpdir(), "swarm-raft-undecodable-"));
const members = new KvMembers();
afterAll(async () => {
  await members.stopAll();
  rmSync(root, { recursive: true, force: true });
});

const lines = new Map<number, string[]>();
function loggerOf(id: number): Logger {
  const mine = lines.get(id) ?? [];
  lines.set(id, mine);
  return createLogger({ level: "info", destination: { write: (s: string) => void mine.push(s) } });
}
const skipped = (id: number, index: number): boolean => (lines.get(id) ?? []).some((l) => l.includes(`skipped undecodable committed entry at index ${index}"`));

describe("an undecodable committed entry", () => {
  it("is logged with its index and skipped on every replica, also on replay", async () => {
    const peers = new Map<number, string>();
    for (const id of [1, 2, 3]) peers.set(id, await freeAddr());
    const group = await Promise.all([1, 2, 3].map((id) => members.start(id, join(root, `m${id}`), peers, { bootstrap: [1, 2, 3], logger: loggerOf(id) })));
    const leader = await waitFor("a leader", () => group.find((m) => m.server.status().isLeader), 20_000);
    const follower = group.find((m) => m !== leader)!;
    const before = leader.server.status().lastIndex;

    // Not a proposal envelope: version byte 0xff, 3 bytes.
    const out = await sendRaw(peers.get(leader.id)!, credentials.createInsecure(), [
      { type: "MSG_PROP", from: follower.id, to: leader.id, entries: [{ type: "ENTRY_NORMAL", data: Buffer.from([0xff, 0x00, 0x01]) }] },
    ]);
    expect(out).toMatchObject({ ok: true });
    const bad = before + 1;
    await waitFor(`every replica logging the skip of index ${bad}`, () => group.every((m) => skipped(m.id, bad) && m.server.status().applied >= bad), 10_000);

    // The cluster goes on: a later proposal commits and is applied everywhere.
    const r = await leader.server.propose(encodeKvCommand({ op: "put", key: "after", value: Buffer.from("yes") }));
    expect(r.revision).toBeGreaterThan(bad);
    await waitFor("the later put everywhere", () => group.every((m) => m.server.status().applied >= r.revision), 10_000);

    // Replay: the follower restarts from its WAL and passes the entry again (skipping it again).
    lines.set(follower.id, []);
    await members.stop(follower);
    const again = await members.start(follower.id, follower.dir, peers, { logger: loggerOf(follower.id) });
    await waitFor("the restarted member past the bad entry", () => again.server.status().applied >= r.revision, 15_000);
    expect(skipped(follower.id, bad)).toBe(true);
    expect(again.sm.get("after")?.toString()).toBe("yes");
  }, 60_000);
});
