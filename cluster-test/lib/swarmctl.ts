/** Helpers for scenarios that drive `swarmctl` in harness hosts. */
import type { Cluster } from "./cluster.js";

/** The data rows of a table `swarmctl` printed (its header dropped). */
export function tableRows(stdout: string): string[] {
  return stdout.trim().split("\n").slice(1);
}

/** Runs `swarmctl …args` on `host` and returns stdout; a non-zero exit throws with its stderr. */
export async function swarmctlOk(c: Cluster, host: string, ...args: string[]): Promise<string> {
  const r = await c.host(host).swarmctl(...args);
  if (r.code !== 0) throw new Error(`swarmctl ${args.join(" ")} on ${host} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}
