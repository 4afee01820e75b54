/**
 * A gossip member as its own process, for tests and the benchmark: `tsx member-process.ts '<json>'`.
 * Prints JSON lines on stdout: {"type":"ready","addr"}, one line per event ({"type","member","t"})
 * with a wall-clock ms timestamp, and {"type":"metrics",…} every `metricsEveryMs` if set.
 */
import { GossipNode } from "../node.js";
import type { GossipTuning, Profile } from "../config.js";

/** The JSON argument. */
export interface MemberProcessConfig {
  readonly name: string;
  readonly bindHost: string;
  readonly bindPort: number;
  readonly seeds?: readonly string[];
  readonly profile?: Profile;
  readonly tuning?: Partial<GossipTuning>;
  readonly keysHex?: readonly string[];
  readonly metricsEveryMs?: number;
}

const config = JSON.parse(process.argv[2] ?? "{}") as MemberProcessConfig;
const node = await GossipNode.start({
  name: config.name,
  bindHost: config.bindHost,
  bindPort: config.bindPort,
  profile: config.profile,
  tuning: config.tuning,
  keys: config.keysHex?.map((k) => Buffer.from(k, "hex")),
});
const print = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
void (async () => {
  for await (const e of node.subscribe()) {
    print(e.type === "user" ? { type: "user", member: e.origin, t: Date.now() } : { type: e.type, member: e.member.name, t: Date.now() });
  }
})();
if (config.seeds !== undefined && config.seeds.length > 0) await node.join(config.seeds);
print({ type: "ready", addr: node.addr, t: Date.now() });
if (config.metricsEveryMs !== undefined) {
  setInterval(() => print({ type: "metrics", t: Date.now(), ...node.metrics() }), config.metricsEveryMs);
}
process.on("SIGTERM", () => {
  void node.close().then(() => process.exit(0));
});
