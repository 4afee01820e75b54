/**
 * A cluster shared by the tests of one file: `const step = sharedCluster({ hosts: 5 }, async (c) => { … })`
 * brings it up in `beforeAll` and runs the setup (a failed setup carries every process log's tail and
 * tears down), removes it in `afterAll`, and gives `step(fn)`, which runs one test's body and appends
 * the log tails to its failure.
 */
import { afterAll, beforeAll } from "vitest";
import { Cluster } from "./cluster.js";
import { cleanup } from "./cleanup.js";
import { uniqueClusterName } from "./with-cluster.js";

/** Options of {@link sharedCluster}. */
export interface SharedClusterOptions {
  readonly hosts: number;
  /** Time for bring-up plus setup (vitest's hook timeout otherwise). */
  readonly setupTimeoutMs?: number;
}

/** See the module comment. */
export function sharedCluster(o: SharedClusterOptions, setup: (c: Cluster) => Promise<void>): (body: () => Promise<void>) => Promise<void> {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    const name = uniqueClusterName();
    await cleanup(name); // leftovers of a killed earlier run with the same name
    const c = await Cluster.up({ hosts: o.hosts, name });
    cluster = c;
    try {
      await setup(c);
    } catch (err) {
      if (err instanceof Error) err.message += `\n\nlogs:\n${c.tailAll(40)}`;
      await c.down();
      throw err;
    }
  }, o.setupTimeoutMs);
  afterAll(async () => {
    await cluster?.down();
  });
  return async (body) => {
    try {
      await body();
    } catch (err) {
      if (err instanceof Error && cluster !== undefined) err.message += `\n\nlogs:\n${cluster.tailAll(30)}`;
      throw err;
    }
  };
}
