/**
 * The Raft port under attack, for real: two TLS members of a three-voter cluster on loopback (certs
 * from a real cluster CA, senders bound through a PeerDirectory), and bare gRPC clients that send a
 * leadership-stealing heartbeat (term 2^40) with every kind of wrong identity. Each must be refused
 * with the status and reason named, leave term and leader unchanged, and be logged.
 */
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRootCA, type RootCA } from "../../ca/certs.js";
import { managerChannelCredentials, peerServerCredentials, TlsIdentityProvider, type TlsIdentity } from "../../ca/tls.js";
import { createLogger } from "../../lib/logger.js";
import { KvStateMachine, encodeKvCommand, type KvApplyResult } from "../kv/state-machine.js";
import type { PeerDirectory } from "./peer-auth.js";
import { RaftServer } from "./server.js";
import { freeAddr, waitFor } from "./testing/kv-members.js";
import { issueIdentity, rawPeerCredentials, sendRaw } from "./testing/raw-peer.js";
import { MAX_RAFT_MESSAGE_BYTES } from "../transport/transport.js";

const root = mkdtempSync(join(tmpdir(), "swarm-raft-peer-auth-"));
const logLines: string[] = [];
const logger = createLogger({ level: "info", destination: { write: (s: string) => void logLines.push(s) } });

/** node id → raft id, as the store would hold it ("w1" is a worker: known, no raft id). */
const bindings = new Map<string, number | null>([["n1", 1], ["n2", 2], ["n3", 3], ["w1", null]]);
const directory: PeerDirectory = {
  raftIdOfNode: (nodeId) => bindings.get(nodeId),
  nodeOfRaftId: (raftId) => [...bindings].find(([, r]) => r === raftId)?.[0],
};

let ca: RootCA;
const ids = new Map<string, TlsIdentity>();
const members: RaftServer<KvApplyResult>[] = [];
const peers = new Map<number, string>();

beforeAll(async () => {
  ca = await createRootCA();
  for (const [node, role] of [["n1", "manager"], ["n2", "manager"], ["n9", "manager"], ["w1", "worker"]] as const) ids.set(node, await issueIdentity(ca, node, role));
  for (const id of [1, 2, 3]) peers.set(id, await freeAddr());
  for (const id of [1, 2]) {
    const tls = new TlsIdentityProvider(ids.get(`n${id}`)!);
    members.push(
      await RaftServer.start({
        id,
        dataDir: join(root, `m${id}`),
        listen: peers.get(id)!,
        peers,
        bootstrap: [1, 2, 3], // member 3 never runs: 1 and 2 are a quorum
        stateMachine: new KvStateMachine(),
        tickMs: 30,
        serverCredentials: peerServerCredentials(tls),
        channelCredentials: managerChannelCredentials(tls),
        peerDirectory: directory,
        logger: logger.child({ member: id }),
      }),
    );
  }
}, 30_000);

afterAll(async () => {
  await Promise.all(members.map((m) => m.stop()));
  rmSync(root, { recursive: true, force: true });
});

function leaderNow(): RaftServer<KvApplyResult> {
  const m = members.find((x) => x.status().isLeader);
  if (m === undefined) throw new Error(`no leader among ${members.map((x) => x.status().id).join(",")}`);
  return m;
}

const STEAL_TERM = 2 ** 40;

describe("raft port: only a member's own manager certificate speaks as it", () => {
  it("members with TLS and bound senders elect a leader and commit", async () => {
    await waitFor("a leader", () => members.find((m) => m.status().isLeader), 20_000);
    const r = await leaderNow().propose(encodeKvCommand({ op: "put", key: "k", value: Buffer.from("v") }));
    expect(r).toMatchObject({ existed: false });
    expect(r.revision).toBeGreaterThan(3); // after the three bootstrap entries
  }, 30_000);

  it("refuses every wrong identity before the core sees the message", async () => {
    const leader = leaderNow();
    const { id: L, term } = leader.status();
    const other = L === 1 ? 2 : 1;
    const addr = peers.get(L)!;
    const heartbeat = (from: number) => [{ type: "MSG_HEARTBEAT" as const, from, to: L, term: STEAL_TERM, commit: 0 }];
    const otherCa = await createRootCA();
    const selfSigned = await issueIdentity(otherCa, "n2", "manager");
    const cases: { name: string; creds: ReturnType<typeof rawPeerCredentials>; from: number; code: string; details: RegExp }[] = [
      { name: "no certificate", creds: rawPeerCredentials(ca.certPem), from: other, code: "UNAVAILABLE", details: /./ },
      { name: "self-signed OU=manager", creds: rawPeerCredentials(ca.certPem, selfSigned), from: other, code: "UNAVAILABLE", details: /./ },
      { name: "worker certificate", creds: rawPeerCredentials(ca.certPem, ids.get("w1")), from: other, code: "PERMISSION_DENIED", details: /node w1 has role worker/ },
      { name: "member speaking as another member", creds: rawPeerCredentials(ca.certPem, ids.get(`n${other}`)), from: 3, code: "PERMISSION_DENIED", details: new RegExp(`node n${other} is raft id ${other} but sent a message from raft id 3`) },
      { name: "member speaking as the leader itself", creds: rawPeerCredentials(ca.certPem, ids.get(`n${other}`)), from: L, code: "PERMISSION_DENIED", details: /this member's own id/ },
      { name: "unknown manager taking a member's id", creds: rawPeerCredentials(ca.certPem, ids.get("n9")), from: other, code: "PERMISSION_DENIED", details: new RegExp(`raft id ${other} belongs to node n${other}, not to node n9`) },
      { name: "unknown manager as a non-member", creds: rawPeerCredentials(ca.certPem, ids.get("n9")), from: 999_999, code: "PERMISSION_DENIED", details: /raft id 999999, which is not a raft member/ },
    ];
    const seen: string[] = [];
    for (const c of cases) {
      const out = await sendRaw(addr, c.creds, heartbeat(c.from));
      seen.push(`${c.name}: ${out.code} ${out.details}`);
      expect(out.ok, c.name).toBe(false);
      expect(out.code, `${c.name}: ${out.details}`).toBe(c.code);
      expect(out.details, c.name).toMatch(c.details);
    }
    // Had any heartbeat reached the core, the leader would have stepped down to term 2^40.
    await new Promise((r) => setTimeout(r, 300));
    expect(leader.status()).toMatchObject({ isLeader: true, id: L });
    expect(leader.status().term).toBe(term);
    expect(members.every((m) => m.status().term < STEAL_TERM)).toBe(true);
    // Each refused certificate holder is logged by node id.
    for (const node of ["w1", `n${other}`, "n9"]) expect(logLines.some((l) => l.includes("refused a peer") && l.includes(`"caller":"${node}"`)), node).toBe(true);
  }, 30_000);

  it("lets a member's own certificate through as its own raft id", async () => {
    const leader = leaderNow();
    const { id: L, term } = leader.status();
    const other = L === 1 ? 2 : 1;
    const out = await sendRaw(peers.get(L)!, rawPeerCredentials(ca.certPem, ids.get(`n${other}`)), [{ type: "MSG_HEARTBEAT_RESP", from: other, to: L, term }]);
    expect(out).toEqual({ ok: true, code: "OK", details: "" });
    expect(leader.status()).toMatchObject({ isLeader: true, term });
  });

  it("refuses a member's heartbeat with a term of 2^60 (INVALID_ARGUMENT) before the core", async () => {
    const leader = leaderNow();
    const { id: L, term } = leader.status();
    const other = L === 1 ? 2 : 1;
    const out = await sendRaw(peers.get(L)!, rawPeerCredentials(ca.certPem, ids.get(`n${other}`)), [{ type: "MSG_HEARTBEAT", from: other, to: L, term: 2 ** 60 }]);
    expect(out.code).toBe("INVALID_ARGUMENT");
    expect(out.details).toContain(`MSG_HEARTBEAT from ${other}: term ${2 ** 60} is not an integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
    expect(leader.status()).toMatchObject({ isLeader: true, term });
  });

  it("refuses a message over the size limit with RESOURCE_EXHAUSTED", async () => {
    const leader = leaderNow();
    const { id: L, lastIndex } = leader.status();
    const other = L === 1 ? 2 : 1;
    const big = Buffer.alloc(MAX_RAFT_MESSAGE_BYTES + 1024, 1);
    const out = await sendRaw(peers.get(L)!, rawPeerCredentials(ca.certPem, ids.get(`n${other}`)), [{ type: "MSG_PROP", from: other, to: L, entries: [{ type: "ENTRY_NORMAL", data: big }] }], { timeoutMs: 30_000 });
    expect(out.code, out.details).toBe("RESOURCE_EXHAUSTED");
    expect(out.details).toMatch(/larger than max/);
    expect(leader.status().lastIndex).toBe(lastIndex);
  }, 40_000);
});
