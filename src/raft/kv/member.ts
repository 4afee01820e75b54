/**
 * Runs one KV member as a process:
 *
 *   tsx src/raft/kv/member.ts --id 1 --peers 1=127.0.0.1:7001,2=127.0.0.1:7002,3=127.0.0.1:7003 \
 *       --client 127.0.0.1:8001 --data-dir /tmp/m1 [--bootstrap] [--tick-ms 50] [--election-ticks 10]
 *
 * `--bootstrap` creates a new cluster of all `--peers` when the data dir is empty (ignored otherwise).
 * Prints one JSON line `{"ready":true,...}` on stdout once both the Raft and KV ports listen.
 * SIGTERM/SIGINT stop it gracefully.
 */
import { parseArgs } from "node:util";
import { createLogger } from "../../lib/logger.js";
import { ValidationError, errorMessage } from "../../lib/errors.js";
import { RaftServer } from "../server/server.js";
import { KvStateMachine, type KvApplyResult } from "./state-machine.js";
import { parsePeers } from "./args.js";
import { startKvService } from "./service.js";

function intArg(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) throw new ValidationError(`--${name}`, `"${v}" is not a positive integer`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      id: { type: "string" },
      peers: { type: "string" },
      client: { type: "string" },
      "data-dir": { type: "string" },
      bootstrap: { type: "boolean", default: false },
      "tick-ms": { type: "string" },
      "election-ticks": { type: "string" },
      "snapshot-entries": { type: "string" },
    },
  });
  const id = intArg("id", values.id, 0);
  if (values.peers === undefined) throw new ValidationError("--peers", "is required");
  if (values.client === undefined) throw new ValidationError("--client", "is required");
  if (values["data-dir"] === undefined) throw new ValidationError("--data-dir", "is required");
  const peers = parsePeers(values.peers);
  const listen = peers.get(id);
  if (listen === undefined) throw new ValidationError("--peers", `has no address for this member's --id ${id}`);
  const logger = createLogger({ base: { member: id } });
  const sm = new KvStateMachine();
  const raft = await RaftServer.start<KvApplyResult>({
    id,
    dataDir: values["data-dir"],
    listen,
    peers,
    ...(values.bootstrap ? { bootstrap: [...peers.keys()] } : {}),
    stateMachine: sm,
    tickMs: intArg("tick-ms", values["tick-ms"], 50),
    electionTicks: intArg("election-ticks", values["election-ticks"], 10),
    snapshotEntries: intArg("snapshot-entries", values["snapshot-entries"], 10_000),
    logger,
  });
  const kv = await startKvService(values.client, raft, sm);
  process.stdout.write(`${JSON.stringify({ ready: true, id, raftPort: raft.port, clientPort: kv.port, pid: process.pid })}\n`);
  if (process.env.SWARM_RAFT_STATS_MS !== undefined) {
    setInterval(() => logger.info({ ...raft.metrics(), leader: raft.status().leader, progress: raft.progressSummary() }, "raft metrics"), Number(process.env.SWARM_RAFT_STATS_MS)).unref();
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void kv.server.close();
    raft.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: errorMessage(err) }, "stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`kv member: ${errorMessage(err)}\n`);
  process.exit(2);
});
