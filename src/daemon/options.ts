import type { RegistryAccess } from "../image/distribution/registries.js";
import type { Logger } from "../lib/logger.js";
import type { MeshLimitOptions } from "../mesh/limits.js";

/** Resolved daemon options. */
export interface DaemonOptions {
  readonly dataDir: string;
  readonly socketPath: string;
  /** `--socket-group`: the gid whose members may use the local socket besides root (socket 0660 root:gid). */
  readonly socketGid?: number;
  /** Default cluster listen address for init/join ("host:port"). */
  readonly listenAddr: string;
  /** Default advertise address ("host" or "host:port"); "" = derive from listenAddr. */
  readonly advertiseAddr: string;
  readonly logger: Logger;
  /** Raft tick in ms (tests shorten it). */
  readonly tickMs?: number;
  /** Restart this manager as the only member of a one-manager cluster, keeping its store (`--force-new-cluster`). */
  readonly forceNewCluster?: boolean;
  /** Registries this node pulls from over plain http (`--insecure-registry`); the rest over https. */
  readonly registries?: RegistryAccess;
  /** How long `join` as a manager waits for the leader to promote this node to a Raft voter (default 30 s). */
  readonly promotionWaitMs?: number;
  /** Native relay processes of the routing mesh (`--mesh-relays`); default one per core, 0 = in-process. */
  readonly meshRelays?: number;
  /** Caps, descriptor budget and TCP idle timeout of the routing mesh (`--mesh-*` limit flags). */
  readonly meshLimits?: MeshLimitOptions;
}
