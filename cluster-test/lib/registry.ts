/**
 * A Distribution v2 registry on a host of the cluster: Debian's `docker-registry` (2.8) started by hand
 * with its own config file (never the packaged systemd service), filesystem storage under the host's
 * data dir, listening on the host's address only — so it is reachable from the cluster's hosts and from
 * nowhere else, and `down`/`cleanup` remove it with the host. Images are pushed with Debian's `skopeo`
 * from another host.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Cluster } from "./cluster.js";

/** A registry started by {@link startRegistryOn}. */
export interface HostRegistry {
  /** `ip:port`, the registry part of an image reference. */
  readonly hostPort: string;
  /** The host it runs in. */
  readonly host: string;
}

function requireTool(path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: install Debian package ${pkg} (apt-get install ${pkg}, or scripts/install-host-deps.sh)`);
}

/**
 * Starts docker-registry in `host` (process name `registry`, log `<logDir>/registry.log`) on
 * `<host ip>:port` and waits until `/v2/` answers to a request made from `probeFrom`.
 */
export async function startRegistryOn(c: Cluster, host: string, probeFrom: string, port = 5000): Promise<HostRegistry> {
  requireTool("/usr/bin/docker-registry", "docker-registry");
  const h = c.host(host);
  const dir = join(h.dataDir, "registry");
  mkdirSync(join(dir, "storage"), { recursive: true });
  const hostPort = `${h.ip}:${port}`;
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: info",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(dir, "storage")}`,
      "http:",
      `  addr: ${hostPort}`,
      `  secret: cluster-test-${c.name}`,
      "",
    ].join("\n"),
  );
  await h.start(["/usr/bin/docker-registry", "serve", config], { name: "registry" });
  await c.waitFor(
    async () => {
      if (h.state("registry") === "dead") throw new Error(`docker-registry exited: ${h.tail("registry", 20)}`);
      return (await c.host(probeFrom).exec(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", `http://${hostPort}/v2/`])).stdout;
    },
    (code) => code === "200",
    { timeoutMs: 15_000, describe: `docker-registry answering on http://${hostPort}/v2/ from ${probeFrom}` },
  );
  return { hostPort, host };
}

/** `skopeo copy oci-archive:<archive> docker://<registry>/<ref>` over plain http, run in host `from`. */
export async function skopeoPushFrom(c: Cluster, from: string, archive: string, registry: HostRegistry, ref: string): Promise<void> {
  requireTool("/usr/bin/skopeo", "skopeo");
  const argv = ["/usr/bin/skopeo", "--insecure-policy", "copy", "--quiet", "--dest-tls-verify=false", `oci-archive:${archive}`, `docker://${registry.hostPort}/${ref}`];
  const r = await c.host(from).exec(argv, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${from}: ${argv.join(" ")} exited ${r.code}: ${r.stderr.trim()}`);
}
