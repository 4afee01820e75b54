// How a manager enters the Raft group, with real managers (Raft + store + mTLS API) on loopback:
// a joiner is added as a LEARNER, so a leader under write load keeps committing and is never deposed
// while the newcomer starts and catches up; the leader's role manager promotes it once its log has
// caught up; a leader change during the catch-up leaves the promotion to the next leader; a learner
// can be demoted, and a learner no node refers to is removed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { JoinRaftResponse__Output } from "../gen/swarm/membership/JoinRaftResponse.js";
import { callUnary } from "../rpc/grpc.js";
import type { Logger } from "../lib/logger.js";
import { makeNode } from "../store/objects.js";
import { waitFor } from "../raft/server/testing/kv-members.js";
import { createNodeKeyAndCsr, createRootCA, signNodeCertificate, type RootCA } from "../ca/certs.js";
import { MANAGER_TARGET_OPTIONS, managerChannelCredentials, TlsIdentityProvider } from "../ca/tls.js";
import { Manager } from "./manager.js";
import { removeNode } from "./controlapi/nodes.js";
import { newClusterObject } from "../ca/issuer.js";
import { protos } from "../rpc/services.js";

const root = mkdtempSync(join(tmpdir(), "swarm-membership-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const CLUSTER = "c-membership";
const TICK_MS = 20; // election timeout 200 ms: a stalled quorum would depose the leader quickly
const running = new Set<Manager>();
afterEach(async () => {
  await Promise.all([...running].map((m) => m.stop()));
  running.clear();
});

/** Log lines of every manager, for assertions on what the role manager reported. */
const lines: string[] = [];
function logger(): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split("\n").filter((l) => l !== ""));
      done();
    },
  });
  return pino({ level: "info" }, sink);
}

let basePort = 21_000 + Math.floor(Math.random() * 20_000);
/** Identity and addresses of one manager-to-be. */
interface Member {
  readonly raftId: number;
  readonly nodeId: string;
  readonly addr: string;
  readonly tls: TlsIdentityProvider;
  readonly dir: string;
}

async function member(ca: RootCA, raftId: number): Promise<Member> {
  const nodeId = `node-${raftId}-${basePort}`;
  const k = await createNodeKeyAndCsr();
  const certPem = await signNodeCertificate(ca, k.csrPem, { nodeId, role: "manager", clusterId: CLUSTER });
  basePort += 2; // API port and Raft port (+1)
  return { raftId, nodeId, addr: `127.0.0.1:${basePort}`, tls: new TlsIdentityProvider({ caCertPem: ca.certPem, certPem, keyPem: k.keyPem }), dir: mkdtempSync(join(root, `m${raftId}-`)) };
}

async function start(m: Member, o: { bootstrap?: boolean; peers?: Map<number, string> } = {}): Promise<Manager> {
  const manager = await Manager.start({
    dataDir: m.dir,
    nodeId: m.nodeId,
    raftId: m.raftId,
    listenAddr: m.addr,
    advertiseAddr: m.addr,
    tls: m.tls,
    bootstrap: o.bootstrap === true,
    peers: o.peers ?? new Map(),
    logger: logger().child({ raftId: m.raftId }),
    tickMs: TICK_MS,
    reconcilers: false,
    roles: { intervalMs: 200, promotionTimeoutMs: 1_500, orphanGraceMs: 1_500 },
  });
  running.add(manager);
  return manager;
}

/** The first manager: bootstraps Raft and records its own node, as `swarmctl init` does. */
async function first(m: Member): Promise<Manager> {
  const manager = await start(m, { bootstrap: true });
  await manager.waitForLeader();
  await manager.store.update((tx) =>
    tx.create("node", makeNode({ id: m.nodeId, spec: { desiredRole: "MANAGER", availability: "ACTIVE" }, role: "MANAGER", managerStatus: { raftId: m.raftId, addr: m.addr, leader: true, reachability: "REACHABLE" } })),
  );
  return manager;
}

/** What `swarmctl join --token <manager token>` does after the CA issued the certificate: the node exists, then Join. */
async function joinRaft(leader: Manager, m: Member): Promise<JoinRaftResponse__Output> {
  await leader.store.updateWithRetry((tx) => {
    if (tx.get("node", m.nodeId) === undefined) tx.create("node", makeNode({ id: m.nodeId, spec: { desiredRole: "MANAGER", availability: "ACTIVE" }, role: "MANAGER" }));
  });
  return callJoin(leader, m);
}

/** RaftMembership.Join with `m`'s certificate, as it is (no node record made). */
async function callJoin(leader: Manager, m: Member, raftId = m.raftId): Promise<JoinRaftResponse__Output> {
  const client = new protos.membership.RaftMembership(leader.advertiseAddr, managerChannelCredentials(m.tls), MANAGER_TARGET_OPTIONS);
  try {
    return await callUnary<JoinRaftResponse__Output>((md, o, cb) => client.Join({ raftId, raftAddr: raftAddrOf(m.addr), apiAddr: m.addr }, md, o, cb));
  } finally {
    client.close();
  }
}

const raftAddrOf = (addr: string): string => `127.0.0.1:${Number(addr.slice(addr.lastIndexOf(":") + 1)) + 1}`;
const peersOf = (res: JoinRaftResponse__Output): Map<number, string> => new Map(res.members.map((x) => [x.raftId, x.raftAddr]));
const leaderOf = (ms: readonly Manager[]): Manager | undefined => ms.find((m) => running.has(m) && m.raft.status().isLeader);

/** Writes as fast as one manager takes them (a few concurrent writers on their own objects); counts outcomes. */
function writeLoad(manager: Manager, writers: number): { stop: () => Promise<void>; ok: () => number; failed: string[]; maxMs: () => number } {
  let stopped = false;
  let ok = 0;
  let maxMs = 0;
  const failed: string[] = [];
  const loops = Array.from({ length: writers }, async (_, w) => {
    const id = `load-${w}`;
    await manager.store.update((tx) => tx.create("node", makeNode({ id, spec: { desiredRole: "WORKER", availability: "ACTIVE" } })));
    for (let i = 0; !stopped; i++) {
      const t0 = Date.now();
      try {
        await manager.store.update((tx) => {
          const n = structuredClone(tx.get("node", id)!);
          n.spec = { ...n.spec!, annotations: { name: "", labels: { seq: String(i), pad: "x".repeat(512) } } };
          tx.update("node", n);
        });
        ok++;
      } catch (err) {
        failed.push(String(err));
      }
      maxMs = Math.max(maxMs, Date.now() - t0);
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
    ok: () => ok,
    failed,
    maxMs: () => maxMs,
  };
}

describe("manager membership: learner first, voter once caught up", () => {
  it("joins two managers while writes run: each is a learner first, then a voter; the leader is never deposed and no write fails", async () => {
    const ca = await createRootCA();
    const [a, b, c] = await Promise.all([1, 2, 3].map((id) => member(ca, id))) as [Member, Member, Member];
    const m1 = await first(a);
    // A log to catch up with before the first join.
    for (let i = 0; i < 20; i++) await m1.store.update((tx) => tx.create("node", makeNode({ id: `pre-${i}`, spec: { desiredRole: "WORKER", availability: "ACTIVE" } })));
    const term = m1.raft.status().term;
    const load = writeLoad(m1, 4);
    await waitFor("writes flowing", () => load.ok() > 50);

    const timings: number[] = [];
    const joined: Manager[] = [];
    for (const m of [b, c]) {
      const t0 = Date.now();
      const res = await joinRaft(m1, m);
      // Added as a learner: not counted for quorum, shown as such (not as a Reachable voter).
      expect(m1.raft.status().confState.learners).toContain(m.raftId);
      expect(m1.raft.status().confState.voters).not.toContain(m.raftId);
      const record = m1.store.view((tx) => tx.get("node", m.nodeId))!;
      expect(m1.nodeView(record).managerStatus).toMatchObject({ raftId: m.raftId, learner: true, leader: false });
      joined.push(await start(m, { peers: peersOf(res) }));
      await waitFor(`raft ${m.raftId} promoted to voter`, () => m1.raft.status().confState.voters.includes(m.raftId), 20_000);
      timings.push(Date.now() - t0);
      expect(m1.raft.status().confState.learners).not.toContain(m.raftId);
      expect(m1.nodeView(m1.store.view((tx) => tx.get("node", m.nodeId))!).managerStatus?.learner).toBe(false);
    }
    const before = load.ok();
    await waitFor("writes still flowing with three voters", () => load.ok() > before + 50);
    await load.stop();
    console.log(`join → voter: ${timings.map((t) => `${t} ms`).join(", ")}; ${load.ok()} writes ok, ${load.failed.length} failed, slowest ${load.maxMs()} ms; term ${term} → ${m1.raft.status().term}`);
    expect(load.failed).toEqual([]);
    expect(m1.raft.status()).toMatchObject({ isLeader: true, term });
    expect(lines.filter((l) => l.includes('"raft: leader changed"') && l.includes('"raftId":1,')).length).toBe(1); // only its own election at bootstrap
    // Every member applies the same store.
    const count = m1.store.view((tx) => tx.list("node").length);
    await waitFor("joined managers applied everything", () => joined.every((j) => j.store.view((tx) => tx.list("node").length) === count));
  });

  it("a leader change during the catch-up: the next leader promotes the learner; a learner is demoted; an orphan learner is removed", async () => {
    const ca = await createRootCA();
    const [a, b, c, d, e] = await Promise.all([1, 2, 3, 4, 5].map((id) => member(ca, id))) as [Member, Member, Member, Member, Member];
    const m1 = await first(a);
    const all: Manager[] = [m1];
    for (const m of [b, c]) {
      all.push(await start(m, { peers: peersOf(await joinRaft(m1, m)) }));
      await waitFor(`raft ${m.raftId} a voter`, () => m1.raft.status().confState.voters.includes(m.raftId), 20_000);
    }

    // d joins but its manager does not start yet: it stays a learner, reported once it is overdue.
    const joinedD = await joinRaft(m1, d);
    await waitFor("the overdue learner reported", () => lines.some((l) => l.includes("is still a raft learner") && l.includes('"raftId":4')), 10_000);
    expect(m1.raft.status().confState).toEqual({ voters: [1, 2, 3], learners: [4] });

    // The leader goes away before d caught up; another one takes over and d starts now.
    await m1.stop();
    running.delete(m1);
    const next = await waitFor("a new leader", () => leaderOf(all), 10_000);
    const md = await start(d, { peers: peersOf(joinedD) });
    all.push(md);
    await waitFor("d promoted by the new leader", () => next.raft.status().confState.voters.includes(4), 20_000);
    expect(next.raft.status().confState.learners).toEqual([]);
    await waitFor("d knows it is a voter", () => md.raft.status().confState.voters.includes(4));
    expect(lines.some((l) => l.includes("learner caught up: promoting it to a raft voter") && l.includes(`"raftId":${next.raft.status().id}`))).toBe(true);

    // A learner can be demoted: removed from Raft at once, its node a worker again.
    await joinRaft(next, e);
    expect(next.raft.status().confState.learners).toEqual([5]);
    await next.store.updateWithRetry((tx) => {
      const n = structuredClone(tx.get("node", e.nodeId)!);
      n.spec = { ...n.spec!, desiredRole: "WORKER" };
      tx.update("node", n);
    });
    await waitFor("e removed and a worker", () => !next.raft.status().members.has(5) && next.store.view((tx) => tx.get("node", e.nodeId)?.role) === "WORKER", 10_000);
    expect(next.store.view((tx) => tx.get("node", e.nodeId)?.managerStatus)).toBeNull();

    // A learner no node refers to (a join that failed after the Raft change) is removed after the grace.
    await next.raft.addMember(6, "127.0.0.1:9", { learner: true });
    await waitFor("the orphan learner removed", () => !next.raft.status().members.has(6), 10_000);
    expect(next.raft.status().confState).toEqual({ voters: [1, 2, 3, 4], learners: [] });
  });

  it("refuses Join before touching raft: an unknown node, a worker, a manager being demoted, a removed node, another node's raft id", async () => {
    const ca = await createRootCA();
    const [a, b] = await Promise.all([1, 2].map((id) => member(ca, id))) as [Member, Member];
    const m1 = await first(a);
    const before = structuredClone(m1.raft.status().confState);
    const setNode = (spec: "MANAGER" | "WORKER", role: "MANAGER" | "WORKER") =>
      m1.store.updateWithRetry((tx) => {
        const n = tx.get("node", b.nodeId);
        const next = n === undefined ? makeNode({ id: b.nodeId, spec: { desiredRole: spec, availability: "ACTIVE" }, role }) : { ...structuredClone(n), role, spec: { ...n.spec!, desiredRole: spec } };
        if (n === undefined) tx.create("node", next);
        else tx.update("node", next);
      });
    const refused = async (why: string | RegExp): Promise<void> => {
      await expect(callJoin(m1, b)).rejects.toMatchObject({ code: "PERMISSION_DENIED", message: expect.stringMatching(why) as unknown });
      expect(m1.raft.status().confState).toEqual(before);
      expect(m1.raft.status().members.has(b.raftId)).toBe(false);
    };
    // b holds a valid manager certificate throughout; only the store decides.
    await refused(`^node ${b.nodeId} is not a member of this cluster$`);
    await setNode("WORKER", "WORKER");
    await refused(`^node ${b.nodeId} is a worker; this needs a manager$`);
    await setNode("WORKER", "MANAGER");
    await refused(`^node ${b.nodeId} is being demoted to worker; this needs a manager$`);
    await setNode("MANAGER", "MANAGER");
    await expect(callJoin(m1, b, a.raftId)).rejects.toMatchObject({ code: "PERMISSION_DENIED", message: `raftId: 1 is the raft id of node ${a.nodeId}, not of node ${b.nodeId}` });
    expect(m1.store.view((tx) => tx.get("node", b.nodeId)?.managerStatus)).toBeNull();
    await setNode("WORKER", "WORKER");
    await m1.store.update((tx) => tx.create("cluster", newClusterObject(ca, CLUSTER))); // `node rm` records the removal on it
    await removeNode(m1.store, b.nodeId, true);
    await refused(`^node ${b.nodeId} was removed from the cluster$`);
    expect(lines.some((l) => l.includes("adding manager to raft as a learner") && l.includes(b.nodeId))).toBe(false);
  });
});
