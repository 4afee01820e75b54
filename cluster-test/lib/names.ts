/**
 * Names of everything the harness creates, derived from one prefix and the cluster name (pure).
 *
 * Every kernel object carries the prefix `swt` so `cleanup` can find leftovers of a crashed run without
 * any state file: netns `swt-<cluster>-<host>`, root links `swt-<cluster>-br` / `swt-<cluster>-<index>`,
 * cgroups `swt-<cluster>-<host>`, iptables comments `swt:<cluster>:…`. Interface names must fit the
 * kernel's 15 characters, so cluster names are short: 1–6 characters of [a-z0-9], starting with a letter.
 */
import { ValidationError } from "../../src/lib/errors.js";

/** Prefix of every netns, link, cgroup, and iptables comment the harness creates. */
export const PREFIX = "swt";

/** Upper bound of hosts in one cluster (host indexes must fit the veth name and the subnet). */
export const MAX_HOSTS = 200;

/** Linux limit for interface names (IFNAMSIZ - 1). */
export const IFNAME_MAX = 15;

/** Name of the iptables chain in every host namespace that holds the fault rules. */
export const FAULT_CHAIN = "SWT-FAULTS";

const CLUSTER_NAME = /^[a-z][a-z0-9]{0,5}$/;
const HOST_NAME = /^h([1-9][0-9]{0,2})$/;

/** Throws unless `name` is a valid cluster name (1–6 of [a-z0-9], starting with a letter). */
export function validateClusterName(name: string): string {
  if (!CLUSTER_NAME.test(name)) {
    throw new ValidationError(
      "cluster.name",
      `${JSON.stringify(name)} is not 1–6 characters of [a-z0-9] starting with a letter (interface names are ≤ ${IFNAME_MAX} chars)`,
    );
  }
  return name;
}

/** Host name of the i-th host (1-based): `h1`, `h2`, … */
export function hostName(index: number): string {
  return `h${index}`;
}

/** The 1-based index of a host name, or a ValidationError naming the bad value. */
export function hostIndex(name: string): number {
  const m = HOST_NAME.exec(name);
  if (m?.[1] === undefined) throw new ValidationError("host", `${JSON.stringify(name)} is not a host name like h1, h2, …`);
  return Number(m[1]);
}

/** All names used for one cluster. */
export interface ClusterNames {
  readonly cluster: string;
  /** Bridge in the root namespace that every host's veth is attached to. */
  readonly bridge: string;
  /** Comment on the root FORWARD rule that lets traffic cross the bridge. */
  readonly forwardComment: string;
  /** Prefix shared by this cluster's netns, links and cgroups (`swt-<cluster>-`). */
  readonly objectPrefix: string;
  /** Prefix of iptables comments of this cluster (`swt:<cluster>:`). */
  readonly commentPrefix: string;
  /** Network namespace of a host. */
  netns(host: string): string;
  /** Root-namespace end of a host's veth pair. */
  veth(host: string): string;
  /** cgroup (v2 hierarchy) that holds every process the harness starts in a host. */
  cgroup(host: string): string;
}

/** Derives every name of cluster `cluster` (validated). */
export function clusterNames(cluster: string): ClusterNames {
  validateClusterName(cluster);
  const objectPrefix = `${PREFIX}-${cluster}-`;
  return {
    cluster,
    bridge: `${objectPrefix}br`,
    forwardComment: `${PREFIX}:${cluster}:forward`,
    objectPrefix,
    commentPrefix: `${PREFIX}:${cluster}:`,
    netns: (host) => `${objectPrefix}${host}`,
    veth: (host) => `${objectPrefix}${hostIndex(host)}`,
    cgroup: (host) => `${objectPrefix}${host}`,
  };
}

/**
 * The cluster a harness object name belongs to (`swt-<cluster>-…` or `swt:<cluster>:…`), or undefined
 * when the name is not one of ours. Used by `cleanup` to match leftovers without state.
 */
export function clusterOfObject(name: string): string | undefined {
  const m = /^swt[-:]([a-z][a-z0-9]{0,5})[-:]/.exec(name);
  return m?.[1];
}
