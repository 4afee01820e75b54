/**
 * Run by node-network.int.test.ts inside a throw-away host netns (`ip netns exec`): makes the node
 * network, attaches the tasks named in argv[2] (JSON: [{name, cidr, gateway}]) all at once (one batch),
 * and prints one JSON line per task: {name, ok, err?}. With argv[3] = "detach" it then detaches them all
 * at once and prints {detached: [names whose detach resolved], errors}.
 */
import { createLogger } from "../../lib/logger.js";
import { NodeNetwork } from "../node-network.js";

interface Want {
  readonly name: string;
  readonly cidr: string;
  readonly gateway: string;
}

const wants = JSON.parse(process.argv[2] ?? "[]") as Want[];
const net = new NodeNetwork({ underlayIp: "127.0.0.1", logger: createLogger({ level: "silent" }) });
await net.ensureNode(process.argv[4] ?? "10.254.7.1/24");
const results = await Promise.all(
  wants.map((w) =>
    net.attach(w.name, { cidr: w.cidr, gateway: w.gateway }).then(
      (a) => ({ name: w.name, ok: true, netnsPath: a.netnsPath, address: a.address, cleanup: () => a.cleanup() }),
      (err: unknown) => ({ name: w.name, ok: false, err: err instanceof Error ? err.message : String(err), cleanup: undefined }),
    ),
  ),
);
for (const r of results) console.log(JSON.stringify({ ...r, cleanup: undefined }));
if (process.argv[3] === "detach") {
  const errors: string[] = [];
  const detached: string[] = [];
  await Promise.all(
    results.map((r) =>
      (r.cleanup?.() ?? net.detach(r.name)).then(
        () => detached.push(r.name),
        (err: unknown) => errors.push(err instanceof Error ? err.message : String(err)),
      ),
    ),
  );
  console.log(JSON.stringify({ detached: detached.sort(), errors }));
}
