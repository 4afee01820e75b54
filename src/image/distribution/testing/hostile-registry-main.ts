/**
 * `node --import tsx hostile-registry-main.ts HOST PORT`: runs {@link startHostileRegistry} on HOST:PORT
 * until killed (cluster-test/attacks/image.ts starts it on the attacker's test host) and logs each request
 * as one JSON line on stdout.
 */
import { startHostileRegistry } from "./hostile-registry.js";

const [host, port] = process.argv.slice(2);
if (host === undefined || port === undefined || !/^[0-9]+$/.test(port)) {
  process.stderr.write("usage: hostile-registry-main.ts HOST PORT\n");
  process.exit(2);
}
const reg = await startHostileRegistry({ host, port: Number(port) });
process.stdout.write(`hostile registry on ${reg.url}\n`);
setInterval(() => {
  for (const r of reg.requests.splice(0)) process.stdout.write(`${JSON.stringify(r)}\n`);
}, 500);
