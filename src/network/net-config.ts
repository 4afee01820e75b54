/**
 * The inside of task network namespaces, many per process: `swarm-runtime net-config` (native/src/netcfg.c)
 * joins each namespace and brings `lo` up, gives the interface its address and the default route.
 */
import { runProcess } from "../lib/spawner.js";
import { RUNTIME_BINARY } from "../lib/runtime-binary.js";

/** One namespace to configure. */
export interface NetConfigEntry {
  readonly netnsPath: string;
  readonly ifname: string;
  /** "10.0.3.7/24". */
  readonly cidr: string;
  readonly gateway: string;
}

/** Some namespaces could not be configured. */
export class NetConfigError extends Error {
  /** Stable code of this error class. */
  readonly code = "NET_CONFIG_FAILED";
  constructor(
    /** netns path → what failed (every entry when the helper itself failed). */
    readonly failed: ReadonlyMap<string, string>,
  ) {
    super(`swarm-runtime net-config: ${[...failed].map(([p, why]) => `${p}: ${why}`).join("; ")}`);
    this.name = "NetConfigError";
  }
}

/** Configures every entry in one `swarm-runtime net-config` process; rejects with a {@link NetConfigError}. */
export function netConfig(entries: readonly NetConfigEntry[], binary = RUNTIME_BINARY): Promise<void> {
  if (entries.length === 0) return Promise.resolve();
  for (const e of entries) {
    if ([e.netnsPath, e.ifname, e.cidr, e.gateway].some((f) => f === "" || /\s/.test(f))) return Promise.reject(new NetConfigError(new Map([[e.netnsPath, `entry ${JSON.stringify(e)} has an empty field or whitespace`]])));
  }
  const input = entries.map((e) => `${e.netnsPath} ${e.ifname} ${e.cidr} ${e.gateway}\n`).join("");
  const all = (why: string): Map<string, string> => new Map(entries.map((e) => [e.netnsPath, why]));
  return runProcess(binary, ["net-config"], { input }).then(
    ({ code, stdout: out, stderr: err }) => {
      const ok = new Set<string>();
      const failed = new Map<string, string>();
      for (const line of out.split("\n")) {
        const m = /^(ok|err) (\S+) ?(.*)$/.exec(line);
        if (m?.[1] === "ok" && m[2] !== undefined) ok.add(m[2]);
        else if (m?.[1] === "err" && m[2] !== undefined) failed.set(m[2], m[3] ?? "");
      }
      for (const e of entries) if (!ok.has(e.netnsPath) && !failed.has(e.netnsPath)) failed.set(e.netnsPath, err.trim() || `no answer (exit ${String(code)})`);
      if (code !== 0 || failed.size > 0) throw new NetConfigError(failed);
    },
    (e: unknown) => {
      throw new NetConfigError(all(e instanceof Error ? e.message : String(e)));
    },
  );
}
