/**
 * The vitest entry point: `await withCluster({ hosts: 5 }, async (c) => { … })` brings a cluster up,
 * runs the scenario, appends the tail of every process log to a failure, and always tears down.
 * `SWARM_CLUSTER_KEEP=1` keeps a failed cluster for inspection (`swarm-cluster status --name …`).
 */
import { randomBytes } from "node:crypto";
import { Cluster } from "./cluster.js";
import { cleanup } from "./cleanup.js";
import type { UpOptions } from "./provision.js";

/** A fresh cluster name for a test (`t` + 5 random base-32 chars), so parallel runs never collide. */
export function uniqueClusterName(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  return `t${[...randomBytes(5)].map((b) => alphabet[b % 32]).join("")}`;
}

/** Runs `scenario` against a new cluster and always removes the cluster afterwards. */
export async function withCluster<T>(options: UpOptions, scenario: (c: Cluster) => Promise<T>): Promise<T> {
  const name = options.name ?? uniqueClusterName();
  await cleanup(name); // leftovers of a killed earlier run with the same name
  const cluster = await Cluster.up({ ...options, name });
  let failed = false;
  try {
    return await scenario(cluster);
  } catch (err) {
    failed = true;
    const logs = cluster.tailAll(40);
    if (err instanceof Error && logs.length > 0) err.message += `\n\nlogs of cluster ${name}:\n${logs}`;
    throw err;
  } finally {
    if (!(failed && process.env.SWARM_CLUSTER_KEEP === "1")) await cluster.down();
  }
}
