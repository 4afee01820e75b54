/**
 * One manager process for `bench:store`: a real Manager (Raft + store + control API, mTLS everywhere)
 * with certificates the driver issued. Member 0 bootstraps the cluster and creates the cluster object
 * and `--objects` node objects (bench-0 …, status DOWN so no heartbeat bookkeeping touches them); the
 * others join through RaftMembership.Join like `swarmctl join` does. Prints "ready" when it serves,
 * stops gracefully on SIGTERM.
 *
 * Args: --index I --dir D --api HOST:PORT --certs DIR (ca.crt, ca.key, m<I>.crt, m<I>.key) [--join HOST:PORT] [--objects N]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { JoinRaftResponse__Output } from "../src/gen/swarm/membership/JoinRaftResponse.js";
import { callUnary } from "../src/rpc/grpc.js";
import { createLogger } from "../src/lib/logger.js";
import { loadRootCA } from "../src/ca/certs.js";
import { newClusterObject } from "../src/ca/issuer.js";
import { managerChannelCredentials, MANAGER_TARGET_OPTIONS, TlsIdentityProvider } from "../src/ca/tls.js";
import { shiftPort } from "../src/lib/addr.js";
import { Manager } from "../src/manager/manager.js";
import { makeNode } from "../src/store/objects.js";
import { protos } from "../src/rpc/services.js";

const { values } = parseArgs({
  options: { index: { type: "string" }, dir: { type: "string" }, api: { type: "string" }, certs: { type: "string" }, join: { type: "string" }, objects: { type: "string" } },
});
const index = Number(values.index);
const certs = values.certs!;
const api = values.api!;
const caCertPem = readFileSync(join(certs, "ca.crt"), "utf8");
const tls = new TlsIdentityProvider({ caCertPem, certPem: readFileSync(join(certs, `m${index}.crt`), "utf8"), keyPem: readFileSync(join(certs, `m${index}.key`), "utf8") });
const logger = createLogger({ level: process.env.SWARM_LOG_LEVEL ?? "warn", base: { member: index } });
const raftId = index + 1;

let peers = new Map<number, string>();
if (values.join !== undefined) {
  const client = new protos.membership.RaftMembership(values.join, managerChannelCredentials(tls), MANAGER_TARGET_OPTIONS);
  const res = await callUnary<JoinRaftResponse__Output>((md, o, cb) => client.Join({ raftId, raftAddr: shiftPort(api, 1), apiAddr: api }, md, o, cb));
  client.close();
  peers = new Map(res.members.map((m) => [m.raftId, m.raftAddr]));
}
const manager = await Manager.start({ dataDir: values.dir!, nodeId: `m${index}`, raftId, listenAddr: api, advertiseAddr: api, tls, bootstrap: values.join === undefined, peers, reconcilers: false, logger });
await manager.waitForLeader();
if (values.join === undefined) {
  const ca = loadRootCA(caCertPem, readFileSync(join(certs, "ca.key"), "utf8"));
  const n = Number(values.objects ?? 0);
  await manager.store.update((tx) => {
    tx.create("cluster", newClusterObject(ca, "bench-cluster"));
    for (let i = 0; i < n; i++) {
      tx.create("node", makeNode({ id: `bench-${i}`, description: { hostname: `bench-${i}` }, role: "WORKER", spec: { desiredRole: "WORKER", availability: "ACTIVE" }, status: { state: "DOWN" } }));
    }
  });
}
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void manager.stop().then(() => process.exit(0));
});
