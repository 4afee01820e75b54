import { afterAll, afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapEntries, decodeConfChange, encodeConfChange, newEntry } from "../core/index.js";
import { encodeKvCommand } from "../kv/state-machine.js";
import { forceNewClusterLog } from "./force-new-cluster.js";
import { KvMembers, freeAddr, waitFor } from "./testing/kv-members.js";

const root = mkdtempSync(join(tmpdir(), "swarm-raft-fnc-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const put = (key: string, value: string): Buffer => encodeKvCommand({ op: "put", key, value: Buffer.from(value) });

describe("forceNewClusterLog (pure)", () => {
  const log = [...bootstrapEntries([1, 2, 3]), newEntry({ term: 2, index: 4, data: put("a", "1") }), newEntry({ term: 2, index: 5, data: put("b", "2") })];

  it("drops the uncommitted tail and appends one removal per other member, committed, at the current term", () => {
    const f = forceNewClusterLog(2, "h2:1", { snapshot: null, hardState: { term: 3, vote: 1, commit: 4 }, entries: log });
    expect(f.dropped).toBe(1);
    expect(f.removed).toEqual([1, 3]);
    expect(f.appended.map((e) => [e.index, e.term, decodeConfChange(e.data).type, decodeConfChange(e.data).nodeId])).toEqual([
      [5, 3, "CONF_REMOVE_NODE", 1],
      [6, 3, "CONF_REMOVE_NODE", 3],
    ]);
    expect(f.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(f.hardState).toEqual({ term: 3, vote: 1, commit: 6 });
  });

  it("promotes a learner to voter and changes nothing for a member that already is the only voter", () => {
    const cc = (index: number, type: "CONF_ADD_VOTER" | "CONF_ADD_LEARNER", nodeId: number) =>
      newEntry({ term: 1, index, type: "ENTRY_CONF_CHANGE", data: encodeConfChange({ type, nodeId, context: Buffer.alloc(0) }) });
    // 5 is added as a voter at index 2, then demoted to a learner at index 3
    const entries = [...bootstrapEntries([1]), cc(2, "CONF_ADD_VOTER", 5), cc(3, "CONF_ADD_LEARNER", 5)];
    const f = forceNewClusterLog(5, "h5:1", { snapshot: null, hardState: { term: 1, vote: 0, commit: 3 }, entries });
    expect(f.appended.map((e) => [decodeConfChange(e.data).type, decodeConfChange(e.data).nodeId, decodeConfChange(e.data).context.toString()])).toEqual([
      ["CONF_REMOVE_NODE", 1, ""],
      ["CONF_ADD_VOTER", 5, "h5:1"],
    ]);
    const alone = forceNewClusterLog(1, "h1:1", { snapshot: null, hardState: { term: 1, vote: 0, commit: 1 }, entries: bootstrapEntries([1]) });
    expect(alone.appended).toEqual([]);
  });
});

const members = new KvMembers();
afterEach(() => members.stopAll());
const start = members.start.bind(members);
const stop = members.stop.bind(members);

describe("force-new-cluster on a real member", () => {
  it("restarts a survivor of a lost quorum as a one-voter group with its data, which takes writes and new members", async () => {
    const peers = new Map<number, string>();
    for (const id of [1, 2, 3]) peers.set(id, await freeAddr());
    const group = await Promise.all([1, 2, 3].map((id) => start(id, join(root, `a${id}`), peers, { bootstrap: [1, 2, 3], snapshotEntries: 30 })));
    const leader = await waitFor("a leader", () => group.find((m) => m.server.status().isLeader));
    for (let i = 0; i < 50; i++) await leader.server.propose(put(`k${i}`, `v${i}`));
    const survivor = group.find((m) => m !== leader)!;
    await waitFor("the survivor applied 50 keys", () => survivor.sm.size === 50);
    for (const m of group) await stop(m);

    // Without the flag the survivor alone has no leader and refuses writes.
    const stuck = await start(survivor.id, survivor.dir, peers);
    await new Promise((r) => setTimeout(r, 1500));
    expect(stuck.server.status().leader).toBe(0);
    await stop(stuck);

    const forced = await start(survivor.id, survivor.dir, new Map([[survivor.id, peers.get(survivor.id)!]]), { forceNewCluster: true });
    await waitFor("the forced member leads itself", () => forced.server.status().isLeader);
    expect(forced.server.status().confState).toEqual({ voters: [survivor.id], learners: [] });
    expect([...forced.server.status().members.keys()]).toEqual([survivor.id]);
    expect(forced.sm.get("k49")?.toString()).toBe("v49");
    await forced.server.propose(put("after", "force"));

    // A new member joins the forced cluster and receives everything.
    const addr4 = await freeAddr();
    await forced.server.addMember(4, addr4);
    const joiner = await start(4, join(root, "a4"), new Map([[survivor.id, peers.get(survivor.id)!], [4, addr4]]));
    await waitFor("the new member replicated the data", () => joiner.sm.get("after")?.toString() === "force" && joiner.sm.size === 51, 20_000);
    expect(forced.server.status().confState.voters).toEqual([4, survivor.id].sort((a, b) => a - b));

    // Restarting with the flag again on a member that is not alone would remove the new member: the
    // flag is for recovery only; here the member restarts without it and the two-member group goes on.
    await stop(forced);
    const again = await start(survivor.id, survivor.dir, new Map([[survivor.id, peers.get(survivor.id)!], [4, addr4]]));
    await waitFor("a leader of the two-member group", () => [again, joiner].find((m) => m.server.status().isLeader));
    const r = await (again.server.status().isLeader ? again : joiner).server.propose(put("two", "members"));
    expect(r.revision).toBeGreaterThan(50);
  });
});
